package ledger.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The data folder on a small file system (a tmpfs of 8 MB, mounted here, so the test runs as root) that fills
 * up under the server, run as a process of its own: writes are refused with 14031 before they are applied,
 * reads go on, one log line says it began and one that it ended; once space is freed writes resume by
 * themselves, and after a SIGKILL every acknowledged write is there.
 */
class DiskFullTest {

    private static final long SEGMENT_BYTES = 1 << 20;
    private static Path mount;

    @BeforeAll
    static void mountSmallFileSystem() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "skipped: mounting a small tmpfs needs root (running as " + System.getProperty("user.name") + ")");
        mount = Files.createTempDirectory("ledger-disk-full");
        Process mounting = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", mount.toString())
                .redirectErrorStream(true).start();
        String said = new String(mounting.getInputStream().readAllBytes());
        boolean mounted = mounting.waitFor(20, TimeUnit.SECONDS) && mounting.exitValue() == 0;
        if (!mounted) {
            System.out.println("[disk full] skipped: cannot mount a tmpfs at " + mount + ": " + said.trim());
        }
        Assumptions.assumeTrue(mounted, "skipped: cannot mount a tmpfs at " + mount + ": " + said.trim());
    }

    @AfterAll
    static void unmount() throws Exception {
        if (mount != null) {
            new ProcessBuilder("umount", "-l", mount.toString()).inheritIO().start().waitFor(20, TimeUnit.SECONDS);
            Files.deleteIfExists(mount);
        }
    }

    @Test
    void writesAreRefusedWhileTheDiskIsFullAndResumeOnceSpaceIsFreed() throws Exception {
        Path dataDir = mount.resolve("data");
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), EmbeddedMongo.class.getName()).redirectErrorStream(true);
        builder.environment().put("DATA_DIR", dataDir.toString());
        builder.environment().put("MONGO_PORT", String.valueOf(port));
        builder.environment().put("WAL_SEGMENT_BYTES", String.valueOf(SEGMENT_BYTES));
        Process server = builder.start();
        List<String> output = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream()))) {
                for (String line; (line = out.readLine()) != null; ) {
                    output.add(line);
                }
            } catch (IOException ignored) {
                // the process is gone
            }
        });
        reader.setDaemon(true);
        reader.start();
        Set<Long> acknowledged = new HashSet<>();
        Path filler = mount.resolve("filler");
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> output.stream().anyMatch(l -> l.contains("listening")));
            try (MongoClient client = MongoClients.create("mongodb://127.0.0.1:" + port + "/?serverSelectionTimeoutMS=5000")) {
                MongoCollection<Document> rows = client.getDatabase("ledger").getCollection("rows");
                long id = 0;
                rows.insertOne(WalFixture.row(++id));
                acknowledged.add(id);
                fill(filler, Files.getFileStore(mount).getUsableSpace() - (SEGMENT_BYTES + SEGMENT_BYTES / 2));

                MongoException refused = null;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (refused == null && System.nanoTime() < deadline) {
                    try {
                        rows.insertOne(WalFixture.row(++id));
                        acknowledged.add(id);
                    } catch (MongoException e) {
                        refused = e;
                    }
                }
                assertThat(refused).as("a write refused within 30 s").isNotNull();
                assertThat(refused.getCode()).isEqualTo(14031);
                assertThat(refused.getMessage()).contains("disk full: ");
                long refusedId = id;
                for (int i = 0; i < 20; i++) {
                    long next = ++id;
                    assertThat(WalFixture.codeOf(() -> rows.insertOne(WalFixture.row(next)))).isEqualTo(14031);
                }
                // reads go on, and the refused writes were not applied
                assertThat(rows.countDocuments()).isEqualTo(acknowledged.size());
                assertThat(rows.find(new Document("_id", refusedId)).first()).isNull();
                assertThat(rows.find(new Document("_id", 1L)).first()).isNotNull();

                Files.delete(filler);
                id = WalFixture.writesResume(rows, id, acknowledged, 200, Duration.ofSeconds(10));
            }
            System.out.println("[disk full] " + acknowledged.size() + " writes acknowledged around a full disk; the server said:");
            output.stream().filter(l -> l.contains("disk full") || l.contains("space freed")).forEach(l -> System.out.println("  " + l));
            assertThat(output.stream().filter(l -> l.contains("writes are refused (14031)"))).hasSize(1);
            assertThat(output.stream().filter(l -> l.contains("space freed: writes are accepted again"))).hasSize(1);
            assertThat(output.stream().filter(l -> l.contains("store halted"))).isEmpty();
        } finally {
            server.destroyForcibly(); // SIGKILL
            server.waitFor();
            Files.deleteIfExists(filler);
        }
        assertThat(WalFixture.rowsAfterRestart(dataDir, SEGMENT_BYTES)).containsExactlyInAnyOrderElementsOf(acknowledged);
    }

    /**
     * A checkpoint that runs out of space even so (another process took the space between the check and the
     * write; here the check is off): H2 closes a store whose commit failed, so the store halts (96), reads too;
     * the log still holds every acknowledged write, and the next start, once space is freed, has them all.
     */
    @Test
    void aCheckpointThatRunsOutOfSpaceLosesNothing() throws Exception {
        Path dataDir = mount.resolve("checkpoint");
        Path filler = mount.resolve("filler-checkpoint");
        Set<Long> acknowledged = new HashSet<>();
        EmbeddedMongo embedded = EmbeddedMongo.start(dataDir, "127.0.0.1", 0,
                new WriteAheadLog.Options(SEGMENT_BYTES, WriteAheadLog.Faults.NO_CHECKPOINT_SPACE_CHECK));
        try (MongoClient client = MongoClients.create("mongodb://127.0.0.1:" + embedded.address().getPort())) {
            MongoCollection<Document> rows = client.getDatabase("ledger").getCollection("rows");
            rows.insertOne(WalFixture.row(0));
            acknowledged.add(0L);
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(dataDir.resolve(WalSegments.SPARE)));
            try {
                fill(filler, Long.MAX_VALUE);
            } catch (IOException full) {
                // the file system is full now: only the log's preallocated room is left
            }
            long id = 0;
            int code = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (code == 0 && System.nanoTime() < deadline) {
                long next = ++id;
                code = WalFixture.codeOf(() -> rows.insertOne(WalFixture.row(next)));
                if (code == 0) {
                    acknowledged.add(next);
                }
            }
            assertThat(code).isEqualTo(96);
            assertThat(WalFixture.codeOf(() -> rows.find().first())).isEqualTo(96);
        } finally {
            embedded.stop();
            Files.deleteIfExists(filler);
        }
        assertThat(WalFixture.rowsAfterRestart(dataDir, SEGMENT_BYTES)).containsAll(acknowledged);
        System.out.println("[disk full] a checkpoint that ran out of space: " + acknowledged.size()
                + " writes acknowledged before the halt, all there after the restart");
    }



    private static void fill(Path file, long bytes) throws IOException {
        byte[] block = new byte[1 << 16];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long written = 0; written < bytes; written += block.length) {
                out.write(block, 0, (int) Math.min(block.length, bytes - written));
            }
        }
    }
}
