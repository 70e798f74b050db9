package ledger.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import ledger.access.Role;
import ledger.access.TestTokens;
import ledger.eventlog.TestMongo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * log-bundle.md with tracking.md's events: a receipt's due date, deadlines, owners (and none), orders (with an end and
 * without) and a notice leave the ledger in a bundle, in the record's form (nulls left out), verify offline and move
 * whole into another ledger.
 */
class TrackingBundleTest {

    private static RunningLedger ledger;

    @BeforeAll
    static void start() {
        ledger = new RunningLedger(TestMongo.embedded());
    }

    @AfterAll
    static void stop() {
        if (ledger != null) {
            ledger.close();
        }
    }

    private static long command(String path, String body, Role role) {
        return ledger.stored(path, body, TestTokens.bearer(role));
    }

    @Test
    void theTrackingEventsExportVerifyAndImport() throws Exception {
        command("/api/demands", "{\"demandId\":\"t-1\",\"receivedAt\":\"2025-07-01T00:00:00Z\",\"jurisdiction\":\"FR\",\"agency\":\"x\","
                + "\"legalProcess\":\"SUBPOENA\",\"accounts\":[\"a@x.org\"],\"dueAt\":\"2025-07-08T00:00:00Z\"}", Role.RECORDER);
        command("/api/demands", "{\"demandId\":\"t-2\",\"receivedAt\":\"2025-07-02T00:00:00Z\",\"jurisdiction\":\"FR\",\"agency\":\"x\","
                + "\"legalProcess\":\"COURT_ORDER\",\"accounts\":[]}", Role.RECORDER);
        command("/api/demands/t-2/deadline", "{\"dueAt\":\"2025-07-09T00:00:00Z\"}", Role.RECORDER);
        command("/api/demands/t-2/assignment", "{\"assignee\":\"alice\"}", Role.RECORDER);
        command("/api/demands/t-2/assignment", "{\"assignee\":null}", Role.LEGAL);
        command("/api/demands/t-1/non-disclosure-order", "{\"occurredAt\":\"2025-07-01T00:00:01Z\",\"until\":null}", Role.LEGAL);
        command("/api/demands/t-1/non-disclosure-order", "{\"occurredAt\":\"2025-07-01T00:00:02Z\",\"until\":\"2025-08-01T00:00:00Z\"}", Role.LEGAL);
        command("/api/demands/t-1/subscriber-disclosures", "{\"occurredAt\":\"2025-07-03T00:00:00Z\"}", Role.RECORDER);
        long last = command("/api/demands/t-1/user-notice", "{\"occurredAt\":\"2025-08-01T00:00:00Z\"}", Role.ADMIN);
        assertThat(last).isEqualTo(9);

        byte[] bundle = ledger.getQueryBytes("/api/log/export").body();
        List<JsonNode> records = new ArrayList<>();
        for (String line : new String(bundle, StandardCharsets.UTF_8).lines().toList()) {
            records.add(RunningLedger.JSON.readTree(line));
        }
        assertThat(records).extracting(r -> r.get("type").asText()).containsExactly("DemandReceived", "DemandReceived", "DeadlineSet",
                "DemandAssigned", "DemandAssigned", "NonDisclosureOrderRecorded", "NonDisclosureOrderRecorded", "SubscriberDataDisclosed",
                "UserNotified");
        assertThat(records).extracting(r -> r.get("actor").asText()).containsExactly("recorder", "recorder", "recorder", "recorder",
                "legal", "legal", "legal", "recorder", "admin");
        assertThat(records).allMatch(r -> r.get("revision").asText().equals("1"));
        assertThat(records.get(0).get("payload").get("dueAt").asText()).isEqualTo("2025-07-08T00:00:00Z");
        assertThat(records.get(1).get("payload").has("dueAt")).as("a receipt without a due date: no dueAt").isFalse();
        assertThat(records.get(2).get("payload").toString()).isEqualTo("{\"demandId\":\"t-2\",\"dueAt\":\"2025-07-09T00:00:00Z\"}");
        assertThat(records.get(3).get("payload").toString()).isEqualTo("{\"assignee\":\"alice\",\"demandId\":\"t-2\"}");
        assertThat(records.get(4).get("payload").toString()).as("unassigned: no assignee").isEqualTo("{\"demandId\":\"t-2\"}");
        assertThat(records.get(5).get("payload").toString()).as("indefinite: no until")
                .isEqualTo("{\"demandId\":\"t-1\",\"occurredAt\":\"2025-07-01T00:00:01Z\"}");
        assertThat(records.get(6).get("payload").toString())
                .isEqualTo("{\"demandId\":\"t-1\",\"occurredAt\":\"2025-07-01T00:00:02Z\",\"until\":\"2025-08-01T00:00:00Z\"}");
        assertThat(records.get(8).get("payload").toString()).isEqualTo("{\"demandId\":\"t-1\",\"occurredAt\":\"2025-08-01T00:00:00Z\"}");

        JsonNode head = ledger.getQuery("/api/log/head").json();
        assertThat(ledger.getQuery("/api/log/verification").json().get("valid").asBoolean()).isTrue();
        OfflineVerification offline = OfflineVerification.of(bundle, "--period", "2025-H2");
        assertThat(offline.status()).as(offline.err()).isZero();
        assertThat(offline.out()).contains("position  9", "hash      " + head.get("hash").asText());
        // the period's digest recounted from the bundle is the ledger's (the figures' position follows the events that
        // move them, so it is the digest that is awaited)
        String digest = offline.out().lines().filter(l -> l.startsWith("2025-H2 ")).findFirst().orElseThrow().substring(7).trim();
        assertThat(digest).matches("sha256:[0-9a-f]{64}");
        await().atMost(Duration.ofSeconds(30)).until(() -> digest.equals(ledger.getQuery("/api/statistics/2025-H2").json().get("digest").asText()));

        try (RunningLedger target = RunningLedger.querySideOnly(TestMongo.embedded())) {
            RunningLedger.Answer imported = target.postQueryBytes("/api/log/import", bundle);
            assertThat(imported.status()).as(imported.body()).isEqualTo(201);
            assertThat(imported.json()).isEqualTo(head);
            assertThat(target.getQuery("/api/log/verification").json().get("valid").asBoolean()).isTrue();
            assertThat(target.getQueryBytes("/api/log/export").body()).isEqualTo(bundle);
            await().atMost(Duration.ofSeconds(30)).until(() -> digest.equals(target.getQuery("/api/statistics/2025-H2").json().get("digest").asText()));
            JsonNode history = target.getQuery("/api/demands/t-1").json().get("history");
            assertThat(history.findValuesAsText("type")).containsExactly("DemandReceived", "NonDisclosureOrderRecorded",
                    "NonDisclosureOrderRecorded", "SubscriberDataDisclosed", "UserNotified");
        }
    }
}
