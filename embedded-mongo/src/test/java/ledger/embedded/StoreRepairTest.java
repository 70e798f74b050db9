package ledger.embedded;

import static ledger.embedded.WalFixture.firstPosition;
import static ledger.embedded.WalFixture.options;
import static ledger.embedded.WalFixture.segment;
import static ledger.embedded.WalFixture.segmentPath;
import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.stream.LongStream;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./run repair}: keeps what precedes the damage, drops the rest, says so, and records it in the store. */
class StoreRepairTest {

    @TempDir
    Path dataDir;

    @Test
    void aRepairKeepsWhatPrecedesTheDamageAndRecordsWhatItDropped() throws Exception {
        segment(dataDir, 1, 4);
        long[] offsets = segment(dataDir, 5, 9);
        Path damaged = segmentPath(dataDir, 5);
        WalFixture.flipByte(damaged, offsets[1] + 30); // command 6
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Instant before = Instant.now().minusMillis(1);

        int status = StoreRepair.run(dataDir, options(), new PrintStream(out, true, StandardCharsets.UTF_8), System.err);

        String said = out.toString(StandardCharsets.UTF_8);
        System.out.print(said);
        assertThat(status).isZero();
        long from = firstPosition(6);
        long to = firstPosition(10) - 1;
        assertThat(said).contains("database 'ledger': dropped event-log positions " + from + " to " + to)
                .contains("kept everything before byte offset " + offsets[1] + " of " + damaged.getFileName());
        assertThat(Files.list(dataDir).map(p -> p.getFileName().toString()))
                .anyMatch(name -> name.startsWith(damaged.getFileName() + ".damaged-"));

        EmbeddedMongo repaired = EmbeddedMongo.start(dataDir, "127.0.0.1", 0, options());
        try (MongoClient client = MongoClients.create("mongodb://127.0.0.1:" + repaired.address().getPort())) {
            MongoCollection<Document> log = client.getDatabase("ledger").getCollection("event_log");
            assertThat(WalFixture.ids(log.find().into(new ArrayList<>())))
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, 5).map(WalFixture::firstPosition).boxed().toList());
            List<Document> repairs = client.getDatabase("ledger").getCollection("repairs").find().into(new ArrayList<>());
            assertThat(repairs).hasSize(1);
            Document repair = repairs.get(0);
            assertThat(Instant.parse(repair.getString("_id"))).isAfter(before);
            assertThat(repair.get("repairedAt", Date.class).toInstant()).isEqualTo(Instant.parse(repair.getString("_id")));
            assertThat(repair.getString("file")).isEqualTo(damaged.getFileName().toString());
            assertThat(repair.getLong("offset")).isEqualTo(offsets[1]);
            assertThat(repair.getInteger("droppedRecords")).isEqualTo(4);
            assertThat(repair.getLong("droppedFrom")).isEqualTo(from);
            assertThat(repair.getLong("droppedTo")).isEqualTo(to);
            assertThat(repair.getString("reason")).isEqualTo("a record fails its checksum");
            // the log goes on from what was kept: the dropped positions are free again, and new writes are kept
            log.insertOne(new Document("_id", from).append("n", 1));
        } finally {
            repaired.stop();
        }
        EmbeddedMongo again = EmbeddedMongo.start(dataDir, "127.0.0.1", 0, options());
        try (MongoClient client = MongoClients.create("mongodb://127.0.0.1:" + again.address().getPort())) {
            assertThat(client.getDatabase("ledger").getCollection("event_log").countDocuments()).isEqualTo(6);
            assertThat(client.getDatabase("ledger").getCollection("repairs").countDocuments()).isEqualTo(1);
        } finally {
            again.stop();
        }
        ByteArrayOutputStream nothing = new ByteArrayOutputStream();
        assertThat(StoreRepair.run(dataDir, options(), new PrintStream(nothing, true, StandardCharsets.UTF_8), System.err)).isZero();
        assertThat(nothing.toString(StandardCharsets.UTF_8)).contains("nothing to repair");
    }

    /** While the ledger runs, its store's file is locked: a repair refuses. */
    @Test
    void aRepairRefusesWhileTheStoreIsInUse() {
        EmbeddedMongo running = EmbeddedMongo.start(dataDir, "127.0.0.1", 0, options());
        try {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            assertThat(StoreRepair.run(dataDir, options(), System.out, new PrintStream(err, true, StandardCharsets.UTF_8))).isEqualTo(1);
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("is in use by another process");
        } finally {
            running.stop();
        }
    }
}
