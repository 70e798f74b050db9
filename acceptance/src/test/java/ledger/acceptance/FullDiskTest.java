package ledger.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import de.bwaldvogel.mongo.MongoServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import ledger.access.TestTokens;
import ledger.eventlog.RefusingBackend;
import ledger.query.RunningLedger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Both sides on a MongoDB whose writes can be refused as a full disk (14031) or a halted store (96, "store halted")
 * refuses them: a write answers 507 (or 503) as a problem detail with {@code Retry-After}, nothing stored; reads
 * answer; readiness goes DOWN (one log line) and comes back UP by itself (one log line) within seconds of the store
 * taking writes again, though nothing else is written meanwhile; {@code ledger_store_writable} and
 * {@code ledger_store_write_refusals_total} say so. The figures' projection, refused half-way through its batches
 * while the command side still writes, resumes within seconds of space being freed, not after Axon's back-off, and
 * counts every event once.
 * Another error of the store is an internal error that says nothing of it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(OutputCaptureExtension.class)
class FullDiskTest {

    private static final String NO_DATA = "{\"occurredAt\":\"2014-03-09T10:15:00Z\"}";

    private static RefusingBackend backend;
    private static MongoServer server;
    private static RunningLedger ledger;
    private static int received;

    @BeforeAll
    static void start() {
        backend = new RefusingBackend();
        server = new MongoServer(backend);
        int port = server.bind().getPort();
        // the query side probes every half second (the default: 2 s), the command side as by default
        ledger = new RunningLedger("mongodb://127.0.0.1:" + port + "/refusals", "--ledger.store.probe-millis=500");
    }

    @AfterAll
    static void stop() {
        if (ledger != null) {
            ledger.close();
        }
        if (server != null) {
            server.shutdownNow();
        }
    }

    private static String receipt(String id) {
        return "{\"demandId\":\"" + id + "\",\"receivedAt\":\"2014-03-02T10:15:00Z\",\"jurisdiction\":\"US\",\"agency\":\"FBI\","
                + "\"legalProcess\":\"SUBPOENA\",\"accounts\":[\"secret-account@example.org\"]}";
    }

