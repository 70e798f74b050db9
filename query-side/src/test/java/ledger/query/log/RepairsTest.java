package ledger.query.log;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import ledger.eventlog.TestMongo;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Which published reports a repair broke (those published before it, at or after its first dropped position), and
 * the one warning a start logs when repairs are on record (none without).
 */
@ExtendWith(OutputCaptureExtension.class)
class RepairsTest {

    private static final Instant REPAIRED = Instant.parse("2026-03-01T10:00:00Z");

    @Test
    void aReportPublishedBeforeARepairAtOrAfterWhatItDroppedIsBrokenByIt(CapturedOutput output) {
        String uri = TestMongo.embedded();
        try (MongoClient client = MongoClients.create(uri)) {
            MongoDatabase database = client.getDatabase(new com.mongodb.ConnectionString(uri).getDatabase());
            Repairs repairs = new Repairs(database);
            repairs.warnAtStart();
            assertThat(output.getOut()).doesNotContain("the log was repaired");
            assertThat(repairs.breaking(10, "2026-02-01T00:00:00Z")).isEmpty();

            database.getCollection(Repairs.COLLECTION).insertMany(List.of(
                    new Document("_id", REPAIRED.toString()).append("repairedAt", Date.from(REPAIRED)).append("file", "wal-000002.log")
                            .append("offset", 77L).append("droppedRecords", 3).append("droppedFrom", 10L).append("droppedTo", 12L)
                            .append("reason", "a checksum that does not match"),
                    new Document("_id", "2026-01-01T00:00:00Z").append("repairedAt", Date.from(Instant.parse("2026-01-01T00:00:00Z")))
                            .append("file", "wal-000001.log").append("offset", 5L).append("droppedRecords", 0)
                            .append("reason", "a torn tail")));

            assertThat(repairs.all()).extracting(Repairs.Repair::droppedFrom).containsExactly(null, 10L);
            assertThat(repairs.breaking(10, "2026-02-01T00:00:00Z")).as("at the first dropped position").isPresent();
            assertThat(repairs.breaking(11, "2026-02-01T00:00:00Z")).isPresent();
            assertThat(repairs.breaking(40, "2026-02-01T00:00:00Z")).as("after the last: its chain ran through them").isPresent();
            assertThat(repairs.breaking(9, "2026-02-01T00:00:00Z")).as("before what was dropped").isEmpty();
            assertThat(repairs.breaking(10, "2026-03-01T10:00:01Z")).as("published after the repair").isEmpty();

            repairs.warnAtStart();
            assertThat(output.getOut().split("the log was repaired", -1)).as("one warning").hasSize(2);
            assertThat(output.getOut()).contains("WARN", "the log was repaired 2 time(s)",
                    "positions 10 to 12 dropped (a checksum that does not match)", "no event dropped (a torn tail)")
                    .doesNotContain("wal-000002.log");
        }
    }
}
