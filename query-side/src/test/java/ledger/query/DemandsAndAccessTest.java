package ledger.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import ledger.access.Role;
import ledger.access.TestTokens;
import ledger.eventlog.TestMongo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The query side's half of security.md (each role's rights and refusals, public published reports) and a
 * demand with its history and the list of demands (api.md), through HTTP on a small log written by several
 * actors.
 */
class DemandsAndAccessTest {

    private static final String RECORDER = TestTokens.bearer(Role.RECORDER);
    private static final String LEGAL = TestTokens.bearer(Role.LEGAL);
    private static final String VIEWER = TestTokens.bearer(Role.VIEWER);
    private static final String PUBLISHER = TestTokens.bearer(Role.PUBLISHER);
    private static final String AUDITOR = TestTokens.bearer(Role.AUDITOR);

    private static RunningLedger ledger;
    private static String mongoUri;
    private static long last;

    /**
     * Ten demands of 2011: d-01..d-10, US and DE, H1 and H2, subpoenas and warrants; d-02 corrected by legal,
     * dispositions recorded by the admin.
     */
    @BeforeAll
    static void start() {
        mongoUri = TestMongo.embedded();
        ledger = new RunningLedger(mongoUri);
        for (int i = 1; i <= 10; i++) {
            String at = i <= 6 ? "2011-0" + i + "-10T08:00:00Z" : "2011-0" + i + "-10T08:00:00Z";
            if (i == 10) {
                at = "2011-10-10T08:00:00Z";
            }
            last = position(ledger.post("/api/demands", "{\"demandId\":\"d-" + String.format("%02d", i) + "\",\"receivedAt\":\"" + at
                    + "\",\"jurisdiction\":\"" + (i % 2 == 0 ? "US" : "DE") + "\",\"agency\":\"FBI\",\"legalProcess\":\""
                    + (i % 3 == 0 ? "SEARCH_WARRANT" : "SUBPOENA") + "\",\"accounts\":[\"zz-" + i + "@example.org\",\"yy-" + i + "@example.org\"]}", RECORDER));
        }
        last = position(ledger.post("/api/demands/d-02/corrections",
                "{\"jurisdiction\":\"FR\",\"legalProcess\":\"COURT_ORDER\",\"accounts\":[\"only@example.org\"]}", LEGAL));
        last = position(ledger.post("/api/demands/d-02/content-disclosures", "{\"occurredAt\":\"2011-02-11T00:00:00Z\"}", TestTokens.ADMIN));
        last = position(ledger.post("/api/demands/d-03/rejection", "{\"occurredAt\":\"2011-03-11T00:00:00Z\",\"reason\":\"OVERBROAD\"}", RECORDER));
        last = position(ledger.post("/api/demands/d-04/no-data-found", "{\"occurredAt\":\"2011-04-11T00:00:00Z\"}", RECORDER));
        last = position(ledger.post("/api/demands/d-08/subscriber-disclosures", "{\"occurredAt\":\"2011-08-11T00:00:00Z\"}", RECORDER));
        await().atMost(Duration.ofSeconds(30)).until(() -> ledger.getQuery("/api/statistics/2011-H2").json().get("position").asLong() >= last
                && ledger.getQuery("/api/demands?limit=1").headers().get("Ledger-Position") != null
                && Long.parseLong(ledger.getQuery("/api/demands?limit=1").headers().get("Ledger-Position").get(0)) >= last);
    }

    @AfterAll
    static void stop() {
        ledger.close();
    }

    private static long position(RunningLedger.Answer a) {
        assertThat(a.status()).as(a.body()).isEqualTo(201);
        return a.json().get("position").asLong();
    }

    private static void refused(RunningLedger.Answer a, int status, String... requiredRoles) {
        assertThat(a.status()).as(a.body()).isEqualTo(status);
        assertThat(a.headers().get("Content-Type").get(0)).startsWith("application/problem+json");
        if (status == 401) {
            assertThat(a.headers().get("WWW-Authenticate")).containsExactly("Bearer realm=\"ledger\"");
        } else {
            assertThat(a.json().get("requiredRoles")).extracting(JsonNode::asText).containsExactly(requiredRoles);
        }
    }

