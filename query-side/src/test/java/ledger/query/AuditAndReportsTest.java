package ledger.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoDatabase;
import java.time.Duration;
import ledger.access.TestTokens;
import ledger.eventlog.TestMongo;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Figures as of a position, audits, and published reports (counting rules 12-14), through HTTP on a small
 * log: publish, correct a demand to another jurisdiction, then today's figures changed, the published version
 * still verifies, the restatement names the demand; and an audit catches a tampered projection.
 */
class AuditAndReportsTest {

    private static RunningLedger ledger;
    private static MongoDatabase database;

    @BeforeAll
    static void start() {
        String uri = TestMongo.embedded();
        ledger = new RunningLedger(uri);
        database = ledger.database();
    }

    @AfterAll
    static void stop() {
        ledger.close();
    }

    private static long receive(String id, String jurisdiction, String period) {
        String at = period.substring(0, 4) + (period.endsWith("H1") ? "-02-01T00:00:00Z" : "-08-01T00:00:00Z");
        return ledger.stored("/api/demands", "{\"demandId\":\"" + id + "\",\"receivedAt\":\"" + at
                + "\",\"jurisdiction\":\"" + jurisdiction + "\",\"agency\":\"x\",\"legalProcess\":\"SUBPOENA\",\"accounts\":[\"" + id + "@x.org\"]}",
                TestTokens.ADMIN);
    }

    private static long dispose(String id, String what) {
        return ledger.stored("/api/demands/" + id + "/" + what, "{\"occurredAt\":\"2016-09-01T00:00:00Z\"}", TestTokens.ADMIN);
    }

    private static JsonNode waitFor(String period, long position) {
        await().atMost(Duration.ofSeconds(30)).until(() -> ledger.getQuery("/api/statistics/" + period).json().get("position").asLong() >= position);
        return ledger.getQuery("/api/statistics/" + period).json();
    }

    @Test
    void publishCorrectVerifyAndRestate() {
        receive("r-1", "US", "2015-H2");
        receive("r-2", "US", "2015-H2");
        long last = dispose("r-2", "subscriber-disclosures");
        JsonNode published = waitFor("2015-H2", last);

        RunningLedger.Answer report = ledger.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(ledger.queries + "/api/reports/2015-H2"))
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build());
        assertThat(report.status()).isEqualTo(201);
        assertThat(report.json().get("version").asInt()).isEqualTo(1);
        assertThat(report.json().get("digest").asText()).isEqualTo(published.get("digest").asText());
        assertThat(report.json().get("position").asLong()).isGreaterThanOrEqualTo(last);

        RunningLedger.Answer correction = ledger.post("/api/demands/r-1/corrections", "{\"jurisdiction\":\"GB\"}");
        assertThat(correction.status()).isEqualTo(201);
        JsonNode today = waitFor("2015-H2", correction.json().get("position").asLong());
        assertThat(today.get("digest").asText()).isNotEqualTo(published.get("digest").asText());
        assertThat(today.get("rows").get(0).get("jurisdiction").asText()).isEqualTo("GB");

        JsonNode versions = ledger.getQuery("/api/reports/2015-H2").json();
        assertThat(versions.size()).isEqualTo(1);
        assertThat(versions.get(0).get("digest").asText()).isEqualTo(published.get("digest").asText());

        JsonNode verification = ledger.getQuery("/api/reports/2015-H2/1/verification").json();
        assertThat(verification.get("matches").asBoolean()).isTrue();
        assertThat(verification.get("recomputedDigest").asText()).isEqualTo(published.get("digest").asText());

        JsonNode restatement = ledger.getQuery("/api/reports/2015-H2/1/restatement").json();
        assertThat(restatement.get("currentDigest").asText()).isEqualTo(today.get("digest").asText());
        assertThat(restatement.get("changes").size()).isEqualTo(1);
        JsonNode change = restatement.get("changes").get(0);
        assertThat(change.get("demandId").asText()).isEqualTo("r-1");
        assertThat(change.get("before").get("jurisdiction").asText()).isEqualTo("US");
        assertThat(change.get("after").get("jurisdiction").asText()).isEqualTo("GB");

        assertThat(ledger.getQuery("/api/reports/2015-H2/9/verification").status()).isEqualTo(404);
        assertThat(ledger.getQuery("/api/reports/2015-H9").status()).isEqualTo(400);
    }

    @Test
    void figuresAsOfAPositionIncludeExactlyTheEventsUpToIt() {
        long first = receive("a-1", "FR", "2016-H1");
        long second = dispose("a-1", "content-disclosures");
        waitFor("2016-H1", second);
        JsonNode before = ledger.getQuery("/api/statistics/2016-H1?asOf=" + first).json();
        assertThat(before.get("position").asLong()).isEqualTo(first);
        assertThat(before.get("total").get("pending").asLong()).isEqualTo(1);
        assertThat(before.get("total").get("content").asLong()).isZero();
        String csvAfter = ledger.getQuery("/api/statistics/2016-H1.csv?asOf=" + second).body();
        assertThat(csvAfter).contains("FR,1,1,1,0,0,0,0,100.00,0.00,0.00,0.00");
        assertThat(ledger.getQuery("/api/statistics/2016-H1.csv?asOf=0").body())
                .isEqualTo(ledger.getQuery("/api/statistics/1999-H1.csv").body());
        assertThat(ledger.getQuery("/api/statistics/2015-H1?asOf=-1").status()).isEqualTo(400);
        assertThat(ledger.getQuery("/api/statistics/2015-H1?asOf=x").status()).isEqualTo(400);
    }

    @Test
    void anAuditMatchesAndCatchesATamperedProjection() {
        receive("t-1", "DE", "2015-H1");
        receive("t-2", "DE", "2015-H1");
        long last = dispose("t-2", "no-data-found");
        waitFor("2015-H1", last);
        JsonNode audit = ledger.getQuery("/api/audits/2015-H1").json();
        assertThat(audit.get("matches").asBoolean()).as(audit.toString()).isTrue();
        assertThat(audit.get("projectedDigest").asText()).isEqualTo(audit.get("recomputedDigest").asText());

        // someone edits the projection directly: demand t-1 now looks rejected
        String generation = "g1";
        database.getCollection("figures_" + generation + "_demands")
                .updateOne(new Document("_id", "t-1"), new Document("$set", new Document("r", true)));
        database.getCollection("figures_" + generation + "_rows")
                .updateOne(new Document("_id", "2015-H1|DE"), new Document("$inc", new Document("rejected", 1).append("pending", -1)));
        JsonNode tampered = ledger.getQuery("/api/audits/2015-H1").json();
        assertThat(tampered.get("matches").asBoolean()).isFalse();
        assertThat(tampered.get("differences").toString()).contains("t-1");
        assertThat(tampered.get("differences").get(0).get("projected").get("outcome").asText()).isEqualTo("REJECTED");
        assertThat(tampered.get("differences").get(0).get("recomputed").get("outcome").asText()).isEqualTo("PENDING");
        assertThat(tampered.get("rowDifferences").toString()).contains("DE");
    }
}
