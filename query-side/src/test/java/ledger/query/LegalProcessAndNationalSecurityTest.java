package ledger.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import ledger.access.TestTokens;
import ledger.eventlog.TestMongo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The tables by legal process and the national-security report through HTTP (counting rules 15-17), on a small
 * log: a correction moves a demand between the tables and the report as a recount says (and a published
 * version, its verification and restatement follow), distinct accounts at the edges of their bands, and the
 * reporting delay on either side of its day by the query side's clock.
 */
class LegalProcessAndNationalSecurityTest {

    private static final String LP_HEADER = "legalProcess,requests,accounts,content,subscriberOnly,noDataFound,rejected,"
            + "pending,contentPct,subscriberOnlyPct,noDataFoundPct,rejectedPct\n";

    private static RunningLedger ledger;
    private static TestClock clock;

    @BeforeAll
    static void start() {
        ledger = new RunningLedger(TestMongo.embedded(), TestClock.QUERY_SIDE_PROPERTY);
        clock = ledger.querySide.getBean(TestClock.class);
    }

    @AfterAll
    static void stop() {
        ledger.close();
    }

    @AfterEach
    void systemTime() {
        clock.set(null);
    }

    private static List<String> accounts(String prefix, int from, int to) {
        List<String> accounts = new ArrayList<>();
        for (int i = from; i < to; i++) {
            accounts.add(prefix + i + "@example.org");
        }
        return accounts;
    }

    private static long receive(String id, String receivedAt, String jurisdiction, String process, List<String> accounts) {
        return ledger.stored("/api/demands", "{\"demandId\":\"" + id + "\",\"receivedAt\":\"" + receivedAt
                + "\",\"jurisdiction\":\"" + jurisdiction + "\",\"agency\":\"x\",\"legalProcess\":\"" + process + "\",\"accounts\":"
                + json(accounts) + "}", TestTokens.ADMIN);
    }

    private static long command(String path, String body) {
        return ledger.stored(path, body, TestTokens.ADMIN);
    }

