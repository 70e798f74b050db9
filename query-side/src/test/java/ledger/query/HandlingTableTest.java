package ledger.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
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
 * The handling table through HTTP (counting rules 18-19, tracking.md), on a small log of 2024-H2: its CSV and
 * JSON, as of a position, after a correction of a receipt, in an audit, in a published version (frozen, verified,
 * restated), after a replay, and who may read it.
 */
class HandlingTableTest {

    private static final String HEADER = "jurisdiction,requests,withDeadline,onTime,late,open,medianHoursToResponse,"
            + "nonDisclosureOrders,usersNotified,onTimePct,nonDisclosurePct\n";
    private static final String PATH = "/api/statistics/2024-H2/handling";

    private static RunningLedger ledger;

    @BeforeAll
    static void start() {
        ledger = new RunningLedger(TestMongo.embedded());
    }

    @AfterAll
    static void stop() {
        ledger.close();
    }

    private static long command(String path, String body) {
        return ledger.stored(path, body, TestTokens.ADMIN);
    }

    private static long receive(String id, String receivedAt, String jurisdiction, String process, String dueAt) {
        return command("/api/demands", "{\"demandId\":\"" + id + "\",\"receivedAt\":\"" + receivedAt + "\",\"jurisdiction\":\""
                + jurisdiction + "\",\"agency\":\"x\",\"legalProcess\":\"" + process + "\",\"accounts\":[\"" + id + "@example.org\"]"
                + (dueAt == null ? "" : ",\"dueAt\":\"" + dueAt + "\"") + "}");
    }

    private static void waitFor(long position) {
        await().atMost(Duration.ofSeconds(30)).until(() -> ledger.getQuery(PATH).json().get("position").asLong() >= position);
    }

    private static String csv(String path) {
        RunningLedger.Answer a = ledger.getQuery(path);
        assertThat(a.status()).as(path + ": " + a.body()).isEqualTo(200);
        assertThat(a.headers().get("content-type").get(0)).startsWith("text/csv");
        return a.body();
    }

