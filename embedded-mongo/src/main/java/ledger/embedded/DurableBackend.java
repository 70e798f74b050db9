package ledger.embedded;

import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.AbstractMongoBackend;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.Utils;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.exception.MongoServerException;
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
 * write-ahead log, a read only once what it may have seen is ({@link GroupCommit}); documents are kept as BSON
 * ({@link CompactDatabase}).
 */
final class DurableBackend extends AbstractMongoBackend {

    private static final Logger log = LoggerFactory.getLogger(DurableBackend.class);

    /** Commands that change nothing; every other command is treated as a write and waits for its commit. */
    private static final Set<String> READS = Set.of("find", "getmore", "count", "distinct", "listcollections",
            "listindexes", "listdatabases", "hello", "ismaster", "buildinfo", "ping", "serverstatus", "whatsmyuri",
            "killcursors", "endsessions", "getlasterror", "getlog", "dbstats", "collstats", "hostinfo",
            "getparameter", "getcmdlineopts", "getfreemonitoringstatus", "connectionstatus", "saslstart",
            "saslcontinue", "explain");

    /** What a find of a whole collection may carry besides its name (the driver's session and routing fields). */
    private static final Set<String> SCAN_FIELDS = Set.of("find", "filter", "batchSize", "$db", "lsid", "$clusterTime",
            "$readPreference", "readConcern");

    private final MVStore store;
    private final GroupCommit commits;
    private final AtomicLong storedScans = new AtomicLong();

    DurableBackend(MVStore store, java.nio.file.Path dataDir) {
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
        this.commits = new GroupCommit(store, dataDir, (database, command) ->
                super.handleCommand(recovery, database, command.keySet().iterator().next(), command));
        handleClose(recovery);
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
        if (isRead(command, query)) {
            return commits.read(() -> super.handleCommand(channel, databaseName, command, query));
        }
        return commits.write(databaseName, query, () -> super.handleCommand(channel, databaseName, command, query));
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

    /** How many finds were answered with stored documents. */
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

    @Override
    public void close() {
        commits.close();
        super.close();
    }
}
