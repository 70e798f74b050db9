package ledger.embedded;

import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.AbstractMongoBackend;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.Utils;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.exception.MongoServerException;
import de.bwaldvogel.mongo.wire.message.MongoMessage;
import io.netty.channel.Channel;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * mongo-java-server's H2 backend, made durable: a write command is answered only once it is synced to the
 * write-ahead log, a read only once what it may have seen is ({@link WriteAheadLog}); documents are kept as BSON
 * ({@link CompactDatabase}). What the log refuses (disk full, a halted store) is answered as MongoDB's command
 * error ({@link StoreRefusal}), without a log line per request.
 */
final class DurableBackend extends AbstractMongoBackend {

    private static final Logger log = LoggerFactory.getLogger(DurableBackend.class);

    /**
     * Reads of no data (a connection's handshake, which asks getLastError for its connection id; a ping): answered
     * without waiting for anything to be durable. Consulted before {@link #READS}.
     */
    private static final Set<String> NO_DATA = Set.of("hello", "ismaster", "buildinfo", "ping", "whatsmyuri", "endsessions",
            "getlog", "hostinfo", "getparameter", "getcmdlineopts", "getfreemonitoringstatus", "connectionstatus",
            "saslstart", "saslcontinue", "killcursors", "getlasterror");

    /** Reads of data besides {@link #NO_DATA}'s; every other command is treated as a write and waits for its commit. */
    private static final Set<String> READS = Set.of("find", "getmore", "count", "distinct", "listcollections",
            "listindexes", "listdatabases", "serverstatus", "dbstats", "collstats", "explain");

    /** What a find of a whole collection may carry besides its name (the driver's session and routing fields). */
    private static final Set<String> SCAN_FIELDS = Set.of("find", "filter", "batchSize", "$db", "lsid", "$clusterTime",
            "$readPreference", "readConcern");

    private final MVStore store;
    private final WriteAheadLog commits;
    /** The size of the message being handled on this thread (the wire's), for the room its log record needs. */
    private static final ThreadLocal<Integer> MESSAGE_BYTES = new ThreadLocal<>();
    private final AtomicLong storedScans = new AtomicLong();

    DurableBackend(MVStore store, java.nio.file.Path dataDir, WriteAheadLog.Options options, WriteAheadLog.Mode mode) {
        this.store = store;
        store.getMapNames().stream()
                .filter(name -> name.startsWith(CompactDatabase.DATABASES_PREFIX))
                .map(name -> Utils.firstFragment(name.substring(CompactDatabase.DATABASES_PREFIX.length())))
                .distinct()
                .forEach(database -> {
                    try {
                        resolveDatabase(database);
                    } catch (MongoServerException e) {
                        log.error("cannot open database '{}'", database, e);
                    }
                });
        io.netty.channel.embedded.EmbeddedChannel recovery = new io.netty.channel.embedded.EmbeddedChannel();
        this.commits = new WriteAheadLog(store, dataDir, options, mode, (database, command) ->
                super.handleCommand(recovery, database, command.keySet().iterator().next(), command), this::lastEventPosition);
        handleClose(recovery);
    }

    /** What a repair dropped (null when not repairing or nothing was). */
    WalRecovery.Loss repaired() {
        return commits.repaired();
    }

    /** The databases holding an event log. */
    List<String> eventLogDatabases() {
        String suffix = "." + EVENT_LOG;
        return store.getMapNames().stream()
                .filter(name -> name.startsWith(CompactDatabase.DATABASES_PREFIX) && name.endsWith(suffix))
                .map(name -> name.substring(CompactDatabase.DATABASES_PREFIX.length(), name.length() - suffix.length()))
                .filter(name -> !name.contains("."))
                .sorted().toList();
    }

    /** The last position the database's event log holds (its last commit's {@code _id + n - 1}), or null. */
    Long lastEventPosition(String database) {
        String name = CompactDatabase.DATABASES_PREFIX + database + "." + EVENT_LOG;
        if (!store.hasMap(name)) {
            return null;
        }
        org.h2.mvstore.MVMap<Object, Object> commits = CompactDatabase.documents(store, name);
        Object last = commits.lastKey();
        if (last == null) {
            return null;
        }
        Document commit = StoredDocument.decoded(commits.get(last));
        return commit.get("_id") instanceof Number id && commit.get("n") instanceof Number n
                ? id.longValue() + n.longValue() - 1 : null;
    }

    private static final String EVENT_LOG = "event_log";
    /** Up to this size a message's record is bounded from its size; a larger one is encoded to measure it. */
    private static final int CHEAP_BOUND_WIRE_BYTES = 32 << 10;

