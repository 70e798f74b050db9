package ledger.benchmarks;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import java.io.File;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.bson.Document;

/**
 * The embedded store's append path: inserts of ledger-sized commits through the driver into the embedded server
 * started from its jar as {@code ./run} starts it (a process of its own, data on disk, every write synced), with
 * one writer (the latency of a synced write) and with eight (group commit). Three rounds, each on a fresh folder.
 *
 * <p>Usage: {@code ./mvnw -q -pl benchmarks -am install -DskipTests && ./mvnw -q -pl benchmarks exec:java
 * -Dexec.mainClass=ledger.benchmarks.AppendBenchmark -Dexec.args="[one-writer inserts] [writers] [inserts each]"}
 * (defaults 3000, 8, 1500).
 */
public final class AppendBenchmark {

    public static void main(String[] args) throws Exception {
        int oneWriter = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        int writers = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int each = args.length > 2 ? Integer.parseInt(args[2]) : 1500;
        for (int round = 1; round <= 3; round++) {
            Path dir = Files.createTempDirectory("append-bench");
            int port;
            try (ServerSocket free = new ServerSocket(0)) {
                port = free.getLocalPort();
            }
            ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar", serverJar().toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile());
            builder.environment().put("DATA_DIR", dir.toString());
            builder.environment().put("MONGO_PORT", Integer.toString(port));
            Process server = builder.start();
            try (MongoClient client = MongoClients.create("mongodb://127.0.0.1:" + port + "/?serverSelectionTimeoutMS=60000")) {
                MongoCollection<Document> log = client.getDatabase("ledger").getCollection("event_log");
                AtomicLong next = new AtomicLong(1);
                long start = System.nanoTime();
                for (int i = 0; i < oneWriter; i++) {
                    log.insertOne(commit(next.getAndAdd(3)));
                }
                double oneMicros = (System.nanoTime() - start) / 1e3 / oneWriter;
                List<Thread> threads = new ArrayList<>();
                start = System.nanoTime();
                for (int t = 0; t < writers; t++) {
                    Thread writer = new Thread(() -> {
                        for (int i = 0; i < each; i++) {
                            log.insertOne(commit(next.getAndAdd(3)));
                        }
                    });
                    writer.start();
                    threads.add(writer);
                }
                for (Thread writer : threads) {
                    writer.join();
                }
                double perSecond = writers * each / ((System.nanoTime() - start) / 1e9);
                System.out.printf("[append] round %d: one writer %.0f us a synced insert (a fresh server each round: its warm-up included); "
                        + "%d writers %.0f inserts/s%n", round, oneMicros, writers, perSecond);
            } finally {
                server.destroy();
                server.waitFor(60, TimeUnit.SECONDS);
                delete(dir.toFile());
            }
        }
    }

    /** The embedded server's packaged jar, as {@code ./run} starts it: built by {@code ./run} or {@code ./mvnw package}. */
    private static Path serverJar() throws java.io.IOException {
        for (Path root = Path.of("").toAbsolutePath(); root != null; root = root.getParent()) {
            Path target = root.resolve("embedded-mongo").resolve("target");
            if (Files.isDirectory(target)) {
                try (var jars = Files.list(target)) {
                    return jars.filter(f -> f.getFileName().toString().matches("embedded-mongo-[^-]+(-SNAPSHOT)?\\.jar"))
                            .findFirst().orElseThrow(() -> new IllegalStateException("no embedded-mongo jar in " + target
                                    + ": build it first (./mvnw package -DskipTests)"));
                }
            }
        }
        throw new IllegalStateException("run this from the project's folder (no embedded-mongo/target above "
                + Path.of("").toAbsolutePath() + ")");
    }

    private static Document commit(long position) {
        return new Document("_id", position).append("stream", "d-" + position + "/0").append("n", 3)
                .append("events", List.of(new Document("seq", 0L).append("type", "DemandReceived")
                        .append("payload", "{\"authority\":\"Zürich\",\"kind\":\"subscriber\",\"x\":" + position + "}"),
                        new Document("seq", 1L).append("type", "DispositionRecorded").append("payload", "{\"outcome\":\"complied\"}")));
    }

    private static void delete(File file) {
        File[] children = file.listFiles();
        if (children != null) {
            for (File child : children) {
                delete(child);
            }
        }
        file.delete();
    }
}
