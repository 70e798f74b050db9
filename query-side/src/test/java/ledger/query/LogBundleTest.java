package ledger.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoCollection;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.zip.GZIPInputStream;
import ledger.access.Role;
import ledger.access.TestTokens;
import ledger.eventlog.TestMongo;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * log-bundle.md through HTTP on a small log: the head, the export (plain, gzipped, a range), the verification,
 * a published report pinning the log, the offline verifier, the import into another (empty) ledger; a bundle
 * edited in one line refused by both, and an event edited directly in MongoDB found at its position.
 */
class LogBundleTest {

    private static final String AUDITOR = TestTokens.bearer(Role.AUDITOR);
    private static RunningLedger ledger;
    private static MongoCollection<Document> commits;

    @BeforeAll
    static void start() {
        String uri = TestMongo.embedded();
        ledger = new RunningLedger(uri);
        commits = ledger.database().getCollection("event_log");
    }

    @AfterAll
    static void stop() {
        ledger.close();
    }

    static byte[] gunzip(byte[] gzipped) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped))) {
            return in.readAllBytes();
        }
    }

    private static long command(String path, String body, Role role) {
        return ledger.stored(path, body, TestTokens.bearer(role));
    }

    @Test
    void exportVerifyImportAndTamperingFoundAtItsPosition() throws Exception {
        command("/api/demands", "{\"demandId\":\"d-1\",\"receivedAt\":\"2015-08-01T00:00:00Z\",\"jurisdiction\":\"US\",\"agency\":\"FBI \\\"NY\\\" ü\","
                + "\"legalProcess\":\"SUBPOENA\",\"accounts\":[\"a@x.org\",\"b@x.org\"]}", Role.RECORDER);
        command("/api/demands", "{\"demandId\":\"d-2\",\"receivedAt\":\"2015-08-02T00:00:00Z\",\"jurisdiction\":\"US\",\"agency\":\"x\","
                + "\"legalProcess\":\"COURT_ORDER\",\"accounts\":[]}", Role.RECORDER);
        command("/api/demands/d-2/subscriber-disclosures", "{\"occurredAt\":\"2016-09-01T00:00:00Z\"}", Role.RECORDER);
        command("/api/demands/d-1/corrections", "{\"jurisdiction\":\"GB\"}", Role.LEGAL);
        long last = command("/api/demands/d-1/content-disclosures", "{\"occurredAt\":\"2016-09-03T00:00:00Z\"}", Role.ADMIN);
        assertThat(last).isEqualTo(5);
        await().atMost(Duration.ofSeconds(30)).until(() -> ledger.getQuery("/api/statistics/2015-H2").json().get("position").asLong() >= last);
        String digest = ledger.getQuery("/api/statistics/2015-H2").json().get("digest").asText();

        // rights (security.md): the auditor reads the log, the admin imports
        JsonNode head = ledger.getQuery("/api/log/head", AUDITOR).json();
        assertThat(head.get("position").asLong()).isEqualTo(5);
        assertThat(head.get("hash").asText()).matches("sha256:[0-9a-f]{64}");
        assertThat(ledger.getQuery("/api/log/head", TestTokens.bearer(Role.VIEWER)).status()).isEqualTo(403);
        assertThat(ledger.getQuery("/api/log/export", TestTokens.bearer(Role.PUBLISHER)).status()).isEqualTo(403);
        assertThat(ledger.getQuery("/api/log/head", "none").status()).isEqualTo(401);
        assertThat(ledger.postQueryBytes("/api/log/import", new byte[0], "Authorization", AUDITOR).status()).isEqualTo(403);

        // the export: NDJSON in position order, each record with its hash; gzipped on request; a range
        HttpResponse<byte[]> plain = ledger.getQueryBytes("/api/log/export", "Authorization", AUDITOR);
        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(plain.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/x-ndjson");
        byte[] bundle = plain.body();
        List<String> lines = new String(bundle, StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(5);
        HttpResponse<byte[]> gzipped = ledger.getQueryBytes("/api/log/export", "Authorization", AUDITOR, "Accept-Encoding", "gzip");
        assertThat(gzipped.headers().firstValue("Content-Encoding")).contains("gzip");
        assertThat(gunzip(gzipped.body())).isEqualTo(bundle);
        assertThat(new String(ledger.getQueryBytes("/api/log/export?from=2&to=3").body(), StandardCharsets.UTF_8))
                .isEqualTo(lines.get(1) + "\n" + lines.get(2) + "\n");
        assertThat(ledger.getQueryBytes("/api/log/export?to=6").statusCode()).isEqualTo(400);
        JsonNode first = RunningLedger.JSON.readTree(lines.get(0));
        assertThat(first.get("position").asLong()).isEqualTo(1);
        assertThat(first.get("demandId").asText()).isEqualTo("d-1");
        assertThat(first.get("sequence").asLong()).isZero();
        assertThat(first.get("type").asText()).isEqualTo("DemandReceived");
        assertThat(first.get("revision").asText()).isEqualTo("1");
        assertThat(first.get("actor").asText()).isEqualTo("recorder");
        assertThat(first.get("recordedAt").asText()).endsWith("Z");
        assertThat(first.get("payload").get("jurisdiction").asText()).isEqualTo("US");
        assertThat(first.get("payload").get("receivedAt").asText()).isEqualTo("2015-08-01T00:00:00Z");
        assertThat(first.get("payload").get("accounts")).hasSize(2).allMatch(a -> a.asText().matches("[0-9a-f]{64}"));
        JsonNode correction = RunningLedger.JSON.readTree(lines.get(3));
        assertThat(correction.get("actor").asText()).isEqualTo("legal");
        assertThat(correction.get("payload").toString()).isEqualTo("{\"demandId\":\"d-1\",\"jurisdiction\":\"GB\"}");
        assertThat(RunningLedger.JSON.readTree(lines.get(4)).get("hash").asText()).isEqualTo(head.get("hash").asText());

        // offline: the chain, the head, a period's digest, a hash of some position
        String second = RunningLedger.JSON.readTree(lines.get(1)).get("hash").asText();
        OfflineVerification offline = OfflineVerification.of(bundle, "--period", "2015-H2", "--hash", second);
        assertThat(offline.status()).as(offline.err()).isZero();
        assertThat(offline.out()).contains("position  5", "hash      " + head.get("hash").asText(), "2015-H2   " + digest,
                second + " is the hash at position 2");
        assertThat(OfflineVerification.of(bundle, "--hash", "sha256:" + "0".repeat(64)).status()).isEqualTo(1);
        assertThat(OfflineVerification.of(gzipped.body(), "--period", "2015-H2").out()).contains("2015-H2   " + digest);

        // the ledger's own verification
        JsonNode verification = ledger.getQuery("/api/log/verification", AUDITOR).json();
        assertThat(verification.get("valid").asBoolean()).isTrue();
        assertThat(verification.get("firstBrokenPosition").isNull()).isTrue();
        assertThat(verification.get("position").asLong()).isEqualTo(5);
        assertThat(verification.get("hash").asText()).isEqualTo(head.get("hash").asText());

        // a published report pins the log at its position
        JsonNode report = ledger.postQuery("/api/reports/2015-H2", TestTokens.ADMIN).json();
        long reportPosition = report.get("position").asLong();
        assertThat(report.get("logHash").asText()).isEqualTo(RunningLedger.JSON.readTree(lines.get((int) reportPosition - 1)).get("hash").asText());
        assertThat(ledger.getQuery("/api/reports/2015-H2").json().get(0).get("logHash").asText()).isEqualTo(report.get("logHash").asText());
        JsonNode reportCheck = ledger.getQuery("/api/reports/2015-H2/1/verification", AUDITOR).json();
        assertThat(reportCheck.get("matches").asBoolean()).isTrue();
        assertThat(reportCheck.get("chainValid").asBoolean()).isTrue();
        assertThat(reportCheck.get("logHash").asText()).isEqualTo(report.get("logHash").asText());

        // a bundle edited in one line (a date in its payload) is refused offline and by the import, naming the line
        byte[] edited = String.join("\n", lines).replace("2016-09-01T00:00:00Z", "2016-09-02T00:00:00Z").concat("\n").getBytes(StandardCharsets.UTF_8);
        assertThat(edited).isNotEqualTo(bundle);
        OfflineVerification refused = OfflineVerification.of(edited);
        assertThat(refused.status()).isEqualTo(1);
        assertThat(refused.err()).contains("broken at line 3");
        try (RunningLedger target = RunningLedger.querySideOnly(TestMongo.embedded())) {
            RunningLedger.Answer broken = target.postQueryBytes("/api/log/import", edited);
            assertThat(broken.status()).as(broken.body()).isEqualTo(422);
            assertThat(broken.json().get("field").asText()).isEqualTo("line 3");
            assertThat(target.getQuery("/api/log/head").json().get("position").asLong()).as("nothing stored").isZero();
            assertThat(target.getQuery("/api/log/head").json().get("hash").asText()).isEqualTo("sha256:" + "0".repeat(64));

            // the bundle as exported goes in whole: the same positions and hashes, the same figures once projected
            RunningLedger.Answer imported = target.postQueryBytes("/api/log/import", gzipped.body());
            assertThat(imported.status()).as(imported.body()).isEqualTo(201);
            assertThat(imported.json().get("position").asLong()).isEqualTo(5);
            assertThat(imported.json().get("hash").asText()).isEqualTo(head.get("hash").asText());
            assertThat(target.getQuery("/api/log/head").json()).isEqualTo(head);
            assertThat(target.getQuery("/api/log/verification").json().get("valid").asBoolean()).isTrue();
            assertThat(target.getQueryBytes("/api/log/export").body()).isEqualTo(bundle);
            await().atMost(Duration.ofSeconds(30)).until(() -> digest.equals(target.getQuery("/api/statistics/2015-H2").json().get("digest").asText()));
            JsonNode history = target.getQuery("/api/demands/d-1").json().get("history");
            assertThat(history.findValuesAsText("actor")).containsExactly("recorder", "legal", "admin");
            assertThat(target.postQueryBytes("/api/log/import", bundle).status()).as("into a ledger that is not empty").isEqualTo(409);
        }

        // an event edited directly in MongoDB (a date in its payload) is found at its position
        Document commit = commits.find(new Document("_id", 3L)).first();
        Document event = commit.getList("events", Document.class).get(0);
        event.put("payload", event.getString("payload").replace("2016-09-01", "2016-08-31"));
        commits.replaceOne(new Document("_id", 3L), commit);
        JsonNode tampered = ledger.getQuery("/api/log/verification", AUDITOR).json();
        assertThat(tampered.get("valid").asBoolean()).isFalse();
        assertThat(tampered.get("firstBrokenPosition").asLong()).isEqualTo(3);
        assertThat(ledger.getQuery("/api/log/verification?to=2", AUDITOR).json().get("valid").asBoolean()).isTrue();
        JsonNode reportAfter = ledger.getQuery("/api/reports/2015-H2/1/verification", AUDITOR).json();
        assertThat(reportAfter.get("chainValid").asBoolean()).isFalse();
        // exported now, the line of the edited event no longer matches its hash
        OfflineVerification exportedAfter = OfflineVerification.of(ledger.getQueryBytes("/api/log/export").body());
        assertThat(exportedAfter.status()).isEqualTo(1);
        assertThat(exportedAfter.err()).contains("broken at line 3");
    }
}
