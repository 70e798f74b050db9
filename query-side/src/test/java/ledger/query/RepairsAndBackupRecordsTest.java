package ledger.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoDatabase;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import ledger.access.Role;
import ledger.access.TestTokens;
import ledger.eventlog.TestMongo;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A repair of a damaged log (a document in {@code repairs}, as {@code ./run repair} writes it) is never silent
 * through HTTP: the log's verification lists it, a report published before it at or after its first dropped
 * position says it no longer verifies (a report published after it does not). And what a backup holds besides the log ({@code /api/backup/records}, admin only): the repairs
 * and the reports exported, restored into another ledger once its log is imported (not before, not twice, not a
 * report of another log), and answered there as here.
 */
class RepairsAndBackupRecordsTest {

    private static final String AUDITOR = TestTokens.bearer(Role.AUDITOR);
    private static final String PERIOD = "2015-H2";
    private static String uri;
    private static RunningLedger ledger;
    private static MongoDatabase database;

    @BeforeAll
    static void start() {
        uri = TestMongo.embedded();
        ledger = new RunningLedger(uri);
        database = ledger.database();
    }

    @AfterAll
    static void stop() {
        ledger.close();
    }

    private static long demand(String id, String receivedAt) {
        return ledger.stored("/api/demands", "{\"demandId\":\"" + id + "\",\"receivedAt\":\"" + receivedAt
                + "\",\"jurisdiction\":\"US\",\"agency\":\"FBI\",\"legalProcess\":\"SUBPOENA\",\"accounts\":[\"" + id + "@x.org\"]}",
                TestTokens.bearer(Role.RECORDER));
    }

    private static JsonNode publish() {
        long head = ledger.getQuery("/api/log/head", AUDITOR).json().get("position").asLong();
        await().atMost(Duration.ofSeconds(30)).until(() -> ledger.getQuery("/api/statistics/" + PERIOD).json().get("position").asLong() >= head);
        RunningLedger.Answer published = ledger.postQuery("/api/reports/" + PERIOD, TestTokens.ADMIN);
        assertThat(published.status()).as(published.body()).isEqualTo(201);
        return published.json();
    }

    @Test
    void aRepairIsListedAndTheReportsItBrokeSaySo() throws Exception {
        demand("r-1", "2015-08-01T00:00:00Z");
        demand("r-2", "2015-08-02T00:00:00Z");
        demand("r-3", "2015-08-03T00:00:00Z");
        JsonNode before = publish();
        assertThat(before.get("position").asLong()).isEqualTo(3);
        assertThat(before.has("brokenByRepair")).isFalse();
        assertThat(ledger.getQuery("/api/log/verification", AUDITOR).json().get("repairs")).as("none yet").isEmpty();

        // ./run repair dropped positions 2 and 3 after the report was published (a repair that dropped no event, too)
        Instant repairedAt = Instant.now().plusSeconds(1).truncatedTo(ChronoUnit.MILLIS);
        database.getCollection("repairs").insertMany(List.of(
                new Document("_id", repairedAt.toString()).append("repairedAt", Date.from(repairedAt)).append("file", "wal-000007.log")
                        .append("offset", 4096L).append("droppedRecords", 2).append("droppedFrom", 2L).append("droppedTo", 3L)
                        .append("reason", "a record cut short by a crash"),
                new Document("_id", repairedAt.minusSeconds(3600).toString()).append("repairedAt", Date.from(repairedAt.minusSeconds(3600)))
                        .append("file", "wal-000003.log").append("offset", 10L).append("droppedRecords", 0)
                        .append("reason", "a torn tail after the last record")));

        JsonNode verification = ledger.getQuery("/api/log/verification", AUDITOR).json();
        assertThat(verification.get("valid").asBoolean()).isTrue();
        assertThat(verification.get("repairs")).hasSize(2);
        JsonNode dropped = verification.get("repairs").get(1);
        assertThat(dropped.get("repairedAt").asText()).isEqualTo(repairedAt.toString());
        assertThat(dropped.get("droppedFrom").asLong()).isEqualTo(2);
        assertThat(dropped.get("droppedTo").asLong()).isEqualTo(3);
        assertThat(dropped.get("reason").asText()).isEqualTo("a record cut short by a crash");
        assertThat(dropped.has("file")).as("no file or offset of the store's").isFalse();
        assertThat(verification.get("repairs").get(0).get("droppedFrom").isNull()).as("no event dropped").isTrue();

        // the public listing and the verification say the report no longer verifies, and why
        JsonNode listed = ledger.getQuery("/api/reports/" + PERIOD, "none").json().get(0);
        assertThat(listed.get("brokenByRepair").get("droppedFrom").asLong()).isEqualTo(2);
        assertThat(listed.get("brokenByRepair").get("repairedAt").asText()).isEqualTo(repairedAt.toString());
        JsonNode check = ledger.getQuery("/api/reports/" + PERIOD + "/1/verification", AUDITOR).json();
        assertThat(check.get("brokenByRepair").get("droppedTo").asLong()).isEqualTo(3);
        assertThat(check.get("chainValid").asBoolean()).isFalse();
        assertThat(check.get("matches").asBoolean()).isFalse();

        // a report published after the repair, at a position it dropped (taken again by new events), is not broken by it
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).until(() -> Instant.now().isAfter(repairedAt));
        demand("r-4", "2015-08-04T00:00:00Z");
        JsonNode after = publish();
        assertThat(after.has("brokenByRepair")).isFalse();
        JsonNode afterCheck = ledger.getQuery("/api/reports/" + PERIOD + "/2/verification", AUDITOR).json();
        assertThat(afterCheck.get("matches").asBoolean()).isTrue();
        assertThat(afterCheck.get("chainValid").asBoolean()).isTrue();
        assertThat(ledger.getQuery("/api/reports/" + PERIOD, "none").json().get(1).has("brokenByRepair")).isFalse();

