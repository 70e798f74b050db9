package ledger.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Microsoft's published 2014-H1 table, as 34,494 demands sent one command at a time through the command API,
 * must come out of the query API byte for byte, with the expected CSV's SHA-256 as its digest.
 */
abstract class FixtureEndToEndContract {

    abstract String mongoUri();

    @ParameterizedTest
    @ValueSource(strings = {"microsoft-lerr-2014-h1", "microsoft-lerr-2014-h1-tricky"})
    void reproducesMicrosoftsFiguresByteForByte(String fixture) throws Exception {
        String expected = RunningLedger.text(fixture + "/expected.csv");
        String digest = "sha256:" + HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(expected.getBytes(StandardCharsets.UTF_8)));
        try (RunningLedger ledger = new RunningLedger(mongoUri())) {
            long last = ledger.load(fixture, 8);
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
                    .until(() -> ledger.getQuery("/api/statistics/2014-H1").json().get("position").asLong() >= last);
            RunningLedger.Answer csv = ledger.getQuery("/api/statistics/2014-H1.csv");
            assertThat(csv.status()).isEqualTo(200);
            assertThat(csv.headers().get("content-type").get(0)).startsWith("text/csv");
            assertThat(csv.body()).isEqualTo(expected);
            JsonNode json = ledger.getQuery("/api/statistics/2014-H1").json();
            assertThat(json.get("digest").asText()).isEqualTo(digest);
            assertThat(json.get("total").get("requests").asLong()).isEqualTo(34_494);
            assertThat(json.get("total").get("contentPct").decimalValue()).isEqualByComparingTo("2.62");
            assertThat(json.get("rows").size()).isEqualTo(expected.split("\n").length - 2);

            JsonNode audit = ledger.getQuery("/api/audits/2014-H1").json();
            assertThat(audit.get("matches").asBoolean()).isTrue();
            assertThat(audit.get("recomputedDigest").asText()).isEqualTo(digest);

            for (int replay = 1; replay <= 2; replay++) {
                int number = replay;
                assertThat(ledger.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(ledger.queries + "/api/replays"))
                        .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build()).status()).isEqualTo(202);
                await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250)).until(() -> {
                    JsonNode latest = ledger.getQuery("/api/replays/latest").json();
                    return latest.get("number").asInt() == number && "FINISHED".equals(latest.get("state").asText());
                });
                await().atMost(Duration.ofSeconds(5)).until(() -> ledger.getQuery("/api/statistics/2014-H1.csv").body().equals(expected));
                assertThat(ledger.getQuery("/api/statistics/2014-H1").json().get("digest").asText()).isEqualTo(digest);
            }

            // log-bundle.md: the log leaves as a bundle, verifies offline with the same digest, and moves whole into
            // another ledger (an empty one: another database, and a real MongoDB where Docker is)
            JsonNode head = ledger.getQuery("/api/log/head").json();
            assertThat(head.get("position").asLong()).isEqualTo(last);
            assertThat(ledger.getQuery("/api/log/verification").json().get("valid").asBoolean()).isTrue();
            java.net.http.HttpResponse<byte[]> bundle = ledger.getQueryBytes("/api/log/export", "Accept-Encoding", "gzip");
            assertThat(bundle.statusCode()).isEqualTo(200);
            LogBundleTest.Verified offline = LogBundleTest.verifyOffline(bundle.body(), "--period", "2014-H1", "--hash", head.get("hash").asText());
            assertThat(offline.status()).as(offline.err()).isZero();
            assertThat(offline.out()).contains("position  " + last, "hash      " + head.get("hash").asText(), "2014-H1   " + digest);
            for (String target : importTargets()) {
                try (RunningLedger moved = RunningLedger.querySideOnly(target)) {
                    RunningLedger.Answer imported = moved.postQueryBytes("/api/log/import", bundle.body());
                    assertThat(imported.status()).as(imported.body()).isEqualTo(201);
                    assertThat(imported.json()).isEqualTo(head);
                    assertThat(moved.getQuery("/api/log/head").json()).isEqualTo(head);
                    await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250))
                            .until(() -> moved.getQuery("/api/statistics/2014-H1.csv").body().equals(expected));
                    assertThat(moved.getQuery("/api/statistics/2014-H1").json().get("digest").asText()).isEqualTo(digest);
                }
            }
        }
    }

    /** Where a bundle of the log is imported: an empty database of the same kind. */
    java.util.List<String> importTargets() {
        return java.util.List.of(mongoUri());
    }
}
