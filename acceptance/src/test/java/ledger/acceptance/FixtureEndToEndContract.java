package ledger.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import ledger.query.OfflineVerification;
import ledger.query.RunningLedger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A fixture's operator log sent one command at a time through the command API: every table the fixture
 * expects (per jurisdiction, by legal process whole and narrowed, the national-security report, the handling
 * table) must come out of the query API byte for byte, with the expected CSV's SHA-256 as its digest, after the
 * ingest and after each of two replays; an audit of the projection agrees with a recount of the log. The period
 * is the one the fixture's demand ids start with, as the acceptance client reads it.
 */
abstract class FixtureEndToEndContract {

    abstract String mongoUri();

    @ParameterizedTest
    @ValueSource(strings = {"microsoft-lerr-2014-h1", "microsoft-lerr-2014-h1-tricky", "national-security-2014-h1", "tracking-2025-h2"})
    void reproducesEveryExpectedTableByteForByte(String fixture) throws Exception {
        String period = period(fixture);
        Map<String, String> expected = expectedTables(fixture, period);
        try (RunningLedger ledger = new RunningLedger(mongoUri())) {
            long last = Fixtures.load(ledger, fixture, 8);
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
                    .until(() -> ledger.getQuery("/api/statistics/" + period).json().get("position").asLong() >= last);
            assertEveryTable(ledger, expected);

            String expectedCsv = expected.get("/api/statistics/" + period + ".csv");
            String[] total = expectedCsv.substring(expectedCsv.lastIndexOf("\nTOTAL,") + 1).trim().split(",");
            JsonNode json = ledger.getQuery("/api/statistics/" + period).json();
            assertThat(json.get("total").get("requests").asText()).isEqualTo(total[1]);
            assertThat(json.get("total").get("contentPct").decimalValue()).isEqualByComparingTo(total[8]);
            assertThat(json.get("rows").size()).isEqualTo(expectedCsv.split("\n").length - 2);

            JsonNode audit = ledger.getQuery("/api/audits/" + period).json();
            assertThat(audit.get("matches").asBoolean()).as(audit.toString()).isTrue();
            assertThat(audit.get("recomputedDigest").asText()).isEqualTo(sha256(expectedCsv));
            assertThat(audit.get("tables").get("legal-process").get("matches").asBoolean()).isTrue();
            assertThat(audit.get("tables").get("national-security").get("matches").asBoolean()).isTrue();
            assertThat(audit.get("tables").get("handling").get("matches").asBoolean()).isTrue();
            String handlingPath = "/api/statistics/" + period + "/handling.csv";
            if (expected.containsKey(handlingPath)) {
                assertThat(audit.get("tables").get("handling").get("recomputedDigest").asText()).as("the audit's handling table")
                        .isEqualTo(sha256(expected.get(handlingPath)));
                // counting rule 12: as of the head, recounted from the log, the same table
                assertThat(ledger.getQuery(handlingPath + "?asOf=" + last).body()).isEqualTo(expected.get(handlingPath));
            }

            for (int replay = 1; replay <= 2; replay++) {
                int number = replay;
                assertThat(ledger.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(ledger.queries + "/api/replays"))
                        .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build()).status()).isEqualTo(202);
                await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250)).until(() -> {
                    JsonNode latest = ledger.getQuery("/api/replays/latest").json();
                    return latest.get("number").asInt() == number && "FINISHED".equals(latest.get("state").asText());
                });
                await().atMost(Duration.ofSeconds(5)).until(() -> ledger.getQuery("/api/statistics/" + period + ".csv").body().equals(expectedCsv));
                assertEveryTable(ledger, expected);
            }

            // log-bundle.md: the log leaves as a bundle, verifies offline with the same digest, and moves whole into
            // another ledger (an empty one: another database, and a real MongoDB where Docker is)
            JsonNode head = ledger.getQuery("/api/log/head").json();
            assertThat(head.get("position").asLong()).isEqualTo(last);
            assertThat(ledger.getQuery("/api/log/verification").json().get("valid").asBoolean()).isTrue();
            java.net.http.HttpResponse<byte[]> bundle = ledger.getQueryBytes("/api/log/export", "Accept-Encoding", "gzip");
            assertThat(bundle.statusCode()).isEqualTo(200);
            OfflineVerification offline = OfflineVerification.of(bundle.body(), "--period", period, "--hash", head.get("hash").asText());
            assertThat(offline.status()).as(offline.err()).isZero();
            assertThat(offline.out()).contains("position  " + last, "hash      " + head.get("hash").asText(), period + "   " + sha256(expectedCsv));
            if (expected.containsKey(handlingPath)) {
                assertThat(offline.out()).contains(period + " handling   " + sha256(expected.get(handlingPath)));
            }
            for (String target : importTargets()) {
                try (RunningLedger moved = RunningLedger.querySideOnly(target)) {
                    RunningLedger.Answer imported = moved.postQueryBytes("/api/log/import", bundle.body());
                    assertThat(imported.status()).as(imported.body()).isEqualTo(201);
                    assertThat(imported.json()).isEqualTo(head);
                    assertThat(moved.getQuery("/api/log/head").json()).isEqualTo(head);
                    await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250))
                            .until(() -> moved.getQuery("/api/statistics/" + period + ".csv").body().equals(expectedCsv));
                    assertThat(moved.getQuery("/api/statistics/" + period).json().get("digest").asText()).isEqualTo(sha256(expectedCsv));
                    if (expected.containsKey(handlingPath)) {
                        assertThat(moved.getQuery(handlingPath).body()).isEqualTo(expected.get(handlingPath));
                    }
                }
            }
        }
    }

    /** Each table's CSV byte for byte (as text/csv), and its JSON's digest the SHA-256 of the expected CSV. */
    private static void assertEveryTable(RunningLedger ledger, Map<String, String> expected) throws Exception {
        for (Map.Entry<String, String> table : expected.entrySet()) {
            RunningLedger.Answer csv = ledger.getQuery(table.getKey());
            assertThat(csv.status()).as(table.getKey()).isEqualTo(200);
            assertThat(csv.headers().get("content-type").get(0)).startsWith("text/csv");
            assertThat(csv.body()).as(table.getKey()).isEqualTo(table.getValue());
            JsonNode json = ledger.getQuery(table.getKey().replace(".csv", "")).json();
            assertThat(json.get("digest").asText()).as(table.getKey()).isEqualTo(sha256(table.getValue()));
        }
    }

    /**
     * The fixture's expected tables by the path that answers each: {@code expected.csv} the per-jurisdiction
     * table, {@code expected.legal-process.csv} the table by legal process, {@code expected.legal-process-CC.csv}
     * the same narrowed to CC, {@code expected.national-security.csv} the national-security report,
     * {@code expected.handling.csv} the handling table.
     */
    private static Map<String, String> expectedTables(String fixture, String period) throws IOException, URISyntaxException {
        Map<String, String> tables = new LinkedHashMap<>();
        List<Path> files;
        try (Stream<Path> listing = Files.list(Path.of(Fixtures.class.getResource("/fixtures/" + fixture).toURI()))) {
            files = listing.filter(p -> p.getFileName().toString().matches("expected.*\\.csv")).sorted().toList();
        }
        for (Path file : files) {
            String name = file.getFileName().toString();
            String path;
            if (name.equals("expected.csv")) {
                path = "/api/statistics/" + period + ".csv";
            } else if (name.equals("expected.legal-process.csv")) {
                path = "/api/statistics/" + period + "/legal-process.csv";
            } else if (name.matches("expected\\.legal-process-[A-Z]{2}\\.csv")) {
                path = "/api/statistics/" + period + "/legal-process.csv?jurisdiction=" + name.substring(23, 25);
            } else if (name.equals("expected.national-security.csv")) {
                path = "/api/statistics/" + period + "/national-security.csv";
            } else if (name.equals("expected.handling.csv")) {
                path = "/api/statistics/" + period + "/handling.csv";
            } else {
                throw new IllegalStateException("a fixture table this test does not know: " + name);
            }
            tables.put(path, Files.readString(file, StandardCharsets.UTF_8));
        }
        assertThat(tables).containsKey("/api/statistics/" + period + ".csv");
        return tables;
    }

    /** The period the fixture's first demand id starts with ({@code 2014-H1-US-00017}: 2014-H1). */
    private static String period(String fixture) throws IOException {
        try (java.io.BufferedReader reader = new java.io.BufferedReader(new java.io.InputStreamReader(
                new java.util.zip.GZIPInputStream(Fixtures.resource(fixture + "/commands.jsonl.gz")), StandardCharsets.UTF_8))) {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(reader.readLine()).get("demandId").asText().substring(0, 7);
        }
    }

    private static String sha256(String text) throws Exception {
        return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** Where a bundle of the log is imported: an empty database of the same kind. */
    java.util.List<String> importTargets() {
        return java.util.List.of(mongoUri());
    }
}
