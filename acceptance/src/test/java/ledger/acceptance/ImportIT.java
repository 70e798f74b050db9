package ledger.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code ./run import} (operations.md) from the packaged command-side jar, against the three processes of the
 * embedded default on a new data folder (its token the admin's, from {@code DATA_DIR/admin.token}, as on
 * {@code ./run}): a log killed with SIGKILL in the middle of its import and imported again is stored once, every
 * line, with the figures it should give; imported once more (gzipped or not) it stores nothing; a refused line is
 * named with its number and problem while the others are stored; a token the ledger does not know, or no ledger,
 * stops it with a status that says so. The national-security fixture is the log, its rejections given the
 * {@code reason} api.md requires (FixtureCommands does the same). Everything is in {@code target/import}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ImportIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FIXTURE = "national-security-2014-h1";
    private static final Pattern SUMMARY = Pattern.compile(
            "import: done: ([\\d,]+) of ([\\d,]+) lines in .*: ([\\d,]+) stored, ([\\d,]+) already stored, ([\\d,]+) refused");

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private PackagedLedger ledger;
    private Path gzipped;
    private Path plain;
    private int lines;
    private int runs;

    @BeforeAll
    void start() throws Exception {
        ledger = new PackagedLedger("import", false);
        ledger.startServer();
        ledger.startSides();
        List<String> commands = Fixtures.operatorLog(FIXTURE);
        lines = commands.size();
        byte[] text = (String.join("\n", commands) + "\n").getBytes(StandardCharsets.UTF_8);
        gzipped = ledger.logs.resolve("commands.jsonl.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gzipped))) {
            out.write(text);
        }
        plain = Files.write(ledger.logs.resolve("commands.jsonl"), text);
    }

    @AfterAll
    void stop() throws Exception {
        if (ledger != null) {
            ledger.close();
        }
    }

    @Test
    @Order(1)
    void killedMidwayAndRunAgainItStoresEveryLineOnceWithTheExpectedFigures() throws Exception {
        Process first = ledger.startImport("import-killed", Map.of(), gzipped.toString());
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> {
            assertThat(first.isAlive()).as("the import still runs (its output: %s)", ledger.logs.resolve("import-killed.out")).isTrue();
            return head() >= lines / 4;
        });
        first.destroyForcibly(); // SIGKILL: no shutdown hook, no summary
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        long atKill = head();
        assertThat(atKill).as("killed midway").isLessThan(lines);

        Run again = importing(gzipped.toString());
        assertThat(again.status()).as(again.toString()).isZero();
        assertThat(again.summary(1)).as("lines done").isEqualTo(lines);
        assertThat(again.summary(3) + again.summary(4)).as("stored now and before").isEqualTo(lines);
        assertThat(again.summary(4)).as("already stored: what the killed run stored").isGreaterThanOrEqualTo(atKill);
        assertThat(again.summary(5)).as("refused").isZero();
        assertThat(head()).as("the log: one event a line, none twice").isEqualTo(lines);
        String expected = Fixtures.text(FIXTURE + "/expected.csv");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> get("/api/statistics/2014-H1.csv").equals(expected));
        assertThat(get("/api/statistics/2014-H1/national-security.csv"))
                .isEqualTo(Fixtures.text(FIXTURE + "/expected.national-security.csv"));
    }

    @Test
    @Order(2)
    void aFinishedImportRunAgainStoresNothingGzippedOrNot() throws Exception {
        for (Path file : List.of(gzipped, plain)) {
            Run again = importing(file.toString());
            assertThat(again.status()).as(again.toString()).isZero();
            assertThat(again.summary(3)).as("stored").isZero();
            assertThat(again.summary(4)).as("already stored").isEqualTo(lines);
            assertThat(head()).isEqualTo(lines);
        }
    }

    @Test
    @Order(3)
    void aRefusedLineIsNamedWithItsProblemAndTheOthersAreStored() throws Exception {
        Path bad = Files.writeString(ledger.logs.resolve("bad.jsonl"), String.join("\n",
                "{\"op\":\"receive\",\"demandId\":\"2015-H1-IMP-1\",\"receivedAt\":\"2015-03-02T10:15:00Z\",\"jurisdiction\":\"US\","
                        + "\"agency\":\"FBI\",\"legalProcess\":\"SUBPOENA\",\"accounts\":[\"a@example.org\"]}",
                "{\"op\":\"receive\",\"demandId\":\"2015-H1-IMP-2\",\"receivedAt\":\"2015-03-02T10:15:00Z\",\"jurisdiction\":\"XX\","
                        + "\"agency\":\"FBI\",\"legalProcess\":\"SUBPOENA\",\"accounts\":[\"b@example.org\"]}",
                "{\"op\":\"receive\", \"demandId\":",
                "",
                "{\"op\":\"disclose-subscriber\",\"demandId\":\"2015-H1-IMP-1\",\"occurredAt\":\"2015-03-05T09:00:00Z\"}",
                "{\"op\":\"reject\",\"demandId\":\"2015-H1-IMP-1\",\"occurredAt\":\"2015-03-06T09:00:00Z\"}"));
        Run run = importing(bad.toString());
        assertThat(run.status()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).contains("line 2 refused: 400 Invalid request: jurisdiction 'XX'", "(field jurisdiction)")
                .contains("line 3 refused: not JSON")
                .contains("line 6 refused: 400 Invalid request: missing field 'reason' (field reason)")
                .doesNotContain("line 1 refused", "line 4 refused", "line 5 refused");
        assertThat(run.summary(3)).as("stored").isEqualTo(2);
        assertThat(run.summary(5)).as("refused").isEqualTo(3);
        assertThat(head()).isEqualTo(lines + 2);
        assertThat(JSON.readTree(get("/api/demands/2015-H1-IMP-1")).get("history")).as("the lines stored").hasSize(2);
    }

    @Test
    @Order(4)
    void aTokenTheLedgerDoesNotKnowOrNoLedgerStopsItSayingWhy() throws Exception {
        String wrong = "ldg_" + "x".repeat(43);
        Run refused = importing(Map.of("LEDGER_TOKEN", wrong), gzipped.toString());
        assertThat(refused.status()).as(refused.toString()).isEqualTo(3);
        assertThat(refused.out()).contains("answered 401", "the one from LEDGER_TOKEN", "run the same import again")
                .doesNotContain(wrong);
        assertThat(refused.err()).doesNotContain(wrong);

        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Run nowhere = importing(Map.of(), gzipped.toString(), "--url", "http://127.0.0.1:" + port);
        assertThat(nowhere.status()).as(nowhere.toString()).isEqualTo(3);
        assertThat(nowhere.out()).contains("no command side answers at http://127.0.0.1:" + port);
        assertThat(head()).isEqualTo(lines + 2);
    }

    /** A finished run of the tool: its status, output and error output. */
    record Run(int status, String out, String err) {

        /** A figure of the summary line: 1 done, 2 lines, 3 stored, 4 already stored, 5 refused. */
        long summary(int group) {
            Matcher m = SUMMARY.matcher(out);
            assertThat(m.find()).as("a summary in %s", out).isTrue();
            return Long.parseLong(m.group(group).replace(",", ""));
        }
    }

    private Run importing(String... args) throws Exception {
        return importing(Map.of(), args);
    }

    private Run importing(Map<String, String> env, String... args) throws Exception {
        String name = "import-" + ++runs;
        long started = System.nanoTime();
        Process tool = ledger.startImport(name, env, args);
        assertThat(tool.waitFor(120, TimeUnit.SECONDS)).as("./run import finished").isTrue();
        Run run = new Run(tool.exitValue(), Files.readString(ledger.logs.resolve(name + ".out")),
                Files.readString(ledger.logs.resolve(name + ".err")));
        System.out.printf("ImportIT: %s %s took %d ms: %s", name, String.join(" ", args), (System.nanoTime() - started) / 1_000_000,
                run.out());
        return run;
    }

    private long head() throws Exception {
        return JSON.readTree(get("/api/log/head")).get("position").asLong();
    }

    private String get(String path) throws IOException, InterruptedException {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(ledger.queries() + path))
                .header("Authorization", ledger.adminBearer()).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as("GET %s: %s", path, answer.body()).isEqualTo(200);
        return answer.body();
    }
}