    @Test
    void theHandlingTableFollowsTheLogAsTheRulesSay() {
        receive("h-1", "2024-07-01T00:00:00Z", "US", "SUBPOENA", "2024-07-02T00:00:00Z");
        command("/api/demands/h-1/non-disclosure-order", "{\"occurredAt\":\"2024-07-01T01:00:00Z\",\"until\":\"2024-07-05T00:00:00Z\"}");
        command("/api/demands/h-1/subscriber-disclosures", "{\"occurredAt\":\"2024-07-02T00:00:00Z\"}"); // exactly at the due date
        command("/api/demands/h-1/non-disclosure-order", "{\"occurredAt\":\"2024-07-02T01:00:00Z\",\"until\":\"2024-07-06T00:00:00Z\"}");
        command("/api/demands/h-1/user-notice", "{\"occurredAt\":\"2024-07-07T00:00:00Z\"}");
        receive("h-2", "2024-07-01T00:00:00Z", "US", "COURT_ORDER", null);
        long beforeDeadline = command("/api/demands/h-2/assignment", "{\"assignee\":\"alice\"}");
        command("/api/demands/h-2/deadline", "{\"dueAt\":\"2024-07-01T10:00:00Z\"}");
        command("/api/demands/h-2/no-data-found", "{\"occurredAt\":\"2024-07-01T10:00:01Z\"}"); // a second late
        receive("h-3", "2024-08-01T00:00:00Z", "DE", "SUBPOENA", "2024-08-10T00:00:00Z");
        receive("h-4", "2024-08-01T00:00:00Z", "DE", "NATIONAL_SECURITY_LETTER", "2024-08-02T00:00:00Z");
        long last = command("/api/demands/h-4/subscriber-disclosures", "{\"occurredAt\":\"2024-08-03T00:00:00Z\"}");
        waitFor(last);

        String table = HEADER
                + "DE,1,1,0,0,1,,0,0,0.00,0.00\n"
                + "US,2,2,1,1,0,10,1,1,50.00,50.00\n"
                + "TOTAL,3,3,1,1,1,10,1,1,33.33,33.33\n";
        assertThat(csv(PATH + ".csv")).isEqualTo(table);
        JsonNode json = ledger.getQuery(PATH).json();
        assertThat(json.fieldNames()).toIterable().containsExactly("period", "position", "digest", "rows", "total");
        assertThat(json.get("period").asText()).isEqualTo("2024-H2");
        assertThat(json.get("position").asLong()).isGreaterThanOrEqualTo(last);
        assertThat(json.get("digest").asText()).isEqualTo(ledger.getQuery(PATH + ".csv").headers().get("ETag").get(0).replace("\"", ""));
        JsonNode de = json.get("rows").get(0);
        assertThat(de.fieldNames()).toIterable().containsExactly(HEADER.trim().split(","));
        assertThat(de.get("jurisdiction").asText()).isEqualTo("DE");
        assertThat(de.get("medianHoursToResponse").isNull()).as("no response: empty in the CSV, null in JSON").isTrue();
        assertThat(de.get("onTimePct").decimalValue()).isEqualByComparingTo("0.00");
        assertThat(json.get("rows").get(1).get("medianHoursToResponse").asLong()).isEqualTo(10);
        assertThat(json.get("total").get("jurisdiction").asText()).isEqualTo("TOTAL");
        assertThat(json.get("total").get("onTimePct").decimalValue()).isEqualByComparingTo("33.33");
        assertThat(json.get("total").get("requests").asLong()).isEqualTo(3);

        // as of a position before h-2 had a due date or a response (counting rule 12)
        assertThat(csv(PATH + ".csv?asOf=" + beforeDeadline)).isEqualTo(HEADER
                + "US,2,1,1,0,0,24,1,1,100.00,50.00\n"
                + "TOTAL,2,1,1,0,0,24,1,1,100.00,50.00\n");
        assertThat(ledger.getQuery(PATH + "?asOf=" + beforeDeadline).json().get("position").asLong()).isEqualTo(beforeDeadline);

        RunningLedger.Answer published = ledger.postQuery("/api/reports/2024-H2", TestTokens.ADMIN);
        assertThat(published.status()).isEqualTo(201);
        assertThat(published.json().get("digests").get("handling").asText()).isEqualTo(json.get("digest").asText());
        int version = published.json().get("version").asInt();

        // h-2 received five hours later: 5 hours to its response, the lower median of (5, 24) is 5
        long corrected = command("/api/demands/h-2/corrections", "{\"receivedAt\":\"2024-07-01T05:00:00Z\"}");
        // and h-3 into H1: out of this period's table
        corrected = Math.max(corrected, command("/api/demands/h-3/corrections", "{\"receivedAt\":\"2024-06-30T23:59:59Z\"}"));
        waitFor(corrected);
        String now = HEADER
                + "US,2,2,1,1,0,5,1,1,50.00,50.00\n"
                + "TOTAL,2,2,1,1,0,5,1,1,50.00,50.00\n";
        assertThat(csv(PATH + ".csv")).isEqualTo(now);
        assertThat(csv("/api/statistics/2024-H1/handling.csv")).isEqualTo(HEADER
                + "DE,1,1,0,0,1,,0,0,0.00,0.00\n"
                + "TOTAL,1,1,0,0,1,,0,0,0.00,0.00\n");

        JsonNode audit = ledger.getQuery("/api/audits/2024-H2").json();
        assertThat(audit.get("matches").asBoolean()).as(audit.toString()).isTrue();
        assertThat(audit.get("tables").get("handling").get("projectedDigest").asText())
                .isEqualTo(audit.get("tables").get("handling").get("recomputedDigest").asText())
                .isEqualTo(ledger.getQuery(PATH).json().get("digest").asText());

        // the version keeps the table as it was, and still verifies; its restatement names what moved
        JsonNode verification = ledger.getQuery("/api/reports/2024-H2/" + version + "/verification").json();
        assertThat(verification.get("matches").asBoolean()).as(verification.toString()).isTrue();
        assertThat(verification.get("recomputedDigests").get("handling").asText()).isEqualTo(json.get("digest").asText());
        JsonNode restatement = ledger.getQuery("/api/reports/2024-H2/" + version + "/restatement").json();
        assertThat(restatement.get("currentDigests").get("handling").asText()).isNotEqualTo(json.get("digest").asText());
        List<String> changed = new ArrayList<>();
        restatement.get("changes").forEach(c -> changed.add(c.get("demandId").asText()));
        assertThat(changed).containsExactly("h-2", "h-3");
        assertThat(restatement.get("changes").get(0).get("before").get("hoursToResponse").asLong()).isEqualTo(10);
        assertThat(restatement.get("changes").get(0).get("after").get("hoursToResponse").asLong()).isEqualTo(5);

        // a replay rebuilds the same table
        assertThat(ledger.postQuery("/api/replays", TestTokens.ADMIN).status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(60)).until(() -> "FINISHED".equals(ledger.getQuery("/api/replays/latest").json().get("state").asText()));
        assertThat(csv(PATH + ".csv")).isEqualTo(now);
        assertThat(ledger.getQuery("/api/audits/2024-H2").json().get("matches").asBoolean()).isTrue();
    }

    @Test
    void theHandlingTableIsReadAsTheOtherTablesAre() {
        String viewer = TestTokens.bearer(Role.VIEWER);
        assertThat(ledger.getQuery(PATH + ".csv", viewer).status()).isEqualTo(200);
        assertThat(ledger.getQuery(PATH, TestTokens.bearer(Role.PUBLISHER)).status()).isEqualTo(200);
        RunningLedger.Answer recorder = ledger.getQuery(PATH, TestTokens.bearer(Role.RECORDER));
        assertThat(recorder.status()).isEqualTo(403);
        assertThat(recorder.json().get("requiredRoles")).extracting(JsonNode::asText).containsExactly("admin", "auditor", "publisher", "viewer");
        assertThat(ledger.getQuery(PATH + "?asOf=1", viewer).status()).as("asOf: auditors").isEqualTo(403);
        assertThat(ledger.getQuery(PATH + "?asOf=1", TestTokens.bearer(Role.AUDITOR)).status()).isEqualTo(200);
        RunningLedger.Answer badPeriod = ledger.getQuery("/api/statistics/2024-H3/handling.csv");
        assertThat(badPeriod.status()).isEqualTo(400);
        assertThat(badPeriod.json().get("field").asText()).isEqualTo("period");
        assertThat(ledger.getQuery(PATH + "?asOf=x").status()).isEqualTo(400);
        assertThat(csv("/api/statistics/2031-H1/handling.csv")).as("a period without demands").isEqualTo(HEADER + "TOTAL,0,0,0,0,0,,0,0,,\n");
    }
}
