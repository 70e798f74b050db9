package ledger.embedded;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * A lab measure of the append path, not a test (not run by default): inserts of ledger-sized commits through
 * the driver, one writer (the latency of a synced write) and eight (group commit). Run with
 * {@code -Dtest=AppendMeasure}; the figures are printed.
 */
class AppendMeasure {

    private static final int ONE_WRITER = 3000;
    private static final int WRITERS = 8;
    private static final int EACH = 1500;

    @Test
    void measure() throws Exception {
        for (int round = 1; round <= 3; round++) {
            Path dir = Files.createTempDirectory("append-measure");
            EmbeddedMongo embedded = EmbeddedMongo.start(dir, "127.0.0.1", 0);
            try (MongoClient client = MongoClients.create("mongodb://127.0.0.1:" + embedded.address().getPort())) {
                MongoCollection<Document> log = client.getDatabase("ledger").getCollection("event_log");
                AtomicLong next = new AtomicLong(1);
                long start = System.nanoTime();
                for (int i = 0; i < ONE_WRITER; i++) {
                    log.insertOne(commit(next.getAndAdd(3)));
                }
                double oneMicros = (System.nanoTime() - start) / 1e3 / ONE_WRITER;
                List<Thread> threads = new ArrayList<>();
                start = System.nanoTime();
                for (int t = 0; t < WRITERS; t++) {
                    Thread writer = new Thread(() -> {
                        for (int i = 0; i < EACH; i++) {
                            log.insertOne(commit(next.getAndAdd(3)));
                        }
                    });
                    writer.start();
                    threads.add(writer);
                }
                for (Thread writer : threads) {
                    writer.join();
                }
                double perSecond = WRITERS * EACH / ((System.nanoTime() - start) / 1e9);
                System.out.printf("[append] round %d: one writer %.0f us a synced insert; %d writers %.0f inserts/s%n",
                        round, oneMicros, WRITERS, perSecond);
            } finally {
                embedded.stop();
            }
        }
    }

    private static Document commit(long position) {
        return new Document("_id", position).append("stream", "d-" + position + "/0").append("n", 3)
                .append("events", List.of(new Document("seq", 0L).append("type", "DemandReceived")
                        .append("payload", "{\"authority\":\"Zürich\",\"kind\":\"subscriber\",\"x\":" + position + "}"),
                        new Document("seq", 1L).append("type", "DispositionRecorded").append("payload", "{\"outcome\":\"complied\"}")));
    }
}
