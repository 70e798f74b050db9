package ledger.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import ledger.access.Role;
import ledger.access.TestTokens;
import ledger.query.RunningLedger;
import ledger.query.projection.FiguresProjection;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventProcessor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * operations.md's health and metrics, on both sides through HTTP: {@code /actuator/prometheus} for any valid token
 * (401 without), the log's head, the projection's position and lag (growing while the processor is stopped, back to
 * 0 once it runs), a replay's progress, the usual JVM, HTTP and MongoDB driver metrics; readiness DOWN (503) while the
 * figures' processor is stopped and while MongoDB is gone, liveness UP all along. On a MongoDB server of its own
 * (in-process), which the last test stops. The commands counted by kind and outcome: command-side's CommandCountsTest.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HealthAndMetricsTest {

    private static final String AT = "{\"occurredAt\":\"2014-03-09T10:15:00Z\"}";

    private static MongoServer server;
    private static int mongoPort;
    private static RunningLedger ledger;

    @BeforeAll
    static void start() {
        server = new MongoServer(new MemoryBackend());
        mongoPort = server.bind().getPort();
        ledger = new RunningLedger("mongodb://127.0.0.1:" + mongoPort + "/metrics");
    }

    @AfterAll
    static void stop() {
        if (server == null || ledger == null) {
            return;
        }
        ledger.close();
        server.shutdownNow();
    }

    @Test
    @Order(1)
    void metricsAreForAnyValidTokenAndHealthIsPublic() {
        for (String side : List.of(ledger.commands, ledger.queries)) {
            RunningLedger.Answer none = get(side + "/actuator/prometheus", "none");
            assertThat(none.status()).as(side).isEqualTo(401);
            assertThat(none.headers().get("WWW-Authenticate")).containsExactly("Bearer realm=\"ledger\"");
            assertThat(get(side + "/actuator/prometheus", "Bearer ldg_unknown").status()).isEqualTo(401);
            for (Role role : Role.values()) {
                RunningLedger.Answer a = get(side + "/actuator/prometheus", TestTokens.bearer(role));
                assertThat(a.status()).as("%s as %s", side, role).isEqualTo(200);
                assertThat(a.headers().get("Content-Type").get(0)).startsWith("text/plain");
            }
            for (String health : List.of("/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness")) {
                RunningLedger.Answer a = get(side + health, "none");
                assertThat(a.status()).as(side + health).isEqualTo(200);
                assertThat(a.json().get("status").asText()).isEqualTo("UP");
                assertThat(a.json().has("components") || a.json().has("details")).as("no details without a token").isFalse();
            }
            assertThat(get(side + "/actuator/env", TestTokens.ADMIN).status()).as("not exposed").isEqualTo(404);
        }
    }

    @Test
    @Order(2)
    void theHeadThePositionAndTheLagFollowTheLogAndReadinessNeedsTheProcessor() {
        assertThat(ledger.post("/api/demands", receipt("m-7", "GB")).status()).isEqualTo(201);
        long head = headPosition();
        assertThat(head).isPositive();
        awaitMetric(ledger.commands, "ledger_log_head_position", head);
        awaitMetric(ledger.queries, "ledger_log_head_position", head);
        awaitMetric(ledger.queries, "ledger_projection_position", head);
        awaitMetric(ledger.queries, "ledger_projection_lag_events", 0);

        EventProcessor processor = ledger.querySide.getBean(EventProcessingConfiguration.class)
                .eventProcessor(FiguresProjection.PROCESSOR).orElseThrow();
        processor.shutDown();
        try {
            RunningLedger.Answer readiness = get(ledger.queries + "/actuator/health/readiness", "none");
            assertThat(readiness.status()).isEqualTo(503);
            assertThat(readiness.body()).isEqualTo("{\"status\":\"DOWN\"}");
            assertThat(get(ledger.queries + "/actuator/health", "none").status()).isEqualTo(503);
            assertThat(get(ledger.queries + "/actuator/health/liveness", "none").status()).isEqualTo(200);
            assertThat(get(ledger.commands + "/actuator/health/readiness", "none").status()).as("the command side's").isEqualTo(200);

            assertThat(ledger.post("/api/demands", receipt("m-6", "FR")).status()).isEqualTo(201);
            assertThat(ledger.post("/api/demands/m-6/no-data-found", AT).status()).isEqualTo(201);
            awaitMetric(ledger.queries, "ledger_log_head_position", head + 2);
            assertThat(metric(ledger.queries, "ledger_projection_position")).isEqualTo(head);
            awaitMetric(ledger.queries, "ledger_projection_lag_events", 2);
        } finally {
            processor.start();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> get(ledger.queries + "/actuator/health/readiness", "none").status() == 200);
        awaitMetric(ledger.queries, "ledger_projection_position", head + 2);
        awaitMetric(ledger.queries, "ledger_projection_lag_events", 0);
        awaitMetric(ledger.commands, "ledger_log_head_position", head + 2);
    }

    @Test
    @Order(3)
    void aReplaysProgressEndsWithEveryEventProcessed() {
        assertThat(metric(ledger.queries, "ledger_replay_total_events")).as("before any replay").isZero();
        long head = headPosition();
        assertThat(ledger.postQuery("/api/replays", TestTokens.ADMIN).status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(60)).until(() -> "FINISHED".equals(ledger.getQuery("/api/replays/latest").json().get("state").asText()));
        awaitMetric(ledger.queries, "ledger_replay_total_events", head);
        assertThat(metric(ledger.queries, "ledger_replay_processed_events")).isEqualTo(head);
        awaitMetric(ledger.queries, "ledger_projection_lag_events", 0);
    }

    @Test
    @Order(4)
    void theUsualJvmHttpAndMongoDbMetricsAreThere() {
        String commands = get(ledger.commands + "/actuator/prometheus", TestTokens.ADMIN).body();
        String queries = get(ledger.queries + "/actuator/prometheus", TestTokens.ADMIN).body();
        for (String text : List.of(commands, queries)) {
            assertThat(text).contains("jvm_memory_used_bytes{", "http_server_requests_seconds_count{", "mongodb_driver_pool_size{");
            // a request is observed once, without a long-task timer of its own (its cost, on ingest: docs/benchmarks.md)
            assertThat(text).doesNotContain("http_server_requests_active_seconds");
        }
        // the driver's per-command timer only where it is not on the command path
        assertThat(queries).contains("mongodb_driver_commands_seconds_count{");
        assertThat(commands).doesNotContain("mongodb_driver_commands_seconds");
        assertThat(commands).containsPattern("http_server_requests_seconds_count\\{[^}]*status=\"201\"[^}]*uri=\"/api/demands\"");
        assertThat(queries).containsPattern("http_server_requests_seconds_count\\{[^}]*uri=\"/api/replays\"");
    }

    @Test
    @Order(5)
    void readinessIsDownWhileMongoDbIsGoneAndLivenessStaysUp() {
        server.shutdownNow();
        long stopped = System.nanoTime();
        for (String side : List.of(ledger.commands, ledger.queries)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> get(side + "/actuator/health/readiness", "none").status() == 503);
            RunningLedger.Answer readiness = get(side + "/actuator/health/readiness", "none");
            assertThat(readiness.body()).isEqualTo("{\"status\":\"DOWN\"}");
            assertThat(get(side + "/actuator/health/liveness", "none").body()).isEqualTo("{\"status\":\"UP\"}");
        }
        long downAfter = (System.nanoTime() - stopped) / 1_000_000;
        long asked = System.nanoTime();
        assertThat(get(ledger.commands + "/actuator/health/readiness", "none").status()).isEqualTo(503);
        long answeredIn = (System.nanoTime() - asked) / 1_000_000;
        System.out.printf("HealthAndMetricsTest: readiness DOWN on both sides %d ms after MongoDB stopped; a probe answers in %d ms%n",
                downAfter, answeredIn);
        assertThat(answeredIn).as("a probe does not hang on a dead database").isLessThan(5_000);

        // MongoDB back on its port: ready again
        server = new MongoServer(new MemoryBackend());
        server.bind("127.0.0.1", mongoPort);
        await().atMost(Duration.ofSeconds(30)).until(() -> get(ledger.commands + "/actuator/health/readiness", "none").status() == 200);
    }

    // ---- helpers ----

    private static RunningLedger.Answer get(String url, String authorization) {
        return ledger.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", authorization).GET().build());
    }

    private static long headPosition() {
        return ledger.getQuery("/api/log/head").json().get("position").asLong();
    }

    private static String receipt(String id, String jurisdiction) {
        return "{\"demandId\":\"" + id + "\",\"receivedAt\":\"2014-03-02T10:15:00Z\",\"jurisdiction\":\"" + jurisdiction
                + "\",\"agency\":\"FBI\",\"legalProcess\":\"SUBPOENA\",\"accounts\":[\"metrics@example.org\"]}";
    }

    /** A series without labels, as scraped now. */
    private static double metric(String side, String name) {
        String text = get(side + "/actuator/prometheus", TestTokens.ADMIN).body();
        return text.lines().filter(l -> l.startsWith(name + " ")).map(l -> Double.parseDouble(l.substring(name.length() + 1)))
                .findFirst().orElseThrow(() -> new AssertionError(name + " is not in " + side + "'s metrics"));
    }

    private static void awaitMetric(String side, String name, double value) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(metric(side, name)).as(name).isEqualTo(value));
    }
}
