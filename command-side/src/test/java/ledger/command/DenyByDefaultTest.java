package ledger.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import ledger.access.Role;
import ledger.access.TestTokens;
import ledger.eventlog.TestMongo;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Deny by default (access.md): an endpoint no rule of {@link CommandSide#accessRules} names is refused to every caller,
 * the admin too; a path the rules name for other methods answers 405 with them in {@code Allow}. Through HTTP, with an
 * endpoint of this test's own that no rule names.
 */
@SpringBootTest(classes = {CommandSide.class, DenyByDefaultTest.Unnamed.class}, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=command-side", "ledger.pseudonym.key=test-key", "spring.jmx.enabled=false"})
class DenyByDefaultTest {

    private static final String URI_ = TestMongo.embedded();
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestProperties.mongoAndTokens(registry, URI_);
    }

    /** An endpoint added without a rule. */
    @RestController
    static class Unnamed {
        @GetMapping("/api/unnamed")
        String unnamed() {
            return "exposed";
        }
    }

    @LocalServerPort
    int port;
    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    private HttpResponse<String> send(String method, String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode problem(HttpResponse<String> answer, int status) throws Exception {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
        JsonNode body = JSON.readTree(answer.body());
        assertThat(body.get("status").asInt()).isEqualTo(status);
        assertThat(body.has("requiredRoles")).as("no role would do").isFalse();
        return body;
    }

    @Test
    void anEndpointNoRuleNamesIsRefusedToEveryCallerTheAdminToo() throws Exception {
        assertThat(mappings.getHandlerMethods().keySet()).as("the endpoint is there to be refused")
                .anyMatch(info -> info.getPatternValues().contains("/api/unnamed"));
        for (String token : new String[] {TestTokens.ADMIN, TestTokens.bearer(Role.RECORDER), TestTokens.bearer(Role.LEGAL)}) {
            HttpResponse<String> answer = send("GET", "/api/unnamed", token);
            assertThat(answer.body()).doesNotContain("exposed");
            assertThat(problem(answer, 404).get("instance").asText()).isEqualTo("/api/unnamed");
        }
        HttpResponse<String> anonymous = send("GET", "/api/unnamed", null);
        assertThat(anonymous.statusCode()).as("a token first").isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"ledger\"");
        problem(send("GET", "/error", TestTokens.ADMIN), 404);
        // a demand's own path is named (every method 405 with an empty Allow): it is read on the query side
        HttpResponse<String> onDemand = send("DELETE", "/api/demands/d-1", TestTokens.ADMIN);
        assertThat(problem(onDemand, 405).get("detail").asText()).contains("query side");
        assertThat(onDemand.headers().allValues("Allow")).containsExactly("");
    }

    @Test
    void aMethodNoRuleNamesOnANamedPathIs405WithTheMethodsTheRulesName() throws Exception {
        for (String path : new String[] {"/api/demands", "/api/demands/d-1/rejection", "/api/demands/d-1/corrections",
                "/api/demands/d-1/user-notice"}) {
            for (String method : new String[] {"DELETE", "PUT", "GET"}) {
                HttpResponse<String> answer = send(method, path, TestTokens.ADMIN);
                problem(answer, 405);
                assertThat(answer.headers().allValues("Allow")).as("%s %s", method, path).containsExactly("POST");
            }
        }
        assertThat(send("DELETE", "/api/demands/d-1/rejection", null).statusCode()).as("a token first").isEqualTo(401);
        HttpResponse<String> health = send("HEAD", "/actuator/health", null);
        assertThat(health.statusCode()).as("a GET's rule covers HEAD").isEqualTo(200);
        HttpResponse<String> metrics = send("POST", "/actuator/prometheus", TestTokens.ADMIN);
        problem(metrics, 405);
        assertThat(metrics.headers().allValues("Allow")).containsExactly("GET, HEAD");
    }
}
