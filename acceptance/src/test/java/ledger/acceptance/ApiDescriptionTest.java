package ledger.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import ledger.eventlog.TestMongo;
import ledger.query.RunningLedger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each side's OpenAPI description (operations.md, "API description"), public: every endpoint the spec names, read
 * from the spec's own text ({@code src/test/resources/spec/}, copies of ../shared/spec: refresh them with the spec
 * and a new endpoint fails here until it is described), described by the side that serves it with the bearer scheme
 * and problem details; and the UI, served from the jar, pointed at the description and nowhere else.
 */
class ApiDescriptionTest {

    private static final Pattern ENDPOINT = Pattern.compile("`(GET|POST) (/api/[^`\\s?]*)[^`]*`");

    private static RunningLedger ledger;
    private static JsonNode commandSide;
    private static JsonNode querySide;

    @BeforeAll
    static void start() {
        ledger = new RunningLedger(TestMongo.embedded());
        commandSide = description(ledger.commands);
        querySide = description(ledger.queries);
    }

    @AfterAll
    static void stop() {
        ledger.close();
    }

    /** Fetched without a token: the description is public. */
    private static JsonNode description(String side) {
        RunningLedger.Answer answer = get(side + "/v3/api-docs");
        assertThat(answer.status()).as(side + "/v3/api-docs").isEqualTo(200);
        return answer.json();
    }

