package ledger.command.demand;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import ledger.access.Role;
import ledger.access.TestTokens;
import ledger.command.CommandSide;
import ledger.command.TestProperties;
import ledger.eventlog.TestMongo;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@code ledger_commands_total} (operations.md) through HTTP: every kind and outcome registered at start, each command
 * counted once under its kind and outcome, an idempotent repeat as the first time, and a request the access rules
 * refuse not counted. (A {@code @SpringBootTest} exports no metrics unless {@code @AutoConfigureObservability} says so.)
 */
@AutoConfigureObservability(tracing = false)
@SpringBootTest(classes = CommandSide.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=command-side", "ledger.pseudonym.key=test-key", "spring.jmx.enabled=false"})
class CommandCountsTest {

    private static final String MONGO = TestMongo.embedded();
    private static final String AT = "{\"occurredAt\":\"2014-03-09T10:15:00Z\"}";
    private static final String[] KINDS = {"receive", "subscriber-disclosure", "content-disclosure", "no-data-found", "rejection", "correction",
            "deadline", "assignment", "non-disclosure-order", "user-notice"};
    private static final String[] OUTCOMES = {"created", "refused", "conflict", "error"};

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestProperties.mongoAndTokens(registry, MONGO);
    }

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void commandsAreCountedByKindAndOutcome() throws Exception {
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
        assertThat(post("/api/demands", receipt("m-5", "US"), "none").statusCode()).isEqualTo(401);
        assertThat(post("/api/demands", receipt("m-5", "US"), TestTokens.bearer(Role.VIEWER)).statusCode()).isEqualTo(403);

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

    // ---- helpers ----

    /** A POST with the Authorization given ({@code none}: no token) and the headers given. */
    private HttpResponse<String> post(String path, String body, String authorization, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (!authorization.equals("none")) {
            request.header("Authorization", authorization);
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private void send(Map<String, Integer> sent, String kind, String outcome, String path, String body, String... headers) throws Exception {
        HttpResponse<String> answer = post(path, body, TestTokens.ADMIN, headers);
        int expected = switch (outcome) {
            case "created" -> 201;
            case "conflict" -> 409;
            default -> answer.statusCode();
        };
        assertThat(answer.statusCode()).as("%s %s: %s", path, body, answer.body()).isEqualTo(expected);
        if (outcome.equals("refused")) {
            assertThat(answer.statusCode()).as(answer.body()).isBetween(400, 499).isNotEqualTo(409);
        }
        sent.merge("ledger_commands_total{kind=\"" + kind + "\",outcome=\"" + outcome + "\"}", 1, Integer::sum);
    }

    private static String receipt(String id, String jurisdiction) {
        return "{\"demandId\":\"" + id + "\",\"receivedAt\":\"2014-03-02T10:15:00Z\",\"jurisdiction\":\"" + jurisdiction
                + "\",\"agency\":\"FBI\",\"legalProcess\":\"SUBPOENA\",\"accounts\":[\"metrics@example.org\"]}";
    }

    /** Every series of {@code ledger_commands_total}, by its name and labels as written. */
    private Map<String, Double> commandCounts() throws Exception {
        Map<String, Double> counts = new LinkedHashMap<>();
        String text = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
                .header("Authorization", TestTokens.bearer(Role.VIEWER)).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
        text.lines().filter(l -> l.startsWith("ledger_commands_total{")).forEach(l -> {
            int space = l.lastIndexOf(' ');
            counts.put(l.substring(0, space), Double.parseDouble(l.substring(space + 1)));
        });
        return counts;
    }
}