    private static RunningLedger.Answer get(String url) {
        return ledger.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "none").GET().build());
    }

    private static long head() {
        return ledger.getQuery("/api/log/head").json().get("position").asLong();
    }

    private static long figuresPosition() {
        return ledger.getQuery("/api/statistics/2014-H1").json().get("position").asLong();
    }

    private static double metric(String side, String series) {
        String text = ledger.send(HttpRequest.newBuilder(URI.create(side + "/actuator/prometheus")).GET().build()).body();
        return text.lines().filter(l -> l.startsWith(series + " ")).map(l -> Double.parseDouble(l.substring(series.length() + 1)))
                .findFirst().orElseThrow(() -> new AssertionError(series + " is not in " + side + "'s metrics"));
    }

    private static long lines(CapturedOutput output, String text) {
        return output.getAll().lines().filter(l -> l.contains(text)).count();
    }

    private static void created(RunningLedger.Answer answer) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
        received++;
    }

    /** A refusal: its status, a problem detail that says so, Retry-After; nothing of the store's own error. */
    private static JsonNode refused(RunningLedger.Answer answer, int status, String reason) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.headers().get("Content-Type").get(0)).startsWith("application/problem+json");
        assertThat(answer.headers().get("Retry-After")).hasSize(1).allSatisfy(v -> assertThat(Integer.parseInt(v)).isPositive());
        JsonNode json = answer.json();
        assertThat(json.get("status").asInt()).isEqualTo(status);
        assertThat(json.get("reason").asText()).isEqualTo(reason);
        assertThat(json.get("detail").asText()).contains("nothing was stored");
        assertThat(answer.body()).doesNotContain("14031", "OutOfDiskSpace", "Command failed", "Exception", "secret-account", "127.0.0.1");
        return json;
    }

    @Test
    @Order(1)
    void aFullDiskAnswers507StoresNothingAndReadinessFollowsTheStore(CapturedOutput output) {
        created(ledger.post("/api/demands", receipt("s-1")));
        long head = head();
        await().atMost(Duration.ofSeconds(30)).until(() -> figuresPosition() == head);
        double refusalsBefore = metric(ledger.commands, "ledger_store_write_refusals_total{reason=\"disk_full\"}");
        assertThat(metric(ledger.commands, "ledger_store_writable")).isEqualTo(1);

        RefusingBackend.diskFull(backend);
        JsonNode first = refused(ledger.post("/api/demands", receipt("s-2")), 507, "disk_full");
        assertThat(first.get("detail").asText()).contains("disk is full");
        refused(ledger.post("/api/demands/s-1/no-data-found", NO_DATA), 507, "disk_full");
        refused(ledger.post("/api/demands", receipt("s-3")), 507, "disk_full");
        refused(ledger.postQuery("/api/replays", TestTokens.ADMIN), 507, "disk_full");
        // reads answer, and nothing was stored
        assertThat(head()).isEqualTo(head);
        assertThat(ledger.getQuery("/api/statistics/2014-H1").status()).isEqualTo(200);
        assertThat(ledger.getQuery("/api/demands/s-1").status()).isEqualTo(200);
        assertThat(ledger.getQuery("/api/demands/s-2").status()).isEqualTo(404);
        for (String side : List.of(ledger.commands, ledger.queries)) {
            RunningLedger.Answer readiness = get(side + "/actuator/health/readiness");
            assertThat(readiness.status()).as(side).isEqualTo(503);
            assertThat(readiness.body()).isEqualTo("{\"status\":\"DOWN\"}");
            assertThat(get(side + "/actuator/health/liveness").status()).isEqualTo(200);
            assertThat(metric(side, "ledger_store_writable")).as(side).isEqualTo(0);
        }
        assertThat(metric(ledger.commands, "ledger_store_write_refusals_total{reason=\"disk_full\"}")).isEqualTo(refusalsBefore + 3);
        assertThat(metric(ledger.commands, "ledger_store_write_refusals_total{reason=\"store_halted\"}")).isZero();

        // space freed: both sides notice by themselves, though nothing else is written meanwhile
        backend.accept();
        long freed = System.nanoTime();
        for (String side : List.of(ledger.commands, ledger.queries)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> get(side + "/actuator/health/readiness").status() == 200);
        }
        System.out.printf("FullDiskTest: readiness UP on both sides %d ms after writes were taken again%n",
                (System.nanoTime() - freed) / 1_000_000);
        assertThat(metric(ledger.commands, "ledger_store_writable")).isEqualTo(1);
        created(ledger.post("/api/demands", receipt("s-2")));
        // one line when it started, one when it ended, on each side (both log here); not one per refused request
        assertThat(lines(output, "the store refuses writes (disk_full)")).isEqualTo(2);
        assertThat(lines(output, "the store takes writes again")).isEqualTo(2);
    }

    @Test
    @Order(2)
    void aHaltedStoreAnswers503SayingItNeedsARestart() {
        backend.refuse(96, "OperationFailed", "store halted: a sync of the write-ahead log failed; restart the store");
        JsonNode halted = refused(ledger.post("/api/demands", receipt("s-4")), 503, "store_halted");
        assertThat(halted.get("detail").asText()).contains("stopped taking writes", "restart");
        await().atMost(Duration.ofSeconds(10)).until(() -> get(ledger.commands + "/actuator/health/readiness").status() == 503);
        assertThat(metric(ledger.commands, "ledger_store_write_refusals_total{reason=\"store_halted\"}")).isEqualTo(1);
        backend.accept(); // restarted
        await().atMost(Duration.ofSeconds(10)).until(() -> get(ledger.commands + "/actuator/health/readiness").status() == 200);
        created(ledger.post("/api/demands", receipt("s-4")));
    }

    @Test
    @Order(3)
    void theProjectionRefusedWhileCommandsAreStoredResumesWithinSecondsOfSpaceFreed() {
        long head = head();
        await().atMost(Duration.ofSeconds(30)).until(() -> figuresPosition() == head);
        double before = metric(ledger.queries, "ledger_store_write_refusals_total{reason=\"disk_full\"}");
        // the command side's writes taken; of the projection's, the period snapshots refused, after its journal, demands,
        // accounts and rows were written: each batch is cut off half-way (and the probe refused, as the disk is full)
        backend.refuse(14031, "OutOfDiskSpace", "disk full: no space left",
                collection -> collection.endsWith("_periods") || collection.equals("store_probe"));
        long refusedAt = System.nanoTime();
        for (int i = 0; i < 5; i++) {
            created(ledger.post("/api/demands", receipt("p-" + i)));
        }
        long last = head();
        await().atMost(Duration.ofSeconds(10)).until(() -> get(ledger.queries + "/actuator/health/readiness").status() == 503);
        assertThat(get(ledger.commands + "/actuator/health/readiness").status()).isEqualTo(200);
        // the disk stays full long enough for Axon's back-off of the refused segment to grow past several seconds
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() ->
                metric(ledger.queries, "ledger_store_write_refusals_total{reason=\"disk_full\"}") >= before + 4
                        && System.nanoTime() - refusedAt >= 20_000_000_000L);
        assertThat(figuresPosition()).as("nothing projected while refused").isLessThan(last);

        backend.accept();
        long freed = System.nanoTime();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> figuresPosition() == last);
        long resumedMillis = (System.nanoTime() - freed) / 1_000_000;
        System.out.printf("FullDiskTest: the figures caught up %d ms after the store took writes again%n", resumedMillis);
        // without being told, Axon's processor took 6 s here (its back-off of the failed segment, up to 60 s)
        assertThat(resumedMillis).as("resumed within seconds, not after Axon's back-off").isLessThan(3_000);
        JsonNode total = ledger.getQuery("/api/statistics/2014-H1").json().get("total");
        assertThat(total.get("requests").asInt()).as("every receipt counted once, though its batch was cut off half-way").isEqualTo(received);
        assertThat(total.get("accounts").asInt()).as("one account named by all").isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> get(ledger.queries + "/actuator/health/readiness").status() == 200);
    }

    @Test
    @Order(5)
    void anImportCutOffByAFullDiskSaysWhatItLeft() throws Exception {
        byte[] bundle = ledger.getQueryBytes("/api/log/export").body();
        try (RunningLedger empty = RunningLedger.querySideOnly("mongodb://127.0.0.1:" + server.getLocalAddress().getPort() + "/imported")) {
            RefusingBackend.diskFull(backend);
            RunningLedger.Answer answer = empty.postQueryBytes("/api/log/import", bundle, "Content-Type", "application/x-ndjson");
            JsonNode json = answer.json();
            assertThat(answer.status()).as(answer.body()).isEqualTo(507);
            assertThat(json.get("reason").asText()).isEqualTo("disk_full");
            assertThat(json.get("detail").asText()).contains("disk is full", "the import stopped part-way", "/api/log/head");
            assertThat(answer.headers()).containsKey("Retry-After");
        } finally {
            backend.accept();
        }
    }

    @Test
    @Order(4)
    void anotherStoreErrorIsAnInternalErrorThatSaysNothingOfIt(CapturedOutput output) {
        backend.refuse(8, "UnknownError", "something broke while writing secret-account@example.org");
        try {
            RunningLedger.Answer answer = ledger.post("/api/demands", receipt("s-9"));
            assertThat(answer.status()).as(answer.body()).isEqualTo(500);
            assertThat(answer.headers().get("Content-Type").get(0)).startsWith("application/problem+json");
            JsonNode json = answer.json();
            String id = json.get("errorId").asText();
            assertThat(json.get("detail").asText()).isEqualTo("internal error: the ledger's log has it under id " + id);
            assertThat(answer.body()).doesNotContain("secret-account", "UnknownError", "Exception", "broke");
            assertThat(output.getAll().lines().filter(l -> l.contains("internal error " + id))).hasSize(1)
                    .allSatisfy(l -> assertThat(l).contains("POST /api/demands").doesNotContain("secret-account"));
            assertThat(get(ledger.commands + "/actuator/health/readiness").status()).as("not a refusal").isEqualTo(200);
        } finally {
            backend.accept();
        }
    }
}
