package ledger.embedded;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.h2.mvstore.MVStore;

/**
 * The embedded default's database: a MongoDB wire-protocol server whose data lives in one H2 file in DATA_DIR,
 * so a second start finds the data of the first. Every write is answered only once it is synced to that file.
 * It has no transactions and no change streams; the ledger is built so that it needs neither.
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

    private EmbeddedMongo(Path file) {
        this.store = open(file);
        this.backend = new DurableBackend(store, file.getParent());
        this.server = new WireServer(backend);
    }

    static MVStore open(Path file) {
        // no automatic commits: only GroupCommit commits, between whole operations
        MVStore store = new MVStore.Builder().fileName(file.toString()).autoCommitDisabled().cacheSize(256).open();
        store.setRetentionTime(RETENTION_MILLIS);
        return store;
    }

    /** Starts a server on the data folder's file (migrated from the legacy format first, if that is what is there). */
    static EmbeddedMongo start(Path dataDir, String host, int port) {
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
        EmbeddedMongo embedded = new EmbeddedMongo(dataDir.resolve(FILE));
        embedded.server.bind(new InetSocketAddress(host, port), WORKER_THREADS);
        return embedded;
    }

    InetSocketAddress address() {
        return server.address();
    }

    DurableBackend backend() {
        return backend;
    }

    /** Stops listening, lets the writes in flight become durable, and closes the file rewritten to its live data. */
    void stop() {
        server.shutdown();
        backend.close();
        closeCompacted(store);
    }

    /** Closes the store, then rewrites it into a file of its live data only, its pages compressed (LZF). */
    static void closeCompacted(MVStore store) {
        store.close(-1);
    }

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(env("DATA_DIR", "./data")).toAbsolutePath().normalize();
        String host = env("MONGO_HOST", "127.0.0.1");
        int port = Integer.parseInt(env("MONGO_PORT", "27017"));
        EmbeddedMongo embedded = start(dataDir, host, port);
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
