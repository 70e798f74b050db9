package ledger.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import ledger.access.Role;
import ledger.access.TestTokens;
import ledger.eventlog.MongoEventLog;
import ledger.eventlog.RecordedEvent;
import ledger.eventlog.TestMongo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * JWTs from an identity provider (security.md, "An identity provider"), spoken to through HTTP: the test is the
 * provider. It signs JWTs with an RSA key of its own and serves, as Keycloak, Entra ID or Okta do, its OpenID
 * configuration and its key set on a port of its own; the command side is given only the issuer's URL and finds
 * the keys from there. A valid JWT logs a demand under its actor; one that fails any check is a 401 that stores
 * nothing; the ledger's own tokens still work beside JWTs.
 */
@SpringBootTest(classes = CommandSide.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=command-side", "ledger.pseudonym.key=test-key", "spring.jmx.enabled=false",
                "ledger.jwt.audience=ledger", "ledger.jwt.roles-claim=realm_access.roles"})
class IdentityProviderTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger IDS = new AtomicInteger();
    private static final String MONGO = TestMongo.embedded();

    private static final RSAKey KEY = newKey("provider-key");
    /** Not the provider's: same key id, another key, so only the signature tells them apart. */
    private static final RSAKey FORGER = newKey("provider-key");
    private static final Provider PROVIDER = new Provider(KEY);

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestProperties.mongoAndTokens(registry, MONGO);
        registry.add("ledger.jwt.issuer-uri", PROVIDER::issuer);
    }

    @AfterAll
    static void stopProvider() {
        PROVIDER.stop();
    }

    @LocalServerPort
    int port;
    @Autowired
    MongoEventLog log;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void aValidJwtWithTheRecorderRoleLogsADemandUnderItsPreferredUsername() throws Exception {
        String jwt = sign(KEY, claims(c -> c.claim("preferred_username", "alice.intake")
                .claim("realm_access", Map.of("roles", List.of("recorder", "somethingElse")))));
        String id = newId();
        HttpResponse<String> answer = receive(id, "Bearer " + jwt);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
        assertThat(actorsOf(id)).containsExactly("alice.intake");
        assertThat(PROVIDER.configurationRequests.get()).as("the provider's configuration was asked for").isPositive();
        assertThat(PROVIDER.keySetRequests.get()).as("the provider's key set was asked for").isPositive();
    }

    @Test
    void withoutAPreferredUsernameTheActorIsTheSubject() throws Exception {
        String jwt = sign(KEY, claims(c -> c.claim("realm_access", Map.of("roles", List.of("recorder")))
                .audience("ledger"))); // aud as a single string, as some providers write it
        String id = newId();
        HttpResponse<String> answer = receive(id, "Bearer " + jwt);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
        assertThat(actorsOf(id)).containsExactly("5f0c2a9e-subject-of-the-caller");
    }

    @Test
    void aValidJwtWithoutTheRoleIsA403NamingTheRolesThatWouldDo() throws Exception {
        String jwt = sign(KEY, claims(c -> c.claim("preferred_username", "vera.viewer")
                .claim("realm_access", Map.of("roles", List.of("viewer"))).claim("roles", List.of("recorder"))));
        String id = newId();
        long head = log.headPosition();
        HttpResponse<String> answer = receive(id, "Bearer " + jwt);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(403);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
        JsonNode problem = JSON.readTree(answer.body());
        assertThat(problem.get("status").asInt()).isEqualTo(403);
        assertThat(problem.get("requiredRoles")).isNotNull();
        assertThat(strings(problem.get("requiredRoles"))).contains("recorder", "legal").doesNotContain("viewer");
        assertThat(log.headPosition()).isEqualTo(head);
        assertThat(log.recordedEventsOf(id)).isEmpty();
    }

    @Test
    void aJwtThatFailsAnyCheckIsA401ThatStoresNothing() throws Exception {
        Map<String, String> refused = new LinkedHashMap<>();
        Instant now = Instant.now();
        // the validators allow 60 s of clock skew: well past it
        refused.put("expired", sign(KEY, recorder(c -> c.issueTime(Date.from(now.minusSeconds(1_200)))
                .expirationTime(Date.from(now.minusSeconds(600))))));
        refused.put("never expires (no exp)", sign(KEY, recorder(c -> c.expirationTime(null))));
        refused.put("not yet valid (nbf)", sign(KEY, recorder(c -> c.notBeforeTime(Date.from(now.plusSeconds(600))))));
        refused.put("signed by another key", sign(FORGER, recorder(c -> { })));
        refused.put("another audience", sign(KEY, recorder(c -> c.audience(List.of("account", "another-service")))));
        refused.put("no audience", sign(KEY, recorder(c -> c.audience((String) null))));
        refused.put("another issuer", sign(KEY, recorder(c -> c.issuer("http://127.0.0.1:1/realms/elsewhere"))));
        refused.put("unsigned (alg none)", new com.nimbusds.jwt.PlainJWT(recorder(c -> { })).serialize());
        // the same claims, signed by the provider's key: accepted, so each refusal above is for its one fault
        String good = sign(KEY, recorder(c -> { }));
        for (Map.Entry<String, String> jwt : refused.entrySet()) {
            String id = newId();
            long head = log.headPosition();
            HttpResponse<String> answer = receive(id, "Bearer " + jwt.getValue());
            assertThat(answer.statusCode()).as("%s: %s", jwt.getKey(), answer.body()).isEqualTo(401);
            assertThat(answer.headers().allValues("WWW-Authenticate")).as(jwt.getKey()).containsExactly("Bearer realm=\"ledger\"");
            assertThat(answer.headers().firstValue("Content-Type")).as(jwt.getKey())
                    .hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
            assertThat(JSON.readTree(answer.body()).get("status").asInt()).as(jwt.getKey()).isEqualTo(401);
            assertThat(answer.body()).as("%s: the answer echoes nothing of the token", jwt.getKey())
                    .doesNotContain(jwt.getValue().split("\\.")[1]);
            assertThat(log.headPosition()).as("%s: nothing stored", jwt.getKey()).isEqualTo(head);
            assertThat(log.recordedEventsOf(id)).as(jwt.getKey()).isEmpty();
        }
        String id = newId();
        assertThat(receive(id, "Bearer " + good).statusCode()).isEqualTo(201);
        assertThat(actorsOf(id)).containsExactly("rita.recorder");
    }

    @Test
    void theLedgersOwnTokensWorkBesideJwts() throws Exception {
        String id = newId();
        assertThat(receive(id, TestTokens.bearer(Role.RECORDER)).statusCode()).isEqualTo(201);
        String jwt = sign(KEY, recorder(c -> { }));
        HttpResponse<String> disclosure = post("/api/demands/" + id + "/subscriber-disclosures",
                "{\"occurredAt\":\"2014-03-03T10:15:00Z\"}", "Bearer " + jwt);
        assertThat(disclosure.statusCode()).as(disclosure.body()).isEqualTo(201);
        assertThat(actorsOf(id)).containsExactly("recorder", "rita.recorder");

        HttpResponse<String> viewer = receive(newId(), TestTokens.bearer(Role.VIEWER));
        assertThat(viewer.statusCode()).isEqualTo(403);
        HttpResponse<String> unknown = receive(newId(), "Bearer ldg_not-a-token-of-this-ledger");
        assertThat(unknown.statusCode()).isEqualTo(401);
        assertThat(unknown.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"ledger\"");
    }

    // ---- the identity provider ----

    /** An identity provider's two public documents, as a provider serves them. */
    private static final class Provider {
        final HttpServer server;
        final AtomicInteger configurationRequests = new AtomicInteger();
        final AtomicInteger keySetRequests = new AtomicInteger();

        Provider(RSAKey key) {
            try {
                server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            byte[] keySet = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
            server.createContext("/.well-known/openid-configuration", exchange -> {
                configurationRequests.incrementAndGet();
                Map<String, Object> configuration = new LinkedHashMap<>();
                configuration.put("issuer", issuer());
                configuration.put("jwks_uri", issuer() + "/jwks");
                configuration.put("id_token_signing_alg_values_supported", List.of("RS256"));
                configuration.put("subject_types_supported", List.of("public"));
                configuration.put("response_types_supported", List.of("code"));
                configuration.put("authorization_endpoint", issuer() + "/auth");
                configuration.put("token_endpoint", issuer() + "/token");
                respond(exchange, JSON.writeValueAsBytes(configuration));
            });
            server.createContext("/jwks", exchange -> {
                keySetRequests.incrementAndGet();
                respond(exchange, keySet);
            });
            server.start();
        }

        String issuer() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        void stop() {
            server.stop(0);
        }

        private static void respond(com.sun.net.httpserver.HttpExchange exchange, byte[] body) throws IOException {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static RSAKey newKey(String keyId) {
        try {
            return new RSAKeyGenerator(2048).keyID(keyId).generate();
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Valid claims for the ledger (issuer, audience among others, a subject, issued now for five minutes), then {@code more}. */
    private static JWTClaimsSet claims(Consumer<JWTClaimsSet.Builder> more) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(PROVIDER.issuer()).subject("5f0c2a9e-subject-of-the-caller")
                .audience(List.of("account", "ledger")).issueTime(Date.from(now)).notBeforeTime(Date.from(now.minusSeconds(5)))
                .expirationTime(Date.from(now.plusSeconds(300))).jwtID("jti-" + IDS.incrementAndGet());
        more.accept(claims);
        return claims.build();
    }

    private static JWTClaimsSet recorder(Consumer<JWTClaimsSet.Builder> more) {
        return claims(c -> {
            c.claim("preferred_username", "rita.recorder").claim("realm_access", Map.of("roles", List.of("recorder")));
            more.accept(c);
        });
    }

    private static String sign(RSAKey key, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(), claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- the ledger ----

    private static String newId() {
        return "2014-H1-IDP-" + IDS.incrementAndGet() + "-" + System.nanoTime();
    }

    private HttpResponse<String> receive(String id, String authorization) throws Exception {
        return post("/api/demands", "{\"demandId\":\"" + id + "\",\"receivedAt\":\"2014-03-02T10:15:00Z\",\"jurisdiction\":\"US\","
                + "\"agency\":\"FBI\",\"legalProcess\":\"SUBPOENA\",\"accounts\":[\"someone@example.org\"]}", authorization);
    }

    private HttpResponse<String> post(String path, String body, String authorization) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("Authorization", authorization)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The actor in each stored event's metadata, in order. */
    private List<String> actorsOf(String id) throws IOException {
        List<RecordedEvent> events = log.recordedEventsOf(id);
        List<String> actors = new java.util.ArrayList<>();
        for (RecordedEvent e : events) {
            JsonNode metaData = JSON.readTree(e.metaDataJson());
            actors.add(metaData.path("actor").isTextual() ? metaData.get("actor").asText() : String.valueOf(metaData.get("actor")));
        }
        return actors;
    }

    private static Set<String> strings(JsonNode array) {
        Set<String> values = new java.util.TreeSet<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }
}
