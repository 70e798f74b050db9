package ledger.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import ledger.access.Role;
import ledger.access.TestTokens;
import ledger.command.demand.CommandKind;
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
 * (401 without), the commands counted per kind and outcome exactly, the log's head, the projection's position and
 * lag (growing while the processor is stopped, back to 0 once it runs), a replay's progress, the usual JVM, HTTP and
 * MongoDB driver metrics; readiness DOWN (503) while the figures' processor is stopped and while MongoDB is gone,
 * liveness UP all along. On a MongoDB server of its own (in-process), which the last test stops.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HealthAndMetricsTest {

    private static final String AT = "{\"occurredAt\":\"2014-03-09T10:15:00Z\"}";
    private static final String[] KINDS = {"receive", "subscriber-disclosure", "content-disclosure", "no-data-found", "rejection", "correction",
            "deadline", "assignment", "non-disclosure-order", "user-notice"};
    private static final String[] OUTCOMES = {"created", "refused", "conflict", "error"};

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
    void commandsAreCountedByKindAndOutcome() {
        Map<String, Double> before = commandCounts();
        assertThat(before).as("every kind and outcome registered at start").hasSize(KINDS.length * OUTCOMES.length);
        assertThat(CommandKind.values()).extracting(CommandKind::tag).as("the command side's kinds, each tagged as operations.md says")
                .containsExactly(KINDS);
        Map<String, Integer> sent = new LinkedHashMap<>();
        String a = "m-1";
        String b = "m-2";
        String c = "m-3";
        send(sent, "receive", "created", "/api/demands", receipt(a, "US"));
        send(sent, "receive", "created", "/api/demands", receipt(a, "US")); // an idempotent repeat answers as the first time
        send(sent, "receive", "conflict", "/api/demands", receipt(a, "DE"));
        send(sent, "receive", "refused", "/api/demands", receipt("m-4", "XX"));
        send(sent, "receive", "refused", "/api/demands", "{not json");
        send(sent, "receive", "created", "/api/demands", receipt(b, "US"));
        send(sent, "receive", "created", "/api/demands", receipt(c, "DE"));
        send(sent, "subscriber-disclosure", "created", "/api/demands/" + a + "/subscriber-disclosures", AT);
        send(sent, "subscriber-disclosure", "refused", "/api/demands/m-unknown/subscriber-disclosures", AT);
        send(sent, "content-disclosure", "created", "/api/demands/" + a + "/content-disclosures", AT);
        send(sent, "no-data-found", "conflict", "/api/demands/" + a + "/no-data-found", AT);
        send(sent, "no-data-found", "created", "/api/demands/" + b + "/no-data-found", AT);
        send(sent, "rejection", "created", "/api/demands/" + c + "/rejection", "{\"occurredAt\":\"2014-03-09T10:15:00Z\",\"reason\":\"OVERBROAD\"}");
        send(sent, "rejection", "refused", "/api/demands/" + c + "/rejection", "{\"occurredAt\":\"2014-03-09T10:15:00Z\",\"reason\":\"NO\"}");
        send(sent, "subscriber-disclosure", "conflict", "/api/demands/" + c + "/subscriber-disclosures", AT);
        send(sent, "correction", "created", "/api/demands/" + a + "/corrections", "{\"agency\":\"DEA\"}", "Idempotency-Key", "k-1");
        send(sent, "correction", "created", "/api/demands/" + a + "/corrections", "{\"agency\":\"DEA\"}", "Idempotency-Key", "k-1");
        send(sent, "correction", "refused", "/api/demands/" + a + "/corrections", "{\"agency\":\"ATF\"}", "Idempotency-Key", "k-1");
        send(sent, "correction", "refused", "/api/demands/" + a + "/corrections", "{}");
        send(sent, "deadline", "created", "/api/demands/" + a + "/deadline", "{\"dueAt\":\"2014-03-20T00:00:00Z\"}");
        send(sent, "deadline", "refused", "/api/demands/" + a + "/deadline", "{\"dueAt\":\"2014-03-01T00:00:00Z\"}");
        send(sent, "assignment", "created", "/api/demands/" + a + "/assignment", "{\"assignee\":\"alice\"}");
        send(sent, "assignment", "refused", "/api/demands/" + a + "/assignment", "{\"assignee\":\"\"}");
        send(sent, "non-disclosure-order", "created", "/api/demands/" + a + "/non-disclosure-order",
                "{\"occurredAt\":\"2014-03-02T10:15:00Z\",\"until\":\"2014-03-10T00:00:00Z\"}");
        send(sent, "non-disclosure-order", "refused", "/api/demands/" + a + "/non-disclosure-order",
                "{\"occurredAt\":\"2014-03-02T10:15:00Z\",\"until\":\"2014-03-02T10:15:00Z\"}");
        send(sent, "user-notice", "conflict", "/api/demands/" + a + "/user-notice", "{\"occurredAt\":\"2014-03-09T12:00:00Z\"}");
        send(sent, "user-notice", "created", "/api/demands/" + a + "/user-notice", "{\"occurredAt\":\"2014-03-10T00:00:00Z\"}");
        send(sent, "user-notice", "conflict", "/api/demands/" + a + "/user-notice", "{\"occurredAt\":\"2014-03-11T00:00:00Z\"}");
        send(sent, "user-notice", "refused", "/api/demands/m-unknown/user-notice", AT);
        // refused by the access rules: no command, not counted here
        assertThat(ledger.post("/api/demands", receipt("m-5", "US"), "none").status()).isEqualTo(401);
        assertThat(ledger.post("/api/demands", receipt("m-5", "US"), TestTokens.bearer(Role.VIEWER)).status()).isEqualTo(403);

        Map<String, Double> after = commandCounts();
        Map<String, Double> counted = new LinkedHashMap<>();
        after.forEach((series, value) -> {
            double delta = value - before.get(series);
            if (delta != 0) {
                counted.put(series, delta);
            }
        });
        Map<String, Double> expected = new LinkedHashMap<>();
        sent.forEach((series, n) -> expected.put(series, (double) n));
        assertThat(counted).isEqualTo(expected);
    }

    @Test
    @Order(3)
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
    @Order(4)
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
    @Order(5)
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
    @Order(6)
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

    private static void send(Map<String, Integer> sent, String kind, String outcome, String path, String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(ledger.commands + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        RunningLedger.Answer answer = ledger.send(request.build());
        int expected = switch (outcome) {
            case "created" -> 201;
            case "conflict" -> 409;
            default -> answer.status();
        };
        assertThat(answer.status()).as("%s %s: %s", path, body, answer.body()).isEqualTo(expected);
        if (outcome.equals("refused")) {
            assertThat(answer.status()).as(answer.body()).isBetween(400, 499).isNotEqualTo(409);
        }
        sent.merge("ledger_commands_total{kind=\"" + kind + "\",outcome=\"" + outcome + "\"}", 1, Integer::sum);
    }

    private static String receipt(String id, String jurisdiction) {
        return "{\"demandId\":\"" + id + "\",\"receivedAt\":\"2014-03-02T10:15:00Z\",\"jurisdiction\":\"" + jurisdiction
                + "\",\"agency\":\"FBI\",\"legalProcess\":\"SUBPOENA\",\"accounts\":[\"metrics@example.org\"]}";
    }

    /** Every series of {@code ledger_commands_total}, by its name and labels as written. */
    private static Map<String, Double> commandCounts() {
        Map<String, Double> counts = new LinkedHashMap<>();
        String text = get(ledger.commands + "/actuator/prometheus", TestTokens.bearer(Role.VIEWER)).body();
        text.lines().filter(l -> l.startsWith("ledger_commands_total{")).forEach(l -> {
            int space = l.lastIndexOf(' ');
            counts.put(l.substring(0, space), Double.parseDouble(l.substring(space + 1)));
        });
        return counts;
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
