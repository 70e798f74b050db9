package ledger.embedded;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;
import org.slf4j.LoggerFactory;

/**
 * The embedded default's database: a MongoDB wire-protocol server whose data lives in DATA_DIR (an H2 file and
 * the write-ahead log's segments), so a second start finds the data of the first. Every write is answered only
 * once it is synced to the log. A damaged log or checkpoint stops the start (exit status 3); {@code repair}
 * ({@link StoreRepair}) keeps what precedes the damage. It has no transactions and no change streams; the
 * ledger is built so that it needs neither.
 */
public final class EmbeddedMongo {

    /** The file's name; the format of mongo-java-server's own H2 backend lives on in {@link StoreMigration#LEGACY_FILE}. */
    static final String FILE = "ledger-bson.mv";
    /**
     * Network threads. A write waits for its commit on the thread that read it, and a thread serves several
     * connections: with a few threads, waiting writes would hold up other connections' reads.
     */
    private static final int WORKER_THREADS = 64;
    /**
     * How long chunks no longer used are kept before their space is reused. H2's default (45 s) guards against
     * disks that reorder unsynced writes; every commit here is synced, and under load the file would otherwise
     * carry 45 s of rewritten pages.
     */
    private static final int RETENTION_MILLIS = 2_000;

    private final MVStore store;
    private final DurableBackend backend;
    private final WireServer server;

    private EmbeddedMongo(Path file, WriteAheadLog.Options options, WriteAheadLog.Mode mode) {
        this.store = openCheckpoint(file);
        try {
            this.backend = new DurableBackend(store, file.getParent(), options, mode);
        } catch (RuntimeException e) {
            // nothing recovery applied in memory is stored: the folder stays as it was
            store.closeImmediately();
            throw e;
        }
        this.server = new WireServer(backend);
    }

    static MVStore open(Path file) {
        // no automatic commits: only the write-ahead log's checkpoints commit, between whole operations
        MVStore store = new MVStore.Builder().fileName(file.toString()).autoCommitDisabled().cacheSize(256).open();
        store.setRetentionTime(RETENTION_MILLIS);
        return store;
    }

    /** The store's file, or why it cannot be opened: held by a running server, or damaged. */
    private static MVStore openCheckpoint(Path file) {
        try {
            return open(file);
        } catch (MVStoreException e) {
            if (e.getErrorCode() == DataUtils.ERROR_FILE_LOCKED) {
                throw new StoreInUse(file, e);
            }
            throw new CheckpointUnreadable(file, e);
        }
    }

    /** The store's file is held by another process: the ledger is running. */
    static final class StoreInUse extends RuntimeException {
        StoreInUse(Path file, Throwable cause) {
            super(file + " is in use by another process (is the ledger running?)", cause);
        }
    }

    /** The checkpoint (the H2 file) cannot be read. */
    static final class CheckpointUnreadable extends RuntimeException {
        CheckpointUnreadable(Path file, Throwable cause) {
            super("the checkpoint " + file.getFileName() + " in " + file.getParent() + " cannot be read (" + cause.getMessage()
                    + "); the write-ahead log holds only the writes since the last checkpoint, so the store cannot be "
                    + "rebuilt from it: restore the data folder from a backup", cause);
        }
    }

    /** Starts a server on the data folder's file (migrated from the legacy format first, if that is what is there). */
    static EmbeddedMongo start(Path dataDir, String host, int port) {
        return start(dataDir, host, port, WriteAheadLog.Options.defaults());
    }

    static EmbeddedMongo start(Path dataDir, String host, int port, WriteAheadLog.Options options) {
        EmbeddedMongo embedded = open(dataDir, options, WriteAheadLog.Mode.START);
        embedded.server.bind(new InetSocketAddress(host, port), WORKER_THREADS);
        return embedded;
    }

    /** Opens the data folder's store and recovers its log, without listening. */
    static EmbeddedMongo open(Path dataDir, WriteAheadLog.Options options, WriteAheadLog.Mode mode) {
        try {
            Files.createDirectories(dataDir);
            // a compaction at a clean stop writes a copy and renames it over the file: a kill meanwhile leaves the copy
            for (String leftover : new String[] {FILE + ".tempFile", FILE + ".newFile"}) {
                Files.deleteIfExists(dataDir.resolve(leftover));
            }
            StoreMigration.migrateIfNeeded(dataDir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot prepare the data folder " + dataDir, e);
        }
        return new EmbeddedMongo(dataDir.resolve(FILE), options, mode);
    }

    InetSocketAddress address() {
        return server.address();
    }

    DurableBackend backend() {
        return backend;
    }

    /** Stops listening, lets the writes in flight become durable, and closes the file rewritten to its live data. */
    void stop() {
        backend.stopping();
        server.shutdown();
        backend.close();
        if (!backend.checkpointedAll()) {
            // halted, or the last checkpoint found no room: what it lacks is in the log, and only there
            store.closeImmediately();
            return;
        }
        try {
            closeCompacted(store);
        } catch (RuntimeException e) {
            LoggerFactory.getLogger(EmbeddedMongo.class).warn("cannot compact the store while closing it (its last "
                    + "checkpoint is kept as it is): {}", e.toString());
            store.closeImmediately();
        }
    }

    /** Closes the store, then rewrites it into a file of its live data only, its pages compressed (LZF). */
    static void closeCompacted(MVStore store) {
        store.close(-1);
    }

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(env("DATA_DIR", "./data")).toAbsolutePath().normalize();
        if (args.length > 0 && args[0].equals("repair")) {
            System.exit(StoreRepair.run(dataDir, WriteAheadLog.Options.defaults(), System.out, System.err));
        }
        if (args.length > 0) {
            System.err.println("embedded-mongo: unknown command '" + args[0] + "' (none starts the server; 'repair' repairs its log)");
            System.exit(2);
        }
        String host = env("MONGO_HOST", "127.0.0.1");
        int port = Integer.parseInt(env("MONGO_PORT", "27017"));
        EmbeddedMongo embedded;
        try {
            embedded = start(dataDir, host, port);
        } catch (WalRecovery.Damaged e) {
            System.err.println("embedded-mongo: refusing to start: the write-ahead log in " + dataDir + " is damaged: "
                    + e.getMessage() + ". Nothing was changed. './run repair' keeps everything before the damage and "
                    + "drops the rest (it records the repair in the store); or restore the data folder from a backup.");
            System.exit(3);
            return;
        } catch (CheckpointUnreadable | StoreInUse e) {
            System.err.println("embedded-mongo: refusing to start: " + e.getMessage());
            System.exit(3);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            embedded.stop();
            stopped.countDown();
        }, "embedded-mongo-shutdown"));
        System.out.println("embedded MongoDB-compatible server listening on mongodb://" + host + ":" + port
                + " with its data in " + dataDir.resolve(FILE) + " (every write synced before it is answered)");
        stopped.await();
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
