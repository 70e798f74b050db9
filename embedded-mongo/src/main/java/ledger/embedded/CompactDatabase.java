package ledger.embedded;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.AbstractSynchronizedMongoCollection;
import de.bwaldvogel.mongo.backend.AbstractSynchronizedMongoDatabase;
import de.bwaldvogel.mongo.backend.Assert;
import de.bwaldvogel.mongo.backend.AbstractUniqueIndex;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.DocumentWithPosition;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.Utils;
import de.bwaldvogel.mongo.backend.ValueComparator;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.oplog.Oplog;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.UUID;
import java.util.stream.Stream;
import org.h2.mvstore.FileStore;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

/**
 * mongo-java-server's H2 database with its maps typed as BSON ({@link BsonTypes}); map names and layout are
 * those of its H2 backend, so the same collections, indexes and counters are kept.
 */
final class CompactDatabase extends AbstractSynchronizedMongoDatabase<Object> {

    static final String DATABASES_PREFIX = "databases.";
    static final String META_PREFIX = "meta.";
    static final String INDEX_INFIX = "._index_";

    private final MVStore store;

    CompactDatabase(String databaseName, MVStore store, CursorRegistry cursorRegistry) {
        super(databaseName, cursorRegistry);
        this.store = store;
        initializeNamespacesAndIndexes();
    }

    static MVMap<Object, Object> documents(MVStore store, String name) {
        return store.openMap(name, new MVMap.Builder<Object, Object>().valueType(BsonTypes.Documents.INSTANCE));
    }

    static MVMap<KeyValue, Object> indexKeys(MVStore store, String name) {
        return store.openMap(name, new MVMap.Builder<KeyValue, Object>().keyType(BsonTypes.IndexKeys.INSTANCE));
    }

    @Override
    protected Index<Object> openOrCreateUniqueIndex(String collectionName, String indexName, List<IndexKey> keys, boolean sparse) {
        return new UniqueIndex(indexKeys(store, indexMapName(collectionName, indexName)), indexName, keys, sparse);
    }

    @Override
    protected void dropIndex(MongoCollection<Object> collection, String indexName) {
        super.dropIndex(collection, indexName);
        store.removeMap(indexMapName(collection.getCollectionName(), indexName));
    }

    private String indexMapName(String collectionName, String indexName) {
        return getFullCollectionNamespace(collectionName) + INDEX_INFIX + indexName;
    }

    @Override
    public void drop(Oplog oplog) {
        super.drop(oplog);
        for (String name : List.copyOf(store.getMapNames())) {
            if (name.startsWith(databaseName + ".") || name.startsWith(DATABASES_PREFIX + databaseName + ".")
                    || name.startsWith(META_PREFIX + databaseName + ".")) {
                store.removeMap(name);
            }
        }
    }

    @Override
    protected MongoCollection<Object> openOrCreateCollection(String collectionName, CollectionOptions options) {
        String fullName = getFullCollectionNamespace(collectionName);
        // the meta map is the H2 backend's (its running size total): kept, so the file's layout stays the library's
        store.openMap(META_PREFIX + fullName);
        return new Collection(this, collectionName, options, documents(store, DATABASES_PREFIX + fullName), cursorRegistry);
    }

    /**
     * mongo-java-server's H2 collection, with two changes. Its values are kept as they were read from the file
     * ({@link StoredDocument}) and decoded when something looks inside, so a scan of the whole collection can send
     * them as they are ({@link #storedDocuments}). And it keeps no running total of its documents' size: the
     * library encodes every document it inserts, replaces or removes once more to measure it, and rewrites the
     * collection's meta map each time; the size is measured when the collection's statistics are asked for.
     */
    static final class Collection extends AbstractSynchronizedMongoCollection<Object> {
        private final MVMap<Object, Object> documents;

        Collection(MongoDatabase database, String name, CollectionOptions options, MVMap<Object, Object> documents,
                   CursorRegistry cursorRegistry) {
            super(database, name, options, cursorRegistry);
            this.documents = documents;
        }

        /**
         * Every document in the order of its key, as stored, split as the library splits a find's answer (a
         * first batch of {@code batchSize}, 0 for all, the rest in a cursor for getMore). Its cursors only hand
         * out slices of the list, and the reply's writer writes stored documents as they are: nothing else ever
         * sees these values, which are not all {@link Document}s.
         */
        @SuppressWarnings({"unchecked", "rawtypes"})
        synchronized QueryResult storedDocuments(int batchSize) {
            return createQueryResult((List) new ArrayList<>(documents.values()), batchSize);
        }