        backupRecordsGoWithTheLogIntoAnotherLedger();
    }

    /** Run after the repairs are on record: two reports, one broken by a repair, one not. */
    private void backupRecordsGoWithTheLogIntoAnotherLedger() {
        assertThat(ledger.getQuery("/api/backup/records", AUDITOR).status()).as("admin only").isEqualTo(403);
        RunningLedger.Answer exported = ledger.getQuery("/api/backup/records", TestTokens.ADMIN);
        assertThat(exported.status()).isEqualTo(200);
        List<String> lines = exported.body().lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.subList(0, 2)).allMatch(l -> l.contains("\"collection\": \"repairs\""));
        assertThat(lines.subList(2, 4)).allMatch(l -> l.contains("\"collection\": \"published_reports\""));
        byte[] records = exported.body().getBytes(StandardCharsets.UTF_8);
        byte[] bundle = ledger.getQueryBytes("/api/log/export").body();

        try (RunningLedger target = RunningLedger.querySideOnly(TestMongo.embedded())) {
            RunningLedger.Answer early = target.postQueryBytes("/api/backup/records", records);
            assertThat(early.status()).as("the log first: " + early.body()).isEqualTo(422);
            assertThat(early.body()).contains("report " + PERIOD + "/2 is at position 4 and the log ends at 0");
            assertThat(target.postQueryBytes("/api/backup/records", records, "Authorization", AUDITOR).status()).isEqualTo(403);

            assertThat(target.postQueryBytes("/api/log/import", bundle).status()).isEqualTo(201);
            RunningLedger.Answer restored = target.postQueryBytes("/api/backup/records", records);
            assertThat(restored.status()).as(restored.body()).isEqualTo(201);
            assertThat(restored.json().get("reports").asInt()).isEqualTo(2);
            assertThat(restored.json().get("repairs").asInt()).isEqualTo(2);
            assertThat(target.getQuery("/api/reports/" + PERIOD, "none").json()).isEqualTo(ledger.getQuery("/api/reports/" + PERIOD, "none").json());
            assertThat(target.getQuery("/api/log/verification").json().get("repairs"))
                    .isEqualTo(ledger.getQuery("/api/log/verification").json().get("repairs"));
            JsonNode check = target.getQuery("/api/reports/" + PERIOD + "/2/verification", AUDITOR).json();
            assertThat(check.get("matches").asBoolean()).isTrue();
            assertThat(check.get("chainValid").asBoolean()).isTrue();

            String otherLog = exported.body().replace(ledger.getQuery("/api/log/head").json().get("hash").asText(), "sha256:" + "0".repeat(64));
            assertThat(otherLog).isNotEqualTo(exported.body());
            RunningLedger.Answer foreign = target.postQueryBytes("/api/backup/records", otherLog.getBytes(StandardCharsets.UTF_8));
            assertThat(foreign.status()).as(foreign.body()).isEqualTo(422);
            assertThat(foreign.body()).contains("report " + PERIOD + "/2 pins the log hash sha256:000");
            assertThat(target.postQueryBytes("/api/backup/records", records).status()).as("not twice").isEqualTo(409);
        }
    }
}