    private static String json(List<String> values) {
        try {
            return RunningLedger.JSON.writeValueAsString(values);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void waitFor(String period, long position) {
        await().atMost(Duration.ofSeconds(30)).until(() -> ledger.getQuery("/api/statistics/" + period).json().get("position").asLong() >= position);
    }

    private static String csv(String path) {
        RunningLedger.Answer a = ledger.getQuery(path);
        assertThat(a.status()).as(path + ": " + a.body()).isEqualTo(200);
        return a.body();
    }

    private static RunningLedger.Answer postQuery(String path) {
        return ledger.send(HttpRequest.newBuilder(URI.create(ledger.queries + path)).POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    @Test
    void aCorrectionMovesADemandOutOfTheTablesIntoTheNationalSecurityReport() {
        receive("c-1", "2019-03-01T00:00:00Z", "US", "SUBPOENA", accounts("c", 0, 500));
        receive("c-2", "2019-03-01T00:00:00Z", "DE", "COURT_ORDER", accounts("d", 0, 1));
        receive("c-3", "2019-03-01T00:00:00Z", "US", "SUBPOENA", accounts("c", 0, 1));
        long before = command("/api/demands/c-3/subscriber-disclosures", "{\"occurredAt\":\"2019-04-01T00:00:00Z\"}");
        waitFor("2019-H1", before);
        String wholeBefore = csv("/api/statistics/2019-H1/legal-process.csv");
        assertThat(wholeBefore).isEqualTo(LP_HEADER
                + "SUBPOENA,2,500,0,1,0,0,1,0.00,50.00,0.00,0.00\n"
                + "COURT_ORDER,1,1,0,0,0,0,1,0.00,0.00,0.00,0.00\n"
                + "TOTAL,3,501,0,1,0,0,2,0.00,33.33,0.00,0.00\n");
        assertThat(csv("/api/statistics/2019-H1/national-security.csv"))
                .isEqualTo("kind,requests,accounts\nNATIONAL_SECURITY_LETTER,0-499,0-499\nFISA_ORDER,0-499,0-499\n");
        JsonNode published = postQuery("/api/reports/2019-H1").json();
        assertThat(published.get("digests").get("legal-process").asText())
                .isEqualTo(ledger.getQuery("/api/statistics/2019-H1/legal-process").json().get("digest").asText());
        assertThat(published.get("digests").get("legal-process-US").asText())
                .isEqualTo(ledger.getQuery("/api/statistics/2019-H1/legal-process?jurisdiction=US").json().get("digest").asText());
        assertThat(published.get("digests").has("legal-process-DE")).isTrue();
        assertThat(published.get("digests").get("national-security").asText())
                .isEqualTo(ledger.getQuery("/api/statistics/2019-H1/national-security").json().get("digest").asText());

        long corrected = command("/api/demands/c-1/corrections", "{\"legalProcess\":\"NATIONAL_SECURITY_LETTER\"}");
        waitFor("2019-H1", corrected);
        // out of both tables (c-3 still names c0, so the US rows keep that one account)
        assertThat(csv("/api/statistics/2019-H1/legal-process.csv")).isEqualTo(LP_HEADER
                + "SUBPOENA,1,1,0,1,0,0,0,0.00,100.00,0.00,0.00\n"
                + "COURT_ORDER,1,1,0,0,0,0,1,0.00,0.00,0.00,0.00\n"
                + "TOTAL,2,2,0,1,0,0,1,0.00,50.00,0.00,0.00\n");
        assertThat(csv("/api/statistics/2019-H1/legal-process.csv?jurisdiction=US")).isEqualTo(LP_HEADER
                + "SUBPOENA,1,1,0,1,0,0,0,0.00,100.00,0.00,0.00\n"
                + "TOTAL,1,1,0,1,0,0,0,0.00,100.00,0.00,0.00\n");
        assertThat(csv("/api/statistics/2019-H1.csv")).contains("\nUS,1,1,0,1,0,0,0,").contains("\nTOTAL,2,2,");
        // into the report: its 500 accounts cross a band edge
        JsonNode report = ledger.getQuery("/api/statistics/2019-H1/national-security").json();
        assertThat(report.get("rows").get(0).get("kind").asText()).isEqualTo("NATIONAL_SECURITY_LETTER");
        assertThat(report.get("rows").get(0).get("requests").asText()).isEqualTo("0-499");
        assertThat(report.get("rows").get(0).get("accounts").asText()).isEqualTo("500-999");
        assertThat(report.get("position").asLong()).isGreaterThanOrEqualTo(corrected);

        // as of the position before the correction: the tables as they were, as published
        assertThat(csv("/api/statistics/2019-H1/legal-process.csv?asOf=" + before)).isEqualTo(wholeBefore);
        assertThat(ledger.getQuery("/api/statistics/2019-H1/national-security?asOf=" + before).json().get("digest").asText())
                .isEqualTo(published.get("digests").get("national-security").asText());

        JsonNode verification = ledger.getQuery("/api/reports/2019-H1/1/verification").json();
        assertThat(verification.get("matches").asBoolean()).as(verification.toString()).isTrue();
        assertThat(verification.get("recomputedDigests")).isEqualTo(published.get("digests"));
        JsonNode restatement = ledger.getQuery("/api/reports/2019-H1/1/restatement").json();
        assertThat(restatement.get("changes").size()).isEqualTo(1);
        assertThat(restatement.get("changes").get(0).get("demandId").asText()).isEqualTo("c-1");
        assertThat(restatement.get("changes").get(0).get("before").get("legalProcess").asText()).isEqualTo("SUBPOENA");
        assertThat(restatement.get("changes").get(0).get("after").get("legalProcess").asText()).isEqualTo("NATIONAL_SECURITY_LETTER");
        assertThat(restatement.get("currentDigests").get("legal-process").asText())
                .isEqualTo(ledger.getQuery("/api/statistics/2019-H1/legal-process").json().get("digest").asText());
        assertThat(restatement.get("currentDigests").get("national-security").asText()).isEqualTo(report.get("digest").asText());

        JsonNode audit = ledger.getQuery("/api/audits/2019-H1").json();
        assertThat(audit.get("matches").asBoolean()).as(audit.toString()).isTrue();

        // and out again, under another ordinary process: back in both tables with its accounts
        long back = command("/api/demands/c-1/corrections", "{\"legalProcess\":\"EMERGENCY\"}");
        waitFor("2019-H1", back);
        assertThat(csv("/api/statistics/2019-H1/legal-process.csv?jurisdiction=US")).isEqualTo(LP_HEADER
                + "SUBPOENA,1,1,0,1,0,0,0,0.00,100.00,0.00,0.00\n"
                + "EMERGENCY,1,500,0,0,0,0,1,0.00,0.00,0.00,0.00\n"
                + "TOTAL,2,501,0,1,0,0,1,0.00,50.00,0.00,0.00\n");
        assertThat(csv("/api/statistics/2019-H1/national-security.csv")).contains("NATIONAL_SECURITY_LETTER,0-499,0-499\n");
    }

    /** Distinct accounts at 499, 500, 999 and 1,000, and one account named twice in other spellings. */
    @Test
    void distinctAccountsAtTheEdgesOfTheirBands() {
        long at = receive("b-1", "2019-08-01T00:00:00Z", "US", "NATIONAL_SECURITY_LETTER", accounts("n", 0, 499));
        waitFor("2019-H2", at);
        assertThat(csv("/api/statistics/2019-H2/national-security.csv")).contains("NATIONAL_SECURITY_LETTER,0-499,0-499\n");
        at = command("/api/demands/b-1/corrections", "{\"accounts\":" + json(accounts("n", 0, 500)) + "}");
        waitFor("2019-H2", at);
        assertThat(csv("/api/statistics/2019-H2/national-security.csv")).contains("NATIONAL_SECURITY_LETTER,0-499,500-999\n");

        receive("b-2", "2019-08-01T00:00:00Z", "US", "FISA_ORDER", accounts("f", 0, 999));
        // the same accounts again, in other spellings: still 999 distinct
        List<String> respelled = accounts(" F", 0, 999).stream().map(a -> a.toUpperCase(java.util.Locale.ROOT) + " ").toList();
        at = receive("b-3", "2019-08-02T00:00:00Z", "GB", "FISA_ORDER", respelled);
        waitFor("2019-H2", at);
        assertThat(csv("/api/statistics/2019-H2/national-security.csv")).isEqualTo("kind,requests,accounts\n"
                + "NATIONAL_SECURITY_LETTER,0-499,500-999\nFISA_ORDER,0-499,500-999\n");
        at = command("/api/demands/b-3/corrections", "{\"accounts\":" + json(accounts("f", 0, 1000)) + "}");
        waitFor("2019-H2", at);
        assertThat(csv("/api/statistics/2019-H2/national-security.csv")).contains("FISA_ORDER,0-499,1000-1499\n");
        // national-security demands are in neither table
        assertThat(csv("/api/statistics/2019-H2.csv")).endsWith("\nTOTAL,0,0,0,0,0,0,0,,,,\n");
        assertThat(csv("/api/statistics/2019-H2/legal-process.csv")).isEqualTo(LP_HEADER + "TOTAL,0,0,0,0,0,0,0,,,,\n");
        JsonNode audit = ledger.getQuery("/api/audits/2019-H2").json();
        assertThat(audit.get("matches").asBoolean()).as(audit.toString()).isTrue();
    }

    /** 2014-H1 ended at 2014-07-01T00:00Z: its report may be shown from 2014-12-28T00:00Z, not a moment before. */
    @Test
    void theReportIsRefusedUntil180DaysAfterThePeriodEnded() {
        assertThat(postQuery("/api/reports/2014-H1").status()).isEqualTo(201);

        clock.set(Instant.parse("2014-12-27T23:59:59.999Z"));
        for (String path : List.of("/api/statistics/2014-H1/national-security", "/api/statistics/2014-H1/national-security.csv")) {
            RunningLedger.Answer refused = ledger.getQuery(path);
            assertThat(refused.status()).as(path).isEqualTo(409);
            assertThat(refused.headers().get("content-type").get(0)).startsWith("application/problem+json");
            assertThat(refused.json().get("availableFrom").asText()).isEqualTo("2014-12-28");
        }
        // nothing that would give the bands away before then: not the digest of a published version, nor an audit's
        JsonNode version = ledger.getQuery("/api/reports/2014-H1").json().get(0);
        assertThat(version.get("digests").has("national-security")).isFalse();
        assertThat(version.get("digests").has("legal-process")).isTrue();
        assertThat(version.get("nationalSecurityAvailableFrom").asText()).isEqualTo("2014-12-28");
        JsonNode audit = ledger.getQuery("/api/audits/2014-H1").json().get("tables").get("national-security");
        assertThat(audit.has("projectedDigest")).isFalse();
        assertThat(audit.get("availableFrom").asText()).isEqualTo("2014-12-28");

        clock.set(Instant.parse("2014-12-28T00:00:00Z"));
        assertThat(csv("/api/statistics/2014-H1/national-security.csv"))
                .isEqualTo("kind,requests,accounts\nNATIONAL_SECURITY_LETTER,0-499,0-499\nFISA_ORDER,0-499,0-499\n");
        version = ledger.getQuery("/api/reports/2014-H1").json().get(0);
        assertThat(version.get("digests").get("national-security").asText())
                .isEqualTo(ledger.getQuery("/api/statistics/2014-H1/national-security").json().get("digest").asText());
        assertThat(version.has("nationalSecurityAvailableFrom")).isFalse();
    }

    @Test
    void aNarrowedTableOfAJurisdictionWithoutDemandsIsItsTotalAloneAndBadRequestsAre400() {
        assertThat(csv("/api/statistics/2017-H1/legal-process.csv?jurisdiction=NL")).isEqualTo(LP_HEADER + "TOTAL,0,0,0,0,0,0,0,,,,\n");
        JsonNode empty = ledger.getQuery("/api/statistics/2017-H1/legal-process?jurisdiction=NL").json();
        assertThat(empty.get("jurisdiction").asText()).isEqualTo("NL");
        assertThat(empty.get("rows").size()).isZero();
        assertThat(empty.get("total").get("legalProcess").asText()).isEqualTo("TOTAL");
        assertThat(empty.get("total").get("contentPct").isNull()).isTrue();
        assertThat(ledger.getQuery("/api/statistics/2017-H1/legal-process").json().get("jurisdiction").isNull()).isTrue();
        for (String path : List.of("/api/statistics/2017-H1/legal-process?jurisdiction=XX", "/api/statistics/2017-H1/legal-process?jurisdiction=nl")) {
            RunningLedger.Answer refused = ledger.getQuery(path);
            assertThat(refused.status()).as(path).isEqualTo(400);
            assertThat(refused.json().get("field").asText()).isEqualTo("jurisdiction");
        }
        assertThat(ledger.getQuery("/api/statistics/2017-H3/legal-process").status()).isEqualTo(400);
        assertThat(ledger.getQuery("/api/statistics/2017-H1/national-security.csv?asOf=-1").status()).isEqualTo(400);
        assertThat(ledger.getQuery("/api/statistics/2017-H1/national-security?asOf=x").status()).isEqualTo(400);
    }
}