        @Override
        protected Object addDocumentInternal(Document document) {
            Object key = getIdField() != null ? Utils.getSubdocumentValue(document, getIdField()) : UUID.randomUUID();
            Object previous = documents.put(Missing.ofNullable(key), document);
            Assert.isNull(previous, () -> "Document with key '" + key + "' already existed in " + this);
            return key;
        }

        @Override
        public int count() {
            return documents.size();
        }

        @Override
        public boolean isEmpty() {
            return documents.isEmpty();
        }

        @Override
        protected Document getDocument(Object position) {
            Object value = documents.get(position);
            return value == null ? null : StoredDocument.decoded(value);
        }

        @Override
        protected void removeDocument(Object position) {
            if (documents.remove(position) == null) {
                throw new NoSuchElementException("No document with key " + position);
            }
        }

        @Override
        protected Stream<DocumentWithPosition<Object>> streamAllDocumentsWithPosition() {
            return documents.entrySet().stream()
                    .map(entry -> new DocumentWithPosition<>(StoredDocument.decoded(entry.getValue()), entry.getKey()));
        }

        @Override
        protected QueryResult matchDocuments(Document query, Document orderBy, int numberToSkip, int limit, int batchSize,
                                             Document fieldSelector) {
            Stream<Document> stream;
            if (isNaturalDescending(orderBy)) {
                stream = streamAllDocumentsWithPosition()
                        .sorted((a, b) -> ValueComparator.desc().compare(a.getPosition(), b.getPosition()))
                        .map(DocumentWithPosition::getDocument);
            } else {
                stream = documents.values().stream().map(StoredDocument::decoded);
            }
            return matchDocumentsFromStream(stream, query, orderBy, numberToSkip, limit, batchSize, fieldSelector);
        }

        @Override
        protected void handleUpdate(Object position, Document oldDocument, Document newDocument) {
            documents.put(Missing.ofNullable(position), newDocument);
        }

        @Override
        protected boolean tracksDataSize() {
            return false;
        }

        @Override
        protected void updateDataSize(int sizeDelta) {
            // not tracked (tracksDataSize)
        }

        @Override
        protected int getDataSize() {
            long size = 0;
            io.netty.buffer.ByteBuf buffer = io.netty.buffer.Unpooled.buffer(4096);
            for (Object document : documents.values()) {
                if (document instanceof StoredDocument stored) {
                    size += stored.bson().length;
                } else {
                    Bson.writeDocument((Document) document, buffer.clear());
                    size += buffer.readableBytes();
                }
            }
            return (int) Math.min(Integer.MAX_VALUE, size);
        }
    }

    /** The collection if it exists, without creating it. */
    Collection existingCollection(String collectionName) {
        return resolveCollection(collectionName, false) instanceof Collection collection ? collection : null;
    }

    @Override
    protected long getStorageSize() {
        FileStore<?> fileStore = store.getFileStore();
        return fileStore == null ? 0 : fileStore.size();
    }

    @Override
    protected long getFileSize() {
        return getStorageSize();
    }

    @Override
    public void dropCollection(String collectionName, Oplog oplog) {
        super.dropCollection(collectionName, oplog);
        String fullName = getFullCollectionNamespace(collectionName);
        store.removeMap(DATABASES_PREFIX + fullName);
        store.removeMap(META_PREFIX + fullName);
    }

    @Override
    public void moveCollection(MongoDatabase oldDatabase, MongoCollection<?> collection, String newCollectionName) {
        super.moveCollection(oldDatabase, collection, newCollectionName);
        String fullName = collection.getFullName();
        String newFullName = getFullCollectionNamespace(newCollectionName);
        store.renameMap(documents(store, DATABASES_PREFIX + fullName), DATABASES_PREFIX + newFullName);
        store.renameMap(store.openMap(META_PREFIX + fullName), META_PREFIX + newFullName);
    }

    private static final class UniqueIndex extends AbstractUniqueIndex<Object> {
        private final MVMap<KeyValue, Object> map;

        UniqueIndex(MVMap<KeyValue, Object> map, String name, List<IndexKey> keys, boolean sparse) {
            super(name, keys, sparse);
            this.map = map;
        }

        @Override
        protected Object removeDocument(KeyValue keyValue) {
            return map.remove(keyValue);
        }

        @Override
        protected boolean putKeyPosition(KeyValue keyValue, Object position) {
            return map.putIfAbsent(keyValue, Missing.ofNullable(position)) == null;
        }

        @Override
        protected Iterable<Map.Entry<KeyValue, Object>> getIterable() {
            return map.entrySet();
        }

        @Override
        protected Object getPosition(KeyValue keyValue) {
            return map.get(keyValue);
        }

        @Override
        public long getCount() {
            return map.sizeAsLong();
        }

        @Override
        public boolean isEmpty() {
            return map.isEmpty();
        }

        @Override
        public long getDataSize() {
            return getCount();
        }
    }
}