    @Test
    void eachRoleMayReadWhatTheTableSays() {
        refused(ledger.getQuery("/api/statistics/2011-H1", "none"), 401);
        refused(ledger.getQuery("/api/statistics/2011-H1", "Bearer ldg_unknown"), 401);
        for (String viewer : List.of(VIEWER, PUBLISHER, AUDITOR, TestTokens.ADMIN)) {
            assertThat(ledger.getQuery("/api/statistics/2011-H1.csv", viewer).status()).isEqualTo(200);
            assertThat(ledger.getQuery("/api/replays/latest", viewer).status()).isIn(200, 404);
        }
        refused(ledger.getQuery("/api/statistics/2011-H1", RECORDER), 403, "admin", "auditor", "publisher", "viewer");
        refused(ledger.getQuery("/api/statistics/2011-H1?asOf=3", VIEWER), 403, "admin", "auditor");
        refused(ledger.getQuery("/api/statistics/2011-H1.csv?asOf=3", PUBLISHER), 403, "admin", "auditor");
        assertThat(ledger.getQuery("/api/statistics/2011-H1?asOf=3", AUDITOR).status()).isEqualTo(200);
        refused(ledger.getQuery("/api/audits/2011-H1", VIEWER), 403, "admin", "auditor");
        assertThat(ledger.getQuery("/api/audits/2011-H1", AUDITOR).json().get("matches").asBoolean()).isTrue();
        refused(ledger.postQuery("/api/replays", PUBLISHER), 403, "admin", "auditor");
        refused(ledger.postQuery("/api/reports/2011-H1", VIEWER), 403, "admin", "publisher");
        refused(ledger.getQuery("/api/demands", RECORDER), 403, "admin", "auditor");
        refused(ledger.getQuery("/api/demands/d-01", VIEWER), 403, "admin", "auditor", "legal", "recorder");
        for (String reader : List.of(RECORDER, LEGAL, AUDITOR)) {
            assertThat(ledger.getQuery("/api/demands/d-01", reader).status()).isEqualTo(200);
        }
        refused(ledger.getQuery("/api/demands/d-01", "none"), 401);
        for (String health : List.of("/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness")) {
            RunningLedger.Answer a = ledger.getQuery(health, "none");
            assertThat(a.status()).as(health).isEqualTo(200);
            assertThat(a.json().get("status").asText()).isEqualTo("UP");
            assertThat(a.json().has("components") || a.json().has("details")).as("no details without a token").isFalse();
        }
        refused(ledger.getQuery("/actuator/env", "none"), 401);
        assertThat(ledger.getQuery("/actuator/env", TestTokens.ADMIN).status()).as("not exposed").isEqualTo(404);
    }

