package ledger.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import ledger.access.TestTokens;
import ledger.eventlog.MongoEventLog;
import ledger.eventlog.TestMongo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * An identity provider that cannot be reached, first for its discovery document and then for its key set: a JWT
 * is then neither valid nor invalid, so the answer is a 503 the caller may retry (not a 401 telling it to log in
 * again, not a 500), nothing is stored, and the ledger's own tokens go on working.
 */
@SpringBootTest(classes = CommandSide.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=command-side", "ledger.pseudonym.key=test-key", "spring.jmx.enabled=false"})
class UnreachableProviderTest {

    private static final String MONGO = TestMongo.embedded();
    private static final AtomicBoolean DISCOVERY_UP = new AtomicBoolean(false);
    private static final HttpServer PROVIDER = provider();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestProperties.mongoAndTokens(registry, MONGO);
        registry.add("ledger.jwt.issuer-uri", UnreachableProviderTest::issuer);
    }

    @AfterAll
    static void stopProvider() {
        PROVIDER.stop(0);
    }

    @LocalServerPort
    int port;
    @Autowired
    MongoEventLog log;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void aJwtIsA503WhileTheProviderCannotBeReachedAndLedgerTokensStillWork() throws Exception {
        String jwt = jwt();
        long head = log.headPosition();

        HttpResponse<String> discoveryDown = receive("2014-H1-IDP-DOWN-1", "Bearer " + jwt);
        assertUnavailable(discoveryDown);

        DISCOVERY_UP.set(true); // the discovery document now answers; the key set it names still does not
        HttpResponse<String> keysDown = receive("2014-H1-IDP-DOWN-2", "Bearer " + jwt);
        assertUnavailable(keysDown);
        assertThat(log.headPosition()).as("nothing stored").isEqualTo(head);

        HttpResponse<String> ledgerToken = receive("2014-H1-IDP-DOWN-3", TestTokens.bearer(ledger.access.Role.RECORDER));
        assertThat(ledgerToken.statusCode()).as(ledgerToken.body()).isEqualTo(201);
    }

    private static void assertUnavailable(HttpResponse<String> answer) throws Exception {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
        assertThat(answer.headers().firstValue("Retry-After")).isPresent();
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
        JsonNode problem = new ObjectMapper().readTree(answer.body());
        assertThat(problem.get("status").asInt()).isEqualTo(503);
        assertThat(problem.get("detail").asText()).contains("identity provider");
    }

    private HttpResponse<String> receive(String id, String authorization) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/demands")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("Authorization", authorization)
                .POST(HttpRequest.BodyPublishers.ofString("{\"demandId\":\"" + id + "\",\"receivedAt\":\"2014-03-02T10:15:00Z\","
                        + "\"jurisdiction\":\"US\",\"agency\":\"FBI\",\"legalProcess\":\"SUBPOENA\",\"accounts\":[\"someone@example.org\"]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A provider whose discovery document fails until told otherwise, and whose key set always fails. */
    private static HttpServer provider() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/.well-known/openid-configuration", exchange -> {
                byte[] body = DISCOVERY_UP.get() ? new ObjectMapper().writeValueAsBytes(Map.of("issuer", issuer(),
                        "jwks_uri", issuer() + "/jwks", "subject_types_supported", List.of("public"),
                        "id_token_signing_alg_values_supported", List.of("RS256"))) : new byte[0];
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(DISCOVERY_UP.get() ? 200 : 503, body.length == 0 ? -1 : body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.createContext("/jwks", exchange -> {
                exchange.sendResponseHeaders(503, -1);
                exchange.close();
            });
            server.start();
            return server;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String issuer() {
        return "http://127.0.0.1:" + PROVIDER.getAddress().getPort();
    }

    private static String jwt() throws Exception {
        Instant now = Instant.now();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("provider-key").build(),
                new JWTClaimsSet.Builder().issuer(issuer()).subject("someone").claim("roles", List.of("recorder"))
                        .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300))).build());
        jwt.sign(new RSASSASigner(new RSAKeyGenerator(2048).keyID("provider-key").generate()));
        return jwt.serialize();
    }
}