    private static RunningLedger.Answer get(String url) {
        return ledger.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "none").GET().build());
    }

    /** A method and a path with its placeholders unnamed ({@code /api/demands/{}}), as the spec and a description may name them differently. */
    record Endpoint(String method, String path) {
        static Endpoint of(String method, String path) {
            return new Endpoint(method.toLowerCase(), path.replaceAll("\\{[^}]*}", "{}"));
        }

        @Override
        public String toString() {
            return method.toUpperCase() + " " + path;
        }
    }

    /**
     * The endpoints a spec file names, each line's with its {@code .csv} variant where the line says one exists
     * ({@code (also `.csv`)}, {@code and `.csv`}); {@code section}: only under that heading (null: anywhere).
     */
    private static Set<Endpoint> endpoints(String file, String section) throws IOException {
        Set<Endpoint> found = new LinkedHashSet<>();
        String heading = "";
        for (String line : spec(file).split("\n")) {
            if (line.startsWith("#")) {
                heading = line;
                continue;
            }
            if (section != null && !heading.contains(section)) {
                continue;
            }
            List<MatchResult> named = ENDPOINT.matcher(line).results().toList();
            for (int i = 0; i < named.size(); i++) {
                MatchResult m = named.get(i);
                found.add(Endpoint.of(m.group(1), m.group(2)));
                // "(also `.csv`)" or "and `.csv`" after the endpoint, before the next one: its CSV variant
                int next = i + 1 < named.size() ? named.get(i + 1).start() : line.length();
                if (line.substring(m.end(), next).contains("`.csv`") && !m.group(2).endsWith(".csv")) {
                    found.add(Endpoint.of(m.group(1), m.group(2) + ".csv"));
                }
            }
        }
        return found;
    }

    private static String spec(String file) throws IOException {
        try (InputStream in = ApiDescriptionTest.class.getResourceAsStream("/spec/" + file)) {
            assertThat(in).as("test resource spec/" + file).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static Set<Endpoint> described(JsonNode description) {
        Set<Endpoint> found = new LinkedHashSet<>();
        description.get("paths").fields().forEachRemaining(path -> path.getValue().fieldNames()
                .forEachRemaining(method -> found.add(Endpoint.of(method, path.getKey()))));
        return found;
    }

    private static JsonNode operation(JsonNode description, Endpoint endpoint) {
        var paths = description.get("paths").fields();
        while (paths.hasNext()) {
            var path = paths.next();
            if (Endpoint.of(endpoint.method(), path.getKey()).equals(endpoint) && path.getValue().has(endpoint.method())) {
                return path.getValue().get(endpoint.method());
            }
        }
        throw new AssertionError("not described: " + endpoint);
    }

    @Test
    void everyEndpointOfTheSpecIsDescribedByTheSideThatServesIt() throws IOException {
        Set<Endpoint> commands = endpoints("api.md", "Command side");
        Set<Endpoint> tracking = endpoints("tracking.md", "Command side");
        commands.addAll(tracking);
        Set<Endpoint> all = new LinkedHashSet<>();
        for (String file : List.of("api.md", "security.md", "log-bundle.md")) {
            all.addAll(endpoints(file, null));
        }
        all.addAll(endpoints("tracking.md", null));
        Set<Endpoint> publicOnes = endpoints("security.md", "Public");
        assertThat(commands).hasSize(10);
        assertThat(all).hasSizeGreaterThanOrEqualTo(26).containsAll(publicOnes);

        List<String> missing = new ArrayList<>();
        for (Endpoint endpoint : all) {
            JsonNode side = commands.contains(endpoint) ? commandSide : querySide;
            String name = (side == commandSide ? "command side: " : "query side: ") + endpoint;
            if (!described(side).contains(endpoint)) {
                missing.add(name);
                continue;
            }
            JsonNode operation = operation(side, endpoint);
            JsonNode responses = operation.get("responses");
            List<String> problems = new ArrayList<>();
            responses.fields().forEachRemaining(r -> {
                if (r.getKey().startsWith("4") && r.getValue().path("content").path("application/problem+json").path("schema")
                        .path("$ref").asText().equals("#/components/schemas/Problem")) {
                    problems.add(r.getKey());
                }
            });
            assertThat(problems).as(name + ": problem-detail error answers").isNotEmpty();
            assertThat(responses.fieldNames()).toIterable().as(name + ": a success answer").anyMatch(s -> s.startsWith("2"));
            if (publicOnes.contains(endpoint)) {
                assertThat(operation.get("security")).as(name + ": public, no token").isNotNull().isEmpty();
            } else {
                assertThat(operation.has("security")).as(name + ": the bearer scheme, required globally").isFalse();
                assertThat(problems).as(name + ": the refusals of security.md").contains("401", "403");
                assertThat(operation.get("x-required-roles")).as(name + ": the roles that may").isNotEmpty();
            }
        }
        assertThat(missing).as("endpoints of the spec no side describes").isEmpty();
    }

    @Test
    void bothDescriptionsNameTheBearerSchemeAndTheProblemDetail() {
        for (JsonNode side : List.of(commandSide, querySide)) {
            assertThat(side.get("openapi").asText()).startsWith("3.");
            assertThat(side.at("/info/title").asText()).isNotBlank();
            JsonNode bearer = side.at("/components/securitySchemes/bearer");
            assertThat(bearer.get("type").asText()).isEqualTo("http");
            assertThat(bearer.get("scheme").asText()).isEqualTo("bearer");
            assertThat(bearer.get("bearerFormat").asText()).isEqualTo("ledger token or JWT");
            assertThat(side.at("/security/0/bearer").isArray()).as("bearer required globally").isTrue();
            assertThat(side.at("/components/schemas/Problem/properties").fieldNames()).toIterable()
                    .contains("type", "title", "status", "detail", "instance", "field", "requiredRoles");
            assertThat(side.at("/components/schemas/Problem/properties/status/type").asText()).isEqualTo("integer");
            assertThat(operation(side, Endpoint.of("get", "/actuator/health")).get("security")).as("health: public").isNotNull().isEmpty();
        }
    }

    /** The roles come from each side's rules table, the one that decides: narrower with a parameter where it says so. */
    @Test
    void theRolesAreTheRulesTables() {
        assertThat(operation(commandSide, Endpoint.of("post", "/api/demands/{id}/corrections")).get("x-required-roles"))
                .extracting(JsonNode::asText).containsExactly("admin", "legal");
        for (String legalOnly : List.of("non-disclosure-order", "user-notice")) {
            assertThat(operation(commandSide, Endpoint.of("post", "/api/demands/{id}/" + legalOnly)).get("x-required-roles"))
                    .extracting(JsonNode::asText).containsExactly("admin", "legal");
        }
        for (String recorders : List.of("deadline", "assignment")) {
            assertThat(operation(commandSide, Endpoint.of("post", "/api/demands/{id}/" + recorders)).get("x-required-roles"))
                    .extracting(JsonNode::asText).containsExactly("admin", "legal", "recorder");
        }
        JsonNode statistics = operation(querySide, Endpoint.of("get", "/api/statistics/{period}"));
        assertThat(statistics.get("x-required-roles")).extracting(JsonNode::asText).containsExactly("admin", "auditor", "publisher", "viewer");
        assertThat(statistics.at("/x-required-roles-with-parameter/asOf")).extracting(JsonNode::asText).containsExactly("admin", "auditor");
        assertThat(operation(querySide, Endpoint.of("post", "/api/log/import")).get("x-required-roles"))
                .extracting(JsonNode::asText).containsExactly("admin");
    }

    /** Deny by default (access.md): an operation no rule names would be refused to every caller, so each has one. */
    @Test
    void everyOperationIsNamedByARule() {
        Set<String> methods = Set.of("get", "head", "post", "put", "patch", "delete", "options");
        for (JsonNode side : List.of(commandSide, querySide)) {
            side.get("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(operation -> {
                if (methods.contains(operation.getKey())) {
                    JsonNode o = operation.getValue();
                    boolean open = o.has("security") && o.get("security").isEmpty();
                    assertThat(open || o.has("x-required-roles")).as("%s %s", operation.getKey(), path.getKey()).isTrue();
                }
            }));
        }
    }

    /** tracking.md's handling table (not yet among the spec files read above): described, with the other tables' roles. */
    @Test
    void theHandlingTableIsDescribed() {
        for (String path : List.of("/api/statistics/{period}/handling", "/api/statistics/{period}/handling.csv")) {
            JsonNode operation = operation(querySide, Endpoint.of("get", path));
            assertThat(operation.get("summary").asText()).as(path).contains("handling table");
            assertThat(operation.get("responses").fieldNames()).toIterable().as(path).contains("200", "400", "401", "403");
            assertThat(operation.get("x-required-roles")).extracting(JsonNode::asText).containsExactly("admin", "auditor", "publisher", "viewer");
            assertThat(operation.at("/x-required-roles-with-parameter/asOf")).extracting(JsonNode::asText).containsExactly("admin", "auditor");
        }
        assertThat(querySide.at("/components/schemas/HandlingRow/properties").fieldNames()).toIterable().containsExactly(
                "jurisdiction", "requests", "withDeadline", "onTime", "late", "open", "medianHoursToResponse", "nonDisclosureOrders",
                "usersNotified", "onTimePct", "nonDisclosurePct");
    }

    /** The UI answers without a token, from the jar, and loads this side's description, not the petstore's. */
    @Test
    void theUiIsServedFromTheJarAndPointedAtTheDescription() {
        for (String side : List.of(ledger.commands, ledger.queries)) {
            assertThat(get(side + "/v3/api-docs.yaml").status()).as(side + "/v3/api-docs.yaml").isEqualTo(200);
            RunningLedger.Answer redirect = get(side + "/swagger-ui.html");
            assertThat(redirect.status()).as(side + "/swagger-ui.html").isEqualTo(302);
            String location = redirect.headers().get("location").get(0);
            assertThat(location).endsWith("/swagger-ui/index.html");
            RunningLedger.Answer index = get(URI.create(side).resolve(location).toString());
            assertThat(index.status()).isEqualTo(200);
            assertThat(index.body()).contains("swagger-ui").doesNotContain("http://", "https://");
            RunningLedger.Answer initializer = get(side + "/swagger-ui/swagger-initializer.js");
            assertThat(initializer.status()).isEqualTo(200);
            assertThat(initializer.body()).doesNotContain("http://", "https://", "petstore");
            assertThat(get(side + "/swagger-ui/swagger-ui-bundle.js").status()).isEqualTo(200);
            RunningLedger.Answer config = get(side + "/v3/api-docs/swagger-config");
            assertThat(config.status()).isEqualTo(200);
            assertThat(config.json().get("url").asText()).isEqualTo("/v3/api-docs");
            assertThat(config.json().get("validatorUrl").asText()).isEqualTo("none");
            // the only address it names is the side's own (OAuth2's redirect page, unused: no OAuth2 flow is configured)
            assertThat(config.body().replace(side + "/", "")).doesNotContain("http://", "https://", "petstore");
        }
    }
}