    @Override
    public Document handleMessage(MongoMessage message) {
        MESSAGE_BYTES.set(message.getHeader() == null ? 0 : message.getHeader().getTotalLength());
        try {
            return super.handleMessage(message);
        } catch (StoreRefusal refused) {
            // answered as the command's error, without the library's log line for every refused request
            return refused.reply();
        } finally {
            MESSAGE_BYTES.remove();
        }
    }

    /**
     * The most bytes the command's log record can take: from the wire message's size where known (each
     * document may gain an id as it is inserted), else by encoding it.
     */
    private static long recordBound(String databaseName, Document query) {
        Integer wire = MESSAGE_BYTES.get();
        long fixed = WalRecord.HEADER + 2 + 3L * databaseName.length() + 1024;
        if (wire != null && wire > 0 && wire <= CHEAP_BOUND_WIRE_BYTES) {
            return fixed + 8L * wire;
        }
        io.netty.buffer.ByteBuf encoded = io.netty.buffer.Unpooled.buffer();
        try {
            Bson.writeDocument(query, encoded);
            long documents = query.get("documents") instanceof List<?> list ? list.size() : 0;
            return fixed + encoded.readableBytes() + documents * 32;
        } finally {
            encoded.release();
        }
    }

    @Override
    protected MongoDatabase openOrCreateDatabase(String databaseName) {
        return new CompactDatabase(databaseName, store, getCursorRegistry());
    }

    @Override
    public Document handleCommand(Channel channel, String databaseName, String command, Document query) {
        if (command.equalsIgnoreCase("find") && wholeCollection(query)) {
            Document answer = commits.read(() -> findStored(databaseName, query));
            if (answer != null) {
                return answer;
            }
        }
        if (NO_DATA.contains(command.toLowerCase(Locale.ROOT))) {
            return super.handleCommand(channel, databaseName, command, query);
        }
        if (isRead(command, query)) {
            return commits.read(() -> super.handleCommand(channel, databaseName, command, query));
        }
        return commits.write(databaseName, query, recordBound(databaseName, query),
                () -> super.handleCommand(channel, databaseName, command, query));
    }

    /** A find of every document: no filter, order, projection, skip or limit (a replay's or an audit's scan). */
    private static boolean wholeCollection(Document query) {
        for (String field : query.keySet()) {
            if (!SCAN_FIELDS.contains(field)) {
                return false;
            }
        }
        return query.get("find") instanceof String
                && (query.get("filter") == null || query.get("filter") instanceof Document filter && filter.isEmpty())
                && (query.get("batchSize") == null || query.get("batchSize") instanceof Number n && n.intValue() >= 0);
    }

    /**
     * Answers a find of a whole collection with its documents as stored, in the library's answer to a find; null
     * when the collection does not exist (then the library answers).
     */
    private Document findStored(String databaseName, Document query) {
        if (databaseName.equals("admin") || !(resolveDatabase(databaseName) instanceof CompactDatabase database)) {
            return null;
        }
        CompactDatabase.Collection collection = database.existingCollection((String) query.get("find"));
        if (collection == null) {
            return null;
        }
        QueryResult stored = collection.storedDocuments(query.get("batchSize") instanceof Number n ? n.intValue() : 0);
        storedScans.incrementAndGet();
        Document cursor = new Document("id", stored.getCursorId()).append("ns", collection.getFullName())
                .append("firstBatch", stored.collectDocuments());
        return new Document("cursor", cursor).append("ok", 1.0);
    }

    /** How many finds were answered with stored documents: for tests, where such an answer looks like any other. */
    long storedScans() {
        return storedScans.get();
    }

    private static boolean isRead(String command, Document query) {
        String name = command.toLowerCase(Locale.ROOT);
        if (READS.contains(name)) {
            return true;
        }
        if (name.equals("aggregate") && query.get("pipeline") instanceof List<?> pipeline) {
            return pipeline.stream().noneMatch(stage -> stage instanceof Document d && (d.containsKey("$out") || d.containsKey("$merge")));
        }
        return false;
    }

    /** The server is stopping: nothing may wait for space past that. */
    void stopping() {
        commits.stopping();
    }

    /** Why writes are refused for want of space now, or null: for tests (operators read it in the log's warning). */
    String refusing() {
        return commits.refusing();
    }

    /** After {@link #close}: whether the last checkpoint holds everything applied. */
    boolean checkpointedAll() {
        return commits.checkpointedAll();
    }

    @Override
    public void close() {
        commits.close();
        super.close();
    }
}
