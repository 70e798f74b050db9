package ledger.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.MongoCommandException;
import com.mongodb.ServerAddress;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import ledger.access.TestTokens;
import ledger.eventlog.TestMongo;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Errors raised outside any controller, in a filter after the security filters: a fault thrown (500, "internal
 * error" and the id of its one log line, nothing of the fault's message in the answer or the log), a fault that is
 * a refusal of the store (507, as from a controller), an error sent by a filter: all problem details of the error
 * path that replaces Boot's.
 */
@SpringBootTest(classes = {CommandSide.class, ErrorPathTest.FaultyFilter.class}, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=command-side", "ledger.pseudonym.key=test-key", "spring.jmx.enabled=false"})
@ExtendWith(OutputCaptureExtension.class)
class ErrorPathTest {

    private static final String URI_ = TestMongo.embedded();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PATH = "/actuator/prometheus";

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestProperties.mongoAndTokens(registry, URI_);
    }

    @LocalServerPort
    int port;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TestConfiguration
    static class FaultyFilter {
        @Bean
        FilterRegistrationBean<Filter> faulty() {
            Filter filter = (request, response, chain) -> {
                // on a path the access rules name (deny by default refuses any other before a filter of the app runs)
                String fault = String.valueOf(((HttpServletRequest) request).getHeader("X-Test-Fault"));
                switch (fault) {
                    case "fault" -> throw new IllegalStateException("a fault that names secret-account@example.org");
                    case "refused" -> {
                        BsonDocument error = new BsonDocument("ok", new BsonInt32(0)).append("code", new BsonInt32(14031))
                                .append("codeName", new BsonString("OutOfDiskSpace")).append("errmsg", new BsonString("disk full"));
                        throw new RuntimeException(new MongoCommandException(error, new ServerAddress()));
                    }
                    case "teapot" -> ((HttpServletResponse) response).sendError(418, "secret-account@example.org");
                    default -> chain.doFilter(request, response);
                }
            };
            FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>(filter);
            registration.addUrlPatterns("/actuator/prometheus");
            return registration;
        }
    }

    private HttpResponse<String> get(String fault) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + PATH)).header("Authorization", TestTokens.ADMIN)
                .header("X-Test-Fault", fault)
                .header("Accept", "text/html").GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode problem(HttpResponse<String> answer, int status) throws Exception {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
        assertThat(answer.body()).doesNotContain("secret-account", "Exception", "<html", "\"timestamp\"", "\"trace\"");
        JsonNode json = JSON.readTree(answer.body());
        assertThat(json.get("status").asInt()).isEqualTo(status);
        assertThat(json.get("title").asText()).isNotBlank();
        return json;
    }

    @Test
    void aFaultInAFilterIsAnInternalErrorWithTheIdOfItsOneLogLine(CapturedOutput output) throws Exception {
        JsonNode json = problem(get("fault"), 500);
        String id = json.get("errorId").asText();
        assertThat(json.get("detail").asText()).isEqualTo("internal error: the ledger's log has it under id " + id);
        assertThat(json.get("instance").asText()).isEqualTo(PATH);
        assertThat(output.getAll().lines().filter(l -> l.contains("internal error " + id))).hasSize(1)
                .allSatisfy(l -> assertThat(l).contains("GET " + PATH, "IllegalStateException"));
        assertThat(output.getAll()).doesNotContain("secret-account@example.org");
    }

    @Test
    void aRefusalOfTheStoreInAFilterIsA507AsFromAController() throws Exception {
        HttpResponse<String> answer = get("refused");
        JsonNode json = problem(answer, 507);
        assertThat(json.get("reason").asText()).isEqualTo("disk_full");
        assertThat(answer.headers().firstValue("Retry-After")).isPresent();
    }

    @Test
    void anErrorAFilterSendsIsAProblemDetailThatDoesNotEchoItsMessage() throws Exception {
        problem(get("teapot"), 418);
    }
}
