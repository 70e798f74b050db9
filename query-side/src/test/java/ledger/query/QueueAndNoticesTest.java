package ledger.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import ledger.access.Role;
import ledger.access.TestTokens;
import ledger.eventlog.TestMongo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * tracking.md's query side through HTTP: the queue (order by due date, none last, then demandId; the filters; paging;
 * overdue judged by the query side's clock), the notices due (orders in force, expired, indefinite and replaced; the
 * notified left out), the demand view's tracking fields and history, the three gauges, the roles; and the same
 * queue from a second query side that read the log at its start.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QueueAndNoticesTest {

    private static final String RECORDER = TestTokens.bearer(Role.RECORDER);
    private static final String LEGAL = TestTokens.bearer(Role.LEGAL);
    private static final String VIEWER = TestTokens.bearer(Role.VIEWER);
    private static final String AUDITOR = TestTokens.bearer(Role.AUDITOR);
    private static final Instant MARCH = Instant.parse("2025-03-01T00:00:00Z");

    private static RunningLedger ledger;
    private static TestClock clock;
    private static String mongoUri;
    private static long last;

    /**
     * The queue: q-01 (US, due 1 Feb at receipt, alice), q-02 (DE, due 20 Jan set later), q-03 (US, no due date, bob),
     * q-05 (FR, due 1 Feb, alice then nobody), q-06 (DE, due 2099). q-04 was disclosed: out of the queue, its notice due
     * from its disclosure. Notices: n-01 (order until 1 June), n-02 (indefinite order), n-03 (indefinite order replaced
     * by one until 1 Feb), n-04 (notified), n-05 (an order that ended before the disclosure).
     */
    @BeforeAll
    static void start() {
        mongoUri = TestMongo.embedded();
        ledger = new RunningLedger(mongoUri, TestClock.QUERY_SIDE_PROPERTY);
        clock = ledger.querySide.getBean(TestClock.class);
        receive("q-01", "2025-01-01", "US", "2025-02-01T00:00:00Z");
        receive("q-02", "2025-01-02", "DE", null);
        receive("q-03", "2025-01-03", "US", null);
        receive("q-04", "2025-01-04", "US", "2025-03-01T00:00:00Z");
        receive("q-05", "2025-01-05", "FR", "2025-02-01T00:00:00Z");
        receive("q-06", "2025-01-06", "DE", "2099-01-01T00:00:00Z");
        command("/api/demands/q-01/assignment", "{\"assignee\":\"alice\"}", RECORDER);
        command("/api/demands/q-02/deadline", "{\"dueAt\":\"2025-01-20T00:00:00Z\"}", LEGAL);
        command("/api/demands/q-03/assignment", "{\"assignee\":\"bob\"}", LEGAL);
        command("/api/demands/q-04/subscriber-disclosures", "{\"occurredAt\":\"2025-01-10T00:00:00Z\"}", RECORDER);
        command("/api/demands/q-05/assignment", "{\"assignee\":\"alice\"}", RECORDER);
        command("/api/demands/q-05/assignment", "{\"assignee\":null}", LEGAL);

        for (int i = 1; i <= 5; i++) {
            receive("n-0" + i, "2025-01-01", "US", null);
        }
        command("/api/demands/n-01/non-disclosure-order", "{\"occurredAt\":\"2025-01-05T00:00:00Z\",\"until\":\"2025-06-01T00:00:00Z\"}", LEGAL);
        command("/api/demands/n-01/subscriber-disclosures", "{\"occurredAt\":\"2025-01-10T00:00:00Z\"}", RECORDER);
        command("/api/demands/n-02/subscriber-disclosures", "{\"occurredAt\":\"2025-01-11T00:00:00Z\"}", RECORDER);
        command("/api/demands/n-02/non-disclosure-order", "{\"occurredAt\":\"2025-01-05T00:00:00Z\",\"until\":null}", LEGAL);
        command("/api/demands/n-03/content-disclosures", "{\"occurredAt\":\"2025-01-12T00:00:00Z\"}", RECORDER);
        command("/api/demands/n-03/non-disclosure-order", "{\"occurredAt\":\"2025-01-05T00:00:00Z\",\"until\":null}", LEGAL);
        command("/api/demands/n-03/non-disclosure-order", "{\"occurredAt\":\"2025-01-06T00:00:00Z\",\"until\":\"2025-02-01T00:00:00Z\"}", LEGAL);
        command("/api/demands/n-04/subscriber-disclosures", "{\"occurredAt\":\"2025-01-13T00:00:00Z\"}", RECORDER);
        command("/api/demands/n-04/user-notice", "{\"occurredAt\":\"2025-01-20T00:00:00Z\"}", LEGAL);
        command("/api/demands/n-05/non-disclosure-order", "{\"occurredAt\":\"2025-01-02T00:00:00Z\",\"until\":\"2025-01-05T00:00:00Z\"}", LEGAL);
        command("/api/demands/n-05/content-disclosures", "{\"occurredAt\":\"2025-01-09T00:00:00Z\"}", RECORDER);
        caughtUp(ledger);
    }

    @AfterAll
    static void stop() {
        ledger.close();
    }

    @BeforeEach
    void inMarch() {
        clock.set(MARCH);
    }

    private static void receive(String id, String day, String jurisdiction, String dueAt) {
        command("/api/demands", "{\"demandId\":\"" + id + "\",\"receivedAt\":\"" + day + "T08:00:00Z\",\"jurisdiction\":\"" + jurisdiction
                + "\",\"agency\":\"FBI\",\"legalProcess\":\"SUBPOENA\",\"accounts\":[\"" + id + "@example.org\"]"
                + (dueAt == null ? "" : ",\"dueAt\":\"" + dueAt + "\"") + "}", RECORDER);
    }

    private static void command(String path, String body, String token) {
        RunningLedger.Answer a = ledger.post(path, body, token);
        assertThat(a.status()).as(path + " " + body + ": " + a.body()).isEqualTo(201);
        last = a.json().get("position").asLong();
    }

    private static void caughtUp(RunningLedger on) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            RunningLedger.Answer a = on.getQuery("/api/queue?limit=1", AUDITOR);
            return a.status() == 200 && Long.parseLong(a.headers().get("Ledger-Position").get(0)) >= last;
        });
    }

    private static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.get("demands").forEach(d -> ids.add(d.get("demandId").asText()));
        return ids;
    }

    private static JsonNode get(String path, String token) {
        RunningLedger.Answer a = ledger.getQuery(path, token);
        assertThat(a.status()).as(path + ": " + a.body()).isEqualTo(200);
        if (!path.startsWith("/api/demands/")) {
            assertThat(a.headers().get("Ledger-Position")).as("the position the list reflects").isNotNull();
        }
        return a.json();
    }

    @Test
    void theQueueIsOrderedByDueDateThoseWithoutLastThenById() {
        JsonNode queue = get("/api/queue", LEGAL);
        assertThat(ids(queue)).containsExactly("q-02", "q-01", "q-05", "q-06", "q-03");
        assertThat(queue.get("next").isNull()).isTrue();
        JsonNode first = queue.get("demands").get(1);
        assertThat(first.get("receivedAt").asText()).isEqualTo("2025-01-01T08:00:00Z");
        assertThat(first.get("dueAt").asText()).isEqualTo("2025-02-01T00:00:00Z");
        assertThat(first.get("assignee").asText()).isEqualTo("alice");
        assertThat(first.get("jurisdiction").asText()).isEqualTo("US");
        assertThat(first.get("legalProcess").asText()).isEqualTo("SUBPOENA");
        assertThat(queue.get("demands").findValuesAsText("overdue")).containsExactly("true", "true", "true", "false", "false");
        assertThat(queue.get("demands").get(4).get("dueAt").isNull()).isTrue();
        assertThat(queue.get("demands").get(2).get("assignee").isNull()).as("unassigned again").isTrue();
    }

    @Test
    void overdueIsJudgedByTheClock() {
        assertThat(ids(get("/api/queue?overdue=true", RECORDER))).containsExactly("q-02", "q-01", "q-05");
        clock.set(Instant.parse("2025-01-25T00:00:00Z"));
        assertThat(ids(get("/api/queue?overdue=true", RECORDER))).containsExactly("q-02");
        assertThat(get("/api/queue", RECORDER).get("demands").findValuesAsText("overdue")).containsExactly("true", "false", "false", "false", "false");
        clock.set(Instant.parse("2025-02-01T00:00:00Z"));
        assertThat(ids(get("/api/queue?overdue=true", RECORDER))).as("due at now: not yet overdue").containsExactly("q-02");
        assertThat(ids(get("/api/queue?overdue=false", RECORDER))).hasSize(5);
    }

    @Test
    void theQueueIsFilteredByOwnerAndJurisdiction() {
        assertThat(ids(get("/api/queue?assignee=alice", AUDITOR))).containsExactly("q-01");
        assertThat(ids(get("/api/queue?assignee=", AUDITOR))).containsExactly("q-02", "q-05", "q-06");
        assertThat(ids(get("/api/queue?assignee=nobody-at-all", AUDITOR))).isEmpty();
        assertThat(ids(get("/api/queue?jurisdiction=US", AUDITOR))).containsExactly("q-01", "q-03");
        assertThat(ids(get("/api/queue?jurisdiction=DE&assignee=", AUDITOR))).containsExactly("q-02", "q-06");
        assertThat(ids(get("/api/queue?jurisdiction=DE&overdue=true", AUDITOR))).containsExactly("q-02");
        assertThat(ids(get("/api/queue?jurisdiction=JP", AUDITOR))).isEmpty();
    }

    @Test
    void theQueueIsPagedFromWhereThePreviousPageEnded() {
        JsonNode one = get("/api/queue?limit=2", LEGAL);
        assertThat(ids(one)).containsExactly("q-02", "q-01");
        assertThat(one.get("next").asText()).isEqualTo("2025-02-01T00:00:00Z/q-01");
        JsonNode two = get("/api/queue?limit=2&after=" + one.get("next").asText(), LEGAL);
        assertThat(ids(two)).containsExactly("q-05", "q-06");
        JsonNode three = get("/api/queue?limit=2&after=" + two.get("next").asText(), LEGAL);
        assertThat(ids(three)).containsExactly("q-03");
        assertThat(three.get("next").isNull()).isTrue();
        JsonNode undated = get("/api/queue?limit=1&after=-/q-02", LEGAL);
        assertThat(ids(undated)).as("after the last without a due date").containsExactly("q-03");
        assertThat(get("/api/queue?limit=3", LEGAL).get("next").asText()).isEqualTo("2025-02-01T00:00:00Z/q-05");
        assertThat(get("/api/queue?limit=5", LEGAL).get("next").isNull()).isTrue();
    }

    @Test
    void malformedParametersAreRefusedNamingTheField() {
        for (String[] bad : List.of(new String[] {"/api/queue?limit=0", "limit"}, new String[] {"/api/queue?limit=1001", "limit"},
                new String[] {"/api/queue?limit=many", "limit"}, new String[] {"/api/queue?overdue=yes", "overdue"},
                new String[] {"/api/queue?jurisdiction=usa", "jurisdiction"}, new String[] {"/api/queue?after=q-01", "after"},
                new String[] {"/api/queue?after=yesterday/q-01", "after"}, new String[] {"/api/notices-due?limit=-1", "limit"},
                new String[] {"/api/notices-due?after=/x", "after"})) {
            RunningLedger.Answer a = ledger.getQuery(bad[0], LEGAL);
            assertThat(a.status()).as(bad[0]).isEqualTo(400);
            assertThat(a.headers().get("Content-Type").get(0)).startsWith("application/problem+json");
            assertThat(a.json().get("field").asText()).as(bad[0]).isEqualTo(bad[1]);
        }
    }

    @Test
    void noticesAreDueOnceDisclosedAndNoOrderIsInForce() {
        JsonNode march = get("/api/notices-due", LEGAL);
        assertThat(ids(march)).as("n-01's order in force, n-02's indefinite, n-04 notified").containsExactly("n-05", "q-04", "n-03");
        assertThat(march.get("demands").findValuesAsText("noticePossibleSince"))
                .containsExactly("2025-01-09T00:00:00Z", "2025-01-10T00:00:00Z", "2025-02-01T00:00:00Z");
        assertThat(march.get("demands").get(0).get("nonDisclosureUntil").asText()).isEqualTo("2025-01-05T00:00:00Z");
        assertThat(march.get("demands").get(1).get("nonDisclosureUntil").isNull()).as("no order").isTrue();
        assertThat(march.get("demands").get(1).has("assignee")).isTrue();
        clock.set(Instant.parse("2025-06-01T00:00:00Z"));
        assertThat(ids(get("/api/notices-due", LEGAL))).as("the order ends at its until").containsExactly("n-05", "q-04", "n-03", "n-01");
        clock.set(Instant.parse("2025-01-20T00:00:00Z"));
        assertThat(ids(get("/api/notices-due", AUDITOR))).containsExactly("n-05", "q-04");
        clock.set(Instant.parse("2030-01-01T00:00:00Z"));
        JsonNode one = get("/api/notices-due?limit=2", AUDITOR);
        assertThat(ids(one)).containsExactly("n-05", "q-04");
        assertThat(ids(get("/api/notices-due?limit=2&after=" + one.get("next").asText(), AUDITOR))).containsExactly("n-03", "n-01");
    }

    @Test
    void theDemandShowsWhatIsTrackedOfIt() {
        JsonNode q01 = get("/api/demands/q-01", RECORDER);
        assertThat(q01.get("dueAt").asText()).isEqualTo("2025-02-01T00:00:00Z");
        assertThat(q01.get("assignee").asText()).isEqualTo("alice");
        assertThat(q01.has("nonDisclosureUntil")).as("no order").isFalse();
        assertThat(q01.get("userNotifiedAt").isNull()).isTrue();
        JsonNode q05 = get("/api/demands/q-05", RECORDER);
        assertThat(q05.get("assignee").isNull()).isTrue();
        JsonNode history = q05.get("history");
        assertThat(history.findValuesAsText("type")).containsExactly("DemandReceived", "DemandAssigned", "DemandAssigned");
        assertThat(history.get(0).get("dueAt").asText()).isEqualTo("2025-02-01T00:00:00Z");
        assertThat(history.get(1).get("assignee").asText()).isEqualTo("alice");
        assertThat(history.get(1).get("actor").asText()).isEqualTo("recorder");
        assertThat(history.get(2).get("assignee").isNull()).as("unassigned").isTrue();
        assertThat(history.get(2).get("actor").asText()).isEqualTo("legal");
        JsonNode q02 = get("/api/demands/q-02", LEGAL);
        assertThat(q02.get("dueAt").asText()).isEqualTo("2025-01-20T00:00:00Z");
        assertThat(q02.get("history").get(1).get("type").asText()).isEqualTo("DeadlineSet");
        assertThat(q02.get("history").get(1).get("actor").asText()).isEqualTo("legal");
        assertThat(q02.get("history").get(0).has("dueAt")).as("none given at receipt").isFalse();
        assertThat(get("/api/demands/q-03", LEGAL).get("dueAt").isNull()).isTrue();
        JsonNode n02 = get("/api/demands/n-02", LEGAL);
        assertThat(n02.has("nonDisclosureUntil")).isTrue();
        assertThat(n02.get("nonDisclosureUntil").isNull()).as("indefinite").isTrue();
        JsonNode order = n02.get("history").get(2);
        assertThat(order.get("type").asText()).isEqualTo("NonDisclosureOrderRecorded");
        assertThat(order.get("occurredAt").asText()).isEqualTo("2025-01-05T00:00:00Z");
        assertThat(order.get("until").isNull()).isTrue();
        assertThat(order.get("actor").asText()).isEqualTo("legal");
        assertThat(get("/api/demands/n-03", LEGAL).get("nonDisclosureUntil").asText()).as("the latest order").isEqualTo("2025-02-01T00:00:00Z");
        JsonNode n04 = get("/api/demands/n-04", AUDITOR);
        assertThat(n04.get("userNotifiedAt").asText()).isEqualTo("2025-01-20T00:00:00Z");
        assertThat(n04.get("history").get(2).get("type").asText()).isEqualTo("UserNotified");
        assertThat(n04.get("history").get(2).get("actor").asText()).isEqualTo("legal");
    }

    @Test
    void eachRoleMayReadWhatTrackingMdSays() {
        for (String reader : List.of(RECORDER, LEGAL, AUDITOR, TestTokens.ADMIN)) {
            assertThat(ledger.getQuery("/api/queue", reader).status()).isEqualTo(200);
        }
        for (String reader : List.of(LEGAL, AUDITOR, TestTokens.ADMIN)) {
            assertThat(ledger.getQuery("/api/notices-due", reader).status()).isEqualTo(200);
        }
        RunningLedger.Answer viewer = ledger.getQuery("/api/queue", VIEWER);
        assertThat(viewer.status()).isEqualTo(403);
        assertThat(viewer.json().get("requiredRoles")).extracting(JsonNode::asText).containsExactly("admin", "auditor", "legal", "recorder");
        RunningLedger.Answer recorder = ledger.getQuery("/api/notices-due", RECORDER);
        assertThat(recorder.status()).isEqualTo(403);
        assertThat(recorder.json().get("requiredRoles")).extracting(JsonNode::asText).containsExactly("admin", "auditor", "legal");
        assertThat(ledger.getQuery("/api/notices-due", TestTokens.bearer(Role.PUBLISHER)).status()).isEqualTo(403);
        assertThat(ledger.getQuery("/api/queue", "none").status()).isEqualTo(401);
    }

    @Test
    void bothAreDescribedWithTheirRolesAndRefusals() {
        JsonNode paths = ledger.getQuery("/v3/api-docs", "none").json().get("paths");
        for (String path : List.of("/api/queue", "/api/notices-due")) {
            JsonNode get = paths.get(path).get("get");
            assertThat(get.get("responses").fieldNames()).toIterable().as(path).contains("200", "400", "401", "403", "503");
            assertThat(get.get("x-required-roles")).as(path).isNotEmpty();
        }
        assertThat(paths.get("/api/queue").get("get").get("x-required-roles")).extracting(JsonNode::asText)
                .contains("recorder", "legal", "auditor").doesNotContain("viewer");
        assertThat(paths.get("/api/notices-due").get("get").get("x-required-roles")).extracting(JsonNode::asText)
                .contains("legal", "auditor").doesNotContain("recorder");
    }

    @Test
    void theGaugesCountNow() {
        assertThat(gauges()).containsExactly(5.0, 3.0, 3.0);
        clock.set(Instant.parse("2025-07-01T00:00:00Z"));
        assertThat(gauges()).containsExactly(5.0, 3.0, 4.0);
        clock.set(Instant.parse("2025-01-25T00:00:00Z"));
        assertThat(gauges()).as("the clock set back").containsExactly(5.0, 1.0, 2.0);
        clock.set(Instant.parse("2025-02-01T00:00:00Z"));
        assertThat(gauges()).as("due at now: not overdue; a notice possible from now: due").containsExactly(5.0, 1.0, 3.0);
    }

    /** ledger_demands_open, ledger_demands_overdue, ledger_notices_due as scraped. */
    private static List<Double> gauges() {
        String text = ledger.getQuery("/actuator/prometheus", TestTokens.bearer(Role.VIEWER)).body();
        List<Double> values = new ArrayList<>();
        for (String name : List.of("ledger_demands_open", "ledger_demands_overdue", "ledger_notices_due")) {
            Matcher m = Pattern.compile("(?m)^" + name + "(?:\\{[^}]*})? (\\S+)$").matcher(text);
            assertThat(m.find()).as(name + " in\n" + text).isTrue();
            values.add(Double.parseDouble(m.group(1)));
        }
        return values;
    }

    /** Changes after the start move the demands in the queue and the notices; a query side started later reads the same. */
    @Test
    @Order(Integer.MAX_VALUE) // it adds a demand the others do not expect
    void changesMoveDemandsAndAFreshStartReadsTheSame() {
        command("/api/demands/q-07/deadline", "{\"dueAt\":\"2025-01-01T00:00:00Z\"}", LEGAL, 404);
        receive("q-07", "2025-01-07", "JP", null);
        command("/api/demands/q-07/deadline", "{\"dueAt\":\"2025-01-15T00:00:00Z\"}", LEGAL);
        command("/api/demands/q-07/assignment", "{\"assignee\":\"carol\"}", LEGAL);
        command("/api/demands/q-07/corrections", "{\"jurisdiction\":\"IT\"}", LEGAL);
        caughtUp(ledger);
        assertThat(ids(get("/api/queue?limit=1", LEGAL))).containsExactly("q-07");
        assertThat(ids(get("/api/queue?jurisdiction=IT&assignee=carol", LEGAL))).containsExactly("q-07");
        assertThat(ids(get("/api/queue?jurisdiction=JP", LEGAL))).as("moved with its correction").isEmpty();
        command("/api/demands/q-07/assignment", "{\"assignee\":\"dave\"}", LEGAL);
        command("/api/demands/q-07/deadline", "{\"dueAt\":\"2099-06-01T00:00:00Z\"}", LEGAL);
        caughtUp(ledger);
        assertThat(ids(get("/api/queue?assignee=carol", LEGAL))).isEmpty();
        assertThat(ids(get("/api/queue?assignee=dave", LEGAL))).containsExactly("q-07");
        assertThat(ids(get("/api/queue", LEGAL))).containsExactly("q-02", "q-01", "q-05", "q-06", "q-07", "q-03");
        command("/api/demands/q-07/content-disclosures", "{\"occurredAt\":\"2025-01-20T00:00:00Z\"}", RECORDER);
        caughtUp(ledger);
        assertThat(ids(get("/api/queue", LEGAL))).as("answered: out of the queue").doesNotContain("q-07");
        assertThat(ids(get("/api/notices-due", LEGAL))).containsExactly("n-05", "q-04", "q-07", "n-03");
        command("/api/demands/q-07/user-notice", "{\"occurredAt\":\"2025-01-21T00:00:00Z\"}", LEGAL);
        caughtUp(ledger);
        assertThat(ids(get("/api/notices-due", LEGAL))).containsExactly("n-05", "q-04", "n-03");

        clock.set(null); // the system's, as the second query side's
        String queue = get("/api/queue", LEGAL).get("demands").toString();
        String notices = get("/api/notices-due", LEGAL).get("demands").toString();
        String byOwner = get("/api/queue?assignee=", LEGAL).get("demands").toString();
        // a replay rebuilds the figures, not the directory the views are read from: they stay as they were
        assertThat(ledger.postQuery("/api/replays", AUDITOR).status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(60)).until(() -> "FINISHED".equals(ledger.getQuery("/api/replays/latest", AUDITOR).json().path("state").asText()));
        assertThat(get("/api/queue", LEGAL).get("demands").toString()).isEqualTo(queue);
        assertThat(get("/api/notices-due", LEGAL).get("demands").toString()).isEqualTo(notices);
        try (RunningLedger second = RunningLedger.querySideOnly(mongoUri)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> second.getQuery("/api/queue", LEGAL).status() == 200);
            assertThat(second.getQuery("/api/queue", LEGAL).json().get("demands").toString()).isEqualTo(queue);
            assertThat(second.getQuery("/api/queue?assignee=", LEGAL).json().get("demands").toString()).isEqualTo(byOwner);
            assertThat(second.getQuery("/api/notices-due", LEGAL).json().get("demands").toString()).isEqualTo(notices);
        }
    }

    private static void command(String path, String body, String token, int status) {
        assertThat(ledger.post(path, body, token).status()).as(path).isEqualTo(status);
    }
}