    /** Deny by default (access.md): what no rule names is refused to every caller, the admin too. */
    @Test
    void aRequestNoRuleNamesIsRefusedEvenToTheAdmin() {
        RunningLedger.Answer delete = ledger.send(HttpRequest.newBuilder(URI.create(ledger.queries + "/api/demands/d-01")).DELETE().build());
        assertThat(delete.status()).as(delete.body()).isEqualTo(405);
        assertThat(delete.headers().get("Allow")).containsExactly("GET, HEAD");
        assertThat(delete.headers().get("Content-Type").get(0)).startsWith("application/problem+json");
        RunningLedger.Answer command = ledger.send(HttpRequest.newBuilder(URI.create(ledger.commands + "/api/demands/d-01/rejection")).DELETE().build());
        assertThat(command.status()).as(command.body()).isEqualTo(405);
        assertThat(command.headers().get("Allow")).containsExactly("POST");
        RunningLedger.Answer put = ledger.send(HttpRequest.newBuilder(URI.create(ledger.queries + "/api/replays"))
                .PUT(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(put.status()).isEqualTo(405);
        assertThat(put.headers().get("Allow")).containsExactly("POST");
        for (String unnamed : List.of("/api/nothing-here", "/actuator", "/error", "/favicon.ico", "/index.html")) {
            RunningLedger.Answer a = ledger.getQuery(unnamed, TestTokens.ADMIN);
            assertThat(a.status()).as(unnamed).isEqualTo(404);
            assertThat(a.headers().get("Content-Type").get(0)).startsWith("application/problem+json");
            assertThat(a.json().has("requiredRoles")).isFalse();
            refused(ledger.getQuery(unnamed, "none"), 401);
        }
        RunningLedger.Answer head = ledger.send(HttpRequest.newBuilder(URI.create(ledger.queries + "/api/demands/d-01"))
                .header("Authorization", RECORDER).method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
        assertThat(head.status()).as("a GET's rule, HEAD included").isEqualTo(200);
        RunningLedger.Answer viewersHead = ledger.send(HttpRequest.newBuilder(URI.create(ledger.queries + "/api/demands/d-01"))
                .header("Authorization", VIEWER).method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
        assertThat(viewersHead.status()).isEqualTo(403);
    }

    @Test
    void publishedReportsAreReadWithoutATokenAsPublished() throws Exception {
        String csv = ledger.getQuery("/api/statistics/2011-H1.csv", VIEWER).body();
        RunningLedger.Answer published = ledger.postQuery("/api/reports/2011-H1", PUBLISHER);
        assertThat(published.status()).isEqualTo(201);
        int version = published.json().get("version").asInt();
        assertThat(published.json().get("publishedBy").asText()).isEqualTo("publisher");

        RunningLedger.Answer versions = ledger.getQuery("/api/reports/2011-H1", "none");
        assertThat(versions.status()).isEqualTo(200);
        assertThat(versions.json().findValuesAsText("version")).contains(Integer.toString(version));
        RunningLedger.Answer asPublished = ledger.getQuery("/api/reports/2011-H1/" + version + ".csv", "none");
        assertThat(asPublished.status()).isEqualTo(200);
        assertThat(asPublished.headers().get("Content-Type").get(0)).startsWith("text/csv");
        assertThat(asPublished.body()).isEqualTo(csv);
        assertThat("sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(asPublished.body().getBytes(StandardCharsets.UTF_8))))
                .isEqualTo(published.json().get("digest").asText());
        assertThat(ledger.getQuery("/api/reports/2011-H1/999.csv", "none").status()).isEqualTo(404);
        refused(ledger.getQuery("/api/reports/2011-H1/" + version + "/verification", "none"), 401);
        refused(ledger.getQuery("/api/reports/2011-H1/" + version + "/verification", PUBLISHER), 403, "admin", "auditor");
        assertThat(ledger.getQuery("/api/reports/2011-H1/" + version + "/verification", AUDITOR).json().get("matches").asBoolean()).isTrue();
    }

    @Test
    void aDemandShowsItsValuesAsCorrectedAndWhoRecordedEachEvent() {
        RunningLedger.Answer a = ledger.getQuery("/api/demands/d-02", RECORDER);
        assertThat(a.status()).isEqualTo(200);
        JsonNode d = a.json();
        assertThat(d.get("demandId").asText()).isEqualTo("d-02");
        assertThat(d.get("receivedAt").asText()).isEqualTo("2011-02-10T08:00:00Z");
        assertThat(d.get("jurisdiction").asText()).isEqualTo("FR");
        assertThat(d.get("legalProcess").asText()).isEqualTo("COURT_ORDER");
        assertThat(d.get("agency").asText()).isEqualTo("FBI");
        assertThat(d.get("accounts").asInt()).isEqualTo(1);
        assertThat(d.get("period").asText()).isEqualTo("2011-H1");
        assertThat(d.get("outcome").asText()).isEqualTo("content");
        JsonNode history = d.get("history");
        assertThat(history).hasSize(3);
        assertThat(history.findValuesAsText("type")).containsExactly("DemandReceived", "DemandCorrected", "ContentDisclosed");
        assertThat(history.findValuesAsText("actor")).containsExactly("recorder", "legal", "admin");
        assertThat(d.get("position").asLong()).isEqualTo(history.get(2).get("position").asLong());
        assertThat(history.get(0).get("accounts").asInt()).isEqualTo(2);
        assertThat(history.get(0).get("jurisdiction").asText()).isEqualTo("US");
        assertThat(history.get(1).get("jurisdiction").asText()).isEqualTo("FR");
        assertThat(history.get(2).get("occurredAt").asText()).isEqualTo("2011-02-11T00:00:00Z");
        for (JsonNode e : history) {
            assertThat(e.get("recordedAt").asText()).matches("\\d{4}-\\d{2}-\\d{2}T.*Z");
        }
        // never a pseudonym (64 hex digits), never a raw identifier
        assertThat(a.body()).doesNotContainPattern("[0-9a-f]{64}").doesNotContain("example.org");

        assertThat(ledger.getQuery("/api/demands/d-04", AUDITOR).json().get("outcome").asText()).isEqualTo("noDataFound");
        assertThat(ledger.getQuery("/api/demands/d-08", AUDITOR).json().get("period").asText()).isEqualTo("2011-H2");
        RunningLedger.Answer unknown = ledger.getQuery("/api/demands/never-received", RECORDER);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.headers().get("Content-Type").get(0)).startsWith("application/problem+json");
    }

    private static List<String> ids(String query) {
        RunningLedger.Answer a = ledger.getQuery("/api/demands" + query, AUDITOR);
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        assertThat(Long.parseLong(a.headers().get("Ledger-Position").get(0))).isGreaterThanOrEqualTo(last);
        List<String> ids = new ArrayList<>();
        a.json().get("demands").forEach(d -> ids.add(d.get("demandId").asText()));
        return ids;
    }

    @Test
    void theListFiltersAndPagesInTheOrderOfDemandIds() {
        assertThat(ids("")).containsExactly("d-01", "d-02", "d-03", "d-04", "d-05", "d-06", "d-07", "d-08", "d-09", "d-10");
        assertThat(ids("?period=2011-H1")).containsExactly("d-01", "d-02", "d-03", "d-04", "d-05", "d-06");
        assertThat(ids("?period=2011-H2&jurisdiction=US")).containsExactly("d-08", "d-10");
        assertThat(ids("?jurisdiction=FR")).containsExactly("d-02");
        assertThat(ids("?outcome=pending")).containsExactly("d-01", "d-05", "d-06", "d-07", "d-09", "d-10");
        assertThat(ids("?outcome=pending&receivedBefore=2011-06-10T08:00:00Z")).containsExactly("d-01", "d-05");
        assertThat(ids("?outcome=content")).containsExactly("d-02");
        assertThat(ids("?outcome=rejected")).containsExactly("d-03");
        assertThat(ids("?legalProcess=SEARCH_WARRANT")).containsExactly("d-03", "d-06", "d-09");
        assertThat(ids("?legalProcess=COURT_ORDER&period=2011-H1")).containsExactly("d-02");

        JsonNode page = ledger.getQuery("/api/demands?period=2011-H1&limit=4", AUDITOR).json();
        assertThat(page.get("demands")).hasSize(4);
        assertThat(page.get("next").asText()).isEqualTo("d-04");
        JsonNode rest = ledger.getQuery("/api/demands?period=2011-H1&limit=4&after=d-04", AUDITOR).json();
        assertThat(rest.get("demands").findValuesAsText("demandId")).containsExactly("d-05", "d-06");
        assertThat(rest.get("next").isNull()).isTrue();
        JsonNode row = ledger.getQuery("/api/demands?jurisdiction=FR", AUDITOR).json().get("demands").get(0);
        assertThat(row.get("receivedAt").asText()).isEqualTo("2011-02-10T08:00:00Z");
        assertThat(row.get("legalProcess").asText()).isEqualTo("COURT_ORDER");
        assertThat(row.get("outcome").asText()).isEqualTo("content");
        assertThat(row.get("position").asLong()).isPositive();

        // another query side reads the directory from the log when it starts (unordered, then put in order): the same lists
        try (var other = RunningLedger.startQuerySide(List.of("--server.port=0", "--ledger.mongodb.uri=" + mongoUri, "--spring.jmx.enabled=false"))) {
            String at = "http://127.0.0.1:" + other.getEnvironment().getProperty("local.server.port");
            java.util.function.Function<String, RunningLedger.Answer> there = q -> ledger.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(at + "/api/demands" + q)).header("Authorization", AUDITOR).GET().build());
            await().atMost(Duration.ofSeconds(30)).until(() -> there.apply("").status() == 200);
            for (String q : List.of("", "?period=2011-H1&limit=4&after=d-04", "?outcome=pending", "?jurisdiction=FR", "?legalProcess=SEARCH_WARRANT",
                    "?outcome=pending&receivedBefore=2011-06-10T08:00:00Z")) {
                assertThat(there.apply(q).json()).as(q).isEqualTo(ledger.getQuery("/api/demands" + q, AUDITOR).json());
            }
        }

        for (String bad : List.of("limit=0", "limit=1001", "limit=many", "outcome=won", "period=2011-H3", "jurisdiction=XX",
                "legalProcess=RUMOUR", "receivedBefore=yesterday")) {
            RunningLedger.Answer a = ledger.getQuery("/api/demands?" + bad, AUDITOR);
            assertThat(a.status()).as(bad).isEqualTo(400);
            assertThat(a.json().get("field").asText()).isEqualTo(bad.substring(0, bad.indexOf('=')));
        }
    }
}
