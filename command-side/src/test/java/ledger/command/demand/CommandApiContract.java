package ledger.command.demand;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import ledger.access.Role;
import ledger.access.TestTokens;
import ledger.command.CommandSide;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import ledger.eventlog.MongoEventLog;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The command API of api.md, spoken to through HTTP, on the MongoDB each subclass names. */
@SpringBootTest(classes = CommandSide.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=command-side", "ledger.pseudonym.key=test-key", "spring.jmx.enabled=false"})
abstract class CommandApiContract {

    private static final AtomicInteger IDS = new AtomicInteger();
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    static final java.nio.file.Path TOKENS = TestTokens.file();

    @DynamicPropertySource
    static void tokens(DynamicPropertyRegistry registry) {
        registry.add("ledger.tokens.file", TOKENS::toString);
        registry.add("ledger.tokens.admin-token-file", () -> TOKENS.resolveSibling("admin.token").toString());
    }

    @LocalServerPort
    int port;
    @Autowired
    MongoEventLog log;
    @Autowired
    MongoDatabase database;
    @Autowired
    org.springframework.core.env.Environment environment;

    record Answer(int status, JsonNode body, HttpResponse<String> raw) {
    }

    Answer post(String path, String body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        boolean signed = false;
        for (int i = 0; i < headers.length; i += 2) {
            signed |= headers[i].equalsIgnoreCase("Authorization");
            if (!headers[i + 1].equals("none")) {
                request.header(headers[i], headers[i + 1]);
            }
        }
        if (!signed) {
            request.header("Authorization", TestTokens.bearer(Role.LEGAL));
        }
        HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body().isEmpty() ? null : JSON.readTree(r.body()), r);
    }

    static String newId() {
        return "2014-H1-T-" + IDS.incrementAndGet() + "-" + System.nanoTime();
    }

    static String receipt(String id, String jurisdiction) {
        return "{\"demandId\":\"" + id + "\",\"receivedAt\":\"2014-03-02T10:15:00Z\",\"jurisdiction\":\"" + jurisdiction
                + "\",\"agency\":\"FBI\",\"legalProcess\":\"SUBPOENA\",\"accounts\":[\"Someone@Example.org \"]}";
    }

    String received() throws Exception {
        String id = newId();
        assertThat(post("/api/demands", receipt(id, "US")).status()).isEqualTo(201);
        return id;
    }

    static final String AT = "{\"occurredAt\":\"2014-03-03T10:15:00Z\"}";

    private void assertProblem(Answer a, int status, String field) {
        assertThat(a.status()).as(a.raw().body()).isEqualTo(status);
        assertThat(a.raw().headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
        assertThat(a.body().get("status").asInt()).isEqualTo(status);
        assertThat(a.body().get("title").asText()).isNotBlank();
        assertThat(a.body().get("field").asText()).isEqualTo(field);
        assertThat(a.body().get("detail").asText()).contains(field.equals("body") ? "" : field);
    }

    /** The events' instants are read back by the log's own reader, not the JDK's formatter (a third of a replay's decoding). */
    @Test
    void theEventSerializerReadsInstantsByArithmetic() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper mapper =
                ((org.axonframework.serialization.json.JacksonSerializer) log.getEventSerializer()).getObjectMapper();
        com.fasterxml.jackson.databind.deser.DefaultDeserializationContext context =
                ((com.fasterxml.jackson.databind.deser.DefaultDeserializationContext) mapper.getDeserializationContext())
                        .createInstance(mapper.getDeserializationConfig(), null, null);
        assertThat(context.findRootValueDeserializer(mapper.constructType(java.time.Instant.class)).getClass().getSimpleName())
                .isEqualTo("CanonicalInstants");
    }

    @Test
    void aReceiptAnswers201WithItsLocationAndLogPosition() throws Exception {
        String id = newId();
        long before = log.headPosition();
        Answer a = post("/api/demands", receipt(id, "US"));
        assertThat(a.status()).isEqualTo(201);
        assertThat(a.raw().headers().firstValue("Location")).contains("/api/demands/" + id);
        assertThat(a.body().get("position").asLong()).isGreaterThan(before).isEqualTo(log.headPosition());
    }

    @Test
    void answersAreJsonOfTheDemandIdAndThePosition() throws Exception {
        String id = newId();
        Answer receipt = post("/api/demands", receipt(id, "US"));
        assertThat(receipt.raw().headers().firstValue("Content-Type")).contains("application/json");
        assertThat(receipt.raw().body()).isEqualTo("{\"demandId\":\"" + id + "\",\"position\":" + log.headPosition() + "}");
        Answer disposition = post("/api/demands/" + id + "/subscriber-disclosures", AT);
        assertThat(disposition.status()).isEqualTo(201);
        assertThat(disposition.raw().headers().firstValue("Location")).isEmpty();
        assertThat(disposition.raw().headers().firstValue("Content-Type")).contains("application/json");
        assertThat(disposition.raw().body()).isEqualTo("{\"demandId\":\"" + id + "\",\"position\":" + log.headPosition() + "}");
    }

    @Test
    void theSameReceiptAgainAnswersAsTheFirstTimeAndStoresNothing() throws Exception {
        String id = newId();
        Answer first = post("/api/demands", receipt(id, "US"));
        long head = log.headPosition();
        Answer again = post("/api/demands", receipt(id, "US"));
        assertThat(again.status()).isEqualTo(201);
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(log.headPosition()).isEqualTo(head);
        assertProblem(post("/api/demands", receipt(id, "GB")), 409, "demandId");
        assertThat(log.headPosition()).isEqualTo(head);
    }

    @Test
    void aRepeatedReceiptIsJudgedAgainstTheStoredDemandWhateverCameSince() throws Exception {
        String id = received();
        Answer first = post("/api/demands", receipt(id, "US"));
        assertThat(post("/api/demands/" + id + "/subscriber-disclosures", AT).status()).isEqualTo(201);
        long head = log.headPosition();
        Answer again = post("/api/demands", receipt(id, "US"));
        assertThat(again.status()).isEqualTo(201);
        assertThat(again.raw().headers().firstValue("Location")).contains("/api/demands/" + id);
        assertThat(again.body()).isEqualTo(first.body());
        // another body is a 409 before its receivedAt in the future is a 400, as for any demand received before
        assertProblem(post("/api/demands", receipt(id, "GB").replace("2014-03-02T10:15:00Z", "2999-03-02T10:15:00Z")), 409, "demandId");
        assertThat(log.headPosition()).isEqualTo(head);
        assertThat(log.eventsOf(id)).hasSize(2);
    }

    @Test
    void aKeyedReceiptIsStoredOnceAndItsRepeatsAnswerTheFirstAnswer() throws Exception {
        String id = newId();
        String key = "receipt-" + id;
        Answer first = post("/api/demands", receipt(id, "US"), "Idempotency-Key", key);
        assertThat(first.status()).isEqualTo(201);
        long head = log.headPosition();
        assertThat(first.body().get("position").asLong()).isEqualTo(head);
        assertThat(first.raw().headers().firstValue("Idempotent-Replayed")).as("a first answer stored its event").isEmpty();
        Answer again = post("/api/demands", receipt(id, "US"), "Idempotency-Key", key);
        assertThat(again.status()).isEqualTo(201);
        assertThat(again.raw().headers().firstValue("Location")).contains("/api/demands/" + id);
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(again.raw().headers().firstValue("Idempotent-Replayed")).as("a repeat says it stored nothing").contains("true");
        Answer otherKey = post("/api/demands", receipt(id, "US"), "Idempotency-Key", key + "-other");
        assertThat(otherKey.status()).isEqualTo(201);
        assertThat(otherKey.body()).isEqualTo(first.body());
        assertThat(otherKey.raw().headers().firstValue("Idempotent-Replayed")).as("the same receipt again stored nothing").contains("true");
        assertProblem(post("/api/demands", receipt(id, "GB"), "Idempotency-Key", key), 422, "Idempotency-Key");
        assertProblem(post("/api/demands", receipt(id, "GB"), "Idempotency-Key", key + "-another"), 409, "demandId");
        assertThat(log.headPosition()).isEqualTo(head);
        assertThat(log.eventsOf(id)).hasSize(1);
        assertThat(log.findByIdempotencyKey(key)).hasValueSatisfying(k -> assertThat(k.lastPosition()).isEqualTo(head));
        assertThat(log.findByIdempotencyKey(key + "-other")).isEmpty();
    }

    @Test
    void ofConcurrentReceiptsOfOneNewDemandOneIsStoredAndAllAnswerIt() throws Exception {
        for (boolean keyed : new boolean[] {false, true}) {
            String id = newId();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Answer> answers = new ArrayList<>();
            try {
                List<Future<Answer>> futures = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    // half of them with another body: whichever body is stored first, the other half is a 409
                    String body = receipt(id, i % 2 == 0 ? "US" : "GB");
                    String[] headers = keyed ? new String[] {"Idempotency-Key", "concurrent-" + id + "-" + i} : new String[0];
                    futures.add(pool.submit(() -> post("/api/demands", body, headers)));
                }
                for (Future<Answer> f : futures) {
                    answers.add(f.get());
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(log.eventsOf(id)).as("one receipt stored").hasSize(1);
            long position = log.eventsOf(id).get(0).position();
            String stored = ((ledger.events.DemandReceived) log.eventsOf(id).get(0).payload()).jurisdiction().code();
            for (int i = 0; i < answers.size(); i++) {
                Answer a = answers.get(i);
                boolean sameBody = stored.equals(i % 2 == 0 ? "US" : "GB");
                if (sameBody) {
                    assertThat(a.status()).as(a.raw().body()).isEqualTo(201);
                    assertThat(a.body().get("position").asLong()).isEqualTo(position);
                    assertThat(a.raw().headers().firstValue("Location")).contains("/api/demands/" + id);
                } else {
                    assertProblem(a, 409, "demandId");
                }
            }
        }
    }

    @Test
    void anIdempotencyKeyRepeatsTheFirstAnswerAndAnotherBodyIs422() throws Exception {
        String id = received();
        String key = "key-" + id;
        Answer first = post("/api/demands/" + id + "/subscriber-disclosures", AT, "Idempotency-Key", key);
        long head = log.headPosition();
        assertThat(first.raw().headers().firstValue("Idempotent-Replayed")).isEmpty();
        Answer again = post("/api/demands/" + id + "/subscriber-disclosures", AT, "Idempotency-Key", key);
        assertThat(again.status()).isEqualTo(201);
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(again.raw().headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(log.headPosition()).isEqualTo(head);
        assertProblem(post("/api/demands/" + id + "/subscriber-disclosures", "{\"occurredAt\":\"2014-03-04T10:15:00Z\"}",
                "Idempotency-Key", key), 422, "Idempotency-Key");
        assertProblem(post("/api/demands/" + id + "/content-disclosures", AT, "Idempotency-Key", key), 422, "Idempotency-Key");
        assertThat(log.headPosition()).isEqualTo(head);
        // without a key, a second disclosure is a supplemental disclosure
        Answer supplemental = post("/api/demands/" + id + "/subscriber-disclosures", AT);
        assertThat(supplemental.status()).isEqualTo(201);
        assertThat(supplemental.raw().headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(log.headPosition()).isEqualTo(head + 1);
    }

    @Test
    void everyDispositionAndCorrectionIsAccepted() throws Exception {
        String escalated = received();
        assertThat(post("/api/demands/" + escalated + "/subscriber-disclosures", AT).status()).isEqualTo(201);
        assertThat(post("/api/demands/" + escalated + "/content-disclosures", AT).status()).isEqualTo(201);
        assertThat(post("/api/demands/" + escalated + "/corrections", "{\"jurisdiction\":\"GB\",\"accounts\":[]}").status()).isEqualTo(201);
        String none = received();
        assertThat(post("/api/demands/" + none + "/no-data-found", AT).status()).isEqualTo(201);
        String rejected = received();
        assertThat(post("/api/demands/" + rejected + "/rejection", "{\"occurredAt\":\"2014-03-03T10:15:00Z\",\"reason\":\"OVERBROAD\"}").status()).isEqualTo(201);
        assertThat(post("/api/demands/" + rejected + "/corrections", "{\"receivedAt\":\"2014-03-01T00:00:00Z\",\"agency\":\"DEA\",\"legalProcess\":\"COURT_ORDER\"}").status()).isEqualTo(201);
    }

    @Test
    void malformedOrInvalidBodiesAre400NamingTheField() throws Exception {
        String id = received();
        long head = log.headPosition();
        assertProblem(post("/api/demands", "{\"demandId\": "), 400, "body");
        assertProblem(post("/api/demands", "[1,2]"), 400, "body");
        assertProblem(post("/api/demands", receipt(newId(), "XX")), 400, "jurisdiction");
        assertProblem(post("/api/demands", receipt(newId(), "us")), 400, "jurisdiction");
        assertProblem(post("/api/demands", receipt(newId(), "US").replace("SUBPOENA", "WIRETAP")), 400, "legalProcess");
        assertProblem(post("/api/demands", receipt(newId(), "US").replace("2014-03-02T10:15:00Z", "2014-03-02")), 400, "receivedAt");
        assertProblem(post("/api/demands", receipt(newId(), "US").replace("2014-03-02T10:15:00Z", "2999-03-02T10:15:00Z")), 400, "receivedAt");
        assertProblem(post("/api/demands", receipt(newId(), "US").replace("\"agency\":\"FBI\",", "")), 400, "agency");
        assertProblem(post("/api/demands", receipt(newId(), "US").replace("\"accounts\":[\"Someone@Example.org \"]", "\"accounts\":\"x\"")), 400, "accounts");
        assertProblem(post("/api/demands", receipt(newId(), "US").replace("\"agency\"", "\"agencyy\"")), 400, "agencyy");
        assertProblem(post("/api/demands/" + id + "/content-disclosures", "{}"), 400, "occurredAt");
        assertProblem(post("/api/demands/" + id + "/content-disclosures", "{\"occurredAt\":\"2999-01-01T00:00:00Z\"}"), 400, "occurredAt");
        assertProblem(post("/api/demands/" + id + "/rejection", "{\"occurredAt\":\"2014-03-03T10:15:00Z\",\"reason\":\"BORED\"}"), 400, "reason");
        assertProblem(post("/api/demands/" + id + "/corrections", "{}"), 400, "body");
        assertThat(log.headPosition()).as("a refused command stores nothing").isEqualTo(head);
    }

    @Test
    void anUnknownDemandIs404() throws Exception {
        long head = log.headPosition();
        assertProblem(post("/api/demands/" + newId() + "/no-data-found", AT), 404, "id");
        assertProblem(post("/api/demands/" + newId() + "/corrections", "{\"jurisdiction\":\"GB\"}"), 404, "id");
        assertThat(log.headPosition()).isEqualTo(head);
    }

    @Test
    void forbiddenTransitionsAre409AndStoreNothing() throws Exception {
        String disclosed = received();
        post("/api/demands/" + disclosed + "/subscriber-disclosures", AT);
        String closed = received();
        post("/api/demands/" + closed + "/no-data-found", AT);
        long head = log.headPosition();
        assertProblem(post("/api/demands/" + disclosed + "/no-data-found", AT), 409, "demandId");
        assertProblem(post("/api/demands/" + disclosed + "/rejection", "{\"occurredAt\":\"2014-03-03T10:15:00Z\",\"reason\":\"OTHER\"}"), 409, "demandId");
        assertProblem(post("/api/demands/" + closed + "/content-disclosures", AT), 409, "demandId");
        assertProblem(post("/api/demands/" + closed + "/no-data-found", AT), 409, "demandId");
        assertProblem(post("/api/demands/" + disclosed + "/content-disclosures", "{\"occurredAt\":\"2014-03-01T10:15:00Z\"}"), 409, "occurredAt");
        assertProblem(post("/api/demands/" + disclosed + "/corrections", "{\"receivedAt\":\"2014-03-04T00:00:00Z\"}"), 409, "receivedAt");
        assertThat(log.headPosition()).isEqualTo(head);
    }

    @Test
    void ofConcurrentClosingCommandsOnOneDemandExactlyOneWins() throws Exception {
        String id = received();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                Callable<Integer> close = () -> post("/api/demands/" + id + "/no-data-found", AT).status();
                answers.add(pool.submit(close));
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> f : answers) {
                statuses.add(f.get());
            }
            assertThat(statuses).containsOnly(201, 409).filteredOn(s -> s == 201).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(log.lastSequenceNumberFor(id)).contains(1L);
    }

    /**
     * This instance keeps the demands it commanded in memory; another instance's commands on them must count
     * all the same: nothing is accepted or refused on a stale demand.
     */
    @Test
    void demandsChangedByAnotherInstanceAreJudgedAsTheLogHasThem() throws Exception {
        String corrected = received();
        String closed = received();
        try (ConfigurableApplicationContext other = CommandSide.application().run("--server.port=0",
                "--ledger.mongodb.uri=" + environment.getProperty("ledger.mongodb.uri"), "--ledger.pseudonym.key=test-key",
                "--spring.jmx.enabled=false", "--ledger.tokens.file=" + TOKENS,
                "--ledger.tokens.admin-token-file=" + TOKENS.resolveSibling("admin.token"))) {
            int otherPort = Integer.parseInt(other.getEnvironment().getProperty("local.server.port"));
            int here = port;
            port = otherPort;
            try {
                assertThat(post("/api/demands/" + corrected + "/corrections", "{\"receivedAt\":\"2014-03-01T00:00:00Z\"}").status()).isEqualTo(201);
                assertThat(post("/api/demands/" + closed + "/rejection", "{\"occurredAt\":\"2014-03-03T10:15:00Z\",\"reason\":\"OTHER\"}").status()).isEqualTo(201);
            } finally {
                port = here;
            }
        }
        // before the other instance's correction this disclosure would be earlier than the receipt
        assertThat(post("/api/demands/" + corrected + "/subscriber-disclosures", "{\"occurredAt\":\"2014-03-01T12:00:00Z\"}").status()).isEqualTo(201);
        long head = log.headPosition();
        assertProblem(post("/api/demands/" + closed + "/content-disclosures", AT), 409, "demandId");
        assertThat(log.headPosition()).isEqualTo(head);
        assertThat(log.lastSequenceNumberFor(closed)).contains(1L);
    }

    @Test
    void rawAccountIdentifiersAreNeverStored() throws Exception {
        received();
        for (Document commit : database.getCollection("event_log").find()) {
            assertThat(commit.toJson().toLowerCase()).doesNotContain("someone@example.org");
        }
    }

    @Test
    void aStartWithAnotherPseudonymKeyIsRefused() {
        assertThatThrownBy(() -> new Pseudonyms("another-key", "unused", database))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not the one this event log was written with");
        assertThat(new Pseudonyms("test-key", "unused", database).of(" A@B.org ")).isEqualTo(new Pseudonyms("test-key", "unused", database).of("a@b.org"));
    }

    // ---------------------------------------------------------------- security.md

    private void assertRefused(Answer a, int status) {
        assertThat(a.status()).as(a.raw().body()).isEqualTo(status);
        assertThat(a.raw().headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
        assertThat(a.body().get("status").asInt()).isEqualTo(status);
        if (status == 401) {
            assertThat(a.raw().headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"ledger\"");
        }
    }

    @Test
    void aRequestWithoutAValidTokenIs401BeforeItsBodyIsLookedAtAndStoresNothing() throws Exception {
        String id = newId();
        long head = log.headPosition();
        assertRefused(post("/api/demands", "{not json", "Authorization", "none"), 401);
        assertRefused(post("/api/demands", receipt(id, "US"), "Authorization", "none"), 401);
        assertRefused(post("/api/demands", receipt(id, "US"), "Authorization", "Bearer ldg_not-a-token-of-this-ledger"), 401);
        assertRefused(post("/api/demands", receipt(id, "US"), "Authorization", "Basic YWRtaW46YWRtaW4="), 401);
        assertRefused(post("/api/demands/" + id + "/corrections", "{\"jurisdiction\":\"GB\"}", "Authorization", "none"), 401);
        assertThat(log.headPosition()).isEqualTo(head);
        assertThat(log.firstPositionOf(id)).isEmpty();
    }

    @Test
    void healthIsPublicWithoutDetails() throws Exception {
        for (String path : List.of("/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness")) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            assertThat(JSON.readTree(r.body()).get("status").asText()).isEqualTo("UP");
            assertThat(r.body()).doesNotContain("components");
        }
    }

    @Test
    void eachRoleMayDoWhatTheTableSaysAndA403NamesTheRolesThatWould() throws Exception {
        String id = newId();
        long head = log.headPosition();
        for (Role role : new Role[] {Role.VIEWER, Role.PUBLISHER, Role.AUDITOR}) {
            Answer refused = post("/api/demands", receipt(id, "US"), "Authorization", TestTokens.bearer(role));
            assertRefused(refused, 403);
            assertThat(refused.body().get("requiredRoles")).extracting(JsonNode::asText).containsExactly("admin", "legal", "recorder");
        }
        assertThat(log.headPosition()).isEqualTo(head);
        assertThat(post("/api/demands", receipt(id, "US"), "Authorization", TestTokens.bearer(Role.RECORDER)).status()).isEqualTo(201);
        Answer correction = post("/api/demands/" + id + "/corrections", "{\"jurisdiction\":\"GB\"}", "Authorization", TestTokens.bearer(Role.RECORDER));
        assertRefused(correction, 403);
        assertThat(correction.body().get("requiredRoles")).extracting(JsonNode::asText).containsExactly("admin", "legal");
        for (String disposition : new String[] {"subscriber-disclosures", "content-disclosures", "no-data-found"}) {
            assertRefused(post("/api/demands/" + id + "/" + disposition, AT, "Authorization", TestTokens.bearer(Role.VIEWER)), 403);
        }
        assertThat(post("/api/demands/" + id + "/subscriber-disclosures", AT, "Authorization", TestTokens.bearer(Role.RECORDER)).status()).isEqualTo(201);
        assertThat(post("/api/demands/" + id + "/corrections", "{\"jurisdiction\":\"GB\"}", "Authorization", TestTokens.bearer(Role.LEGAL)).status()).isEqualTo(201);
        assertThat(post("/api/demands/" + id + "/content-disclosures", AT, "Authorization", TestTokens.ADMIN).status()).isEqualTo(201);
        assertThat(log.lastSequenceNumberFor(id)).contains(3L);
    }

    @Test
    void everyStoredEventCarriesItsActorAndAKeyedRepeatByAnotherStoresNothing() throws Exception {
        String id = newId();
        assertThat(post("/api/demands", receipt(id, "US"), "Authorization", TestTokens.bearer(Role.RECORDER)).status()).isEqualTo(201);
        Answer first = post("/api/demands/" + id + "/corrections", "{\"agency\":\"DEA\"}", "Authorization", TestTokens.bearer(Role.LEGAL),
                "Idempotency-Key", "actor-" + id);
        assertThat(first.status()).isEqualTo(201);
        Answer repeat = post("/api/demands/" + id + "/corrections", "{\"agency\":\"DEA\"}", "Authorization", TestTokens.ADMIN,
                "Idempotency-Key", "actor-" + id);
        assertThat(repeat.status()).isEqualTo(201);
        assertThat(repeat.raw().body()).isEqualTo(first.raw().body());
        assertThat(post("/api/demands/" + id + "/rejection", "{\"occurredAt\":\"2014-03-03T10:15:00Z\",\"reason\":\"OVERBROAD\"}",
                "Authorization", TestTokens.ADMIN).status()).isEqualTo(201);
        List<String> actors = new ArrayList<>();
        for (ledger.eventlog.RecordedEvent e : log.recordedEventsOf(id)) {
            actors.add(JSON.readTree(e.metaDataJson()).path("actor").asText(null));
        }
        assertThat(actors).containsExactly("recorder", "legal", "admin");
    }

    // ---------------------------------------------------------------- tracking.md

    private static String path(String id, String command) {
        return "/api/demands/" + id + "/" + command;
    }

    private String disclosed() throws Exception {
        String id = received();
        assertThat(post(path(id, "subscriber-disclosures"), AT).status()).isEqualTo(201);
        return id;
    }

    @Test
    void everyTrackingCommandAnswers201WithTheDemandAndThePosition() throws Exception {
        String id = newId();
        Answer receipt = post("/api/demands", receipt(id, "US").replace("}", ",\"dueAt\":\"2014-03-09T10:15:00Z\"}"));
        assertThat(receipt.status()).as(receipt.raw().body()).isEqualTo(201);
        assertThat(post(path(id, "subscriber-disclosures"), AT).status()).isEqualTo(201);
        String[][] commands = {
                {"deadline", "{\"dueAt\":\"2014-03-12T10:15:00Z\"}"},
                {"assignment", "{\"assignee\":\"alice\"}"},
                {"assignment", "{\"assignee\":\"alice\"}"},
                {"assignment", "{\"assignee\":null}"},
                {"non-disclosure-order", "{\"occurredAt\":\"2014-03-02T12:00:00Z\",\"until\":\"2014-03-05T00:00:00Z\"}"},
                {"user-notice", "{\"occurredAt\":\"2014-03-05T00:00:00Z\"}"},
                {"non-disclosure-order", "{\"occurredAt\":\"2014-03-06T00:00:00Z\",\"until\":null}"},
        };
        for (String[] command : commands) {
            Answer a = post(path(id, command[0]), command[1]);
            assertThat(a.status()).as(command[0] + " " + a.raw().body()).isEqualTo(201);
            assertThat(a.raw().headers().firstValue("Location")).isEmpty();
            assertThat(a.raw().body()).isEqualTo("{\"demandId\":\"" + id + "\",\"position\":" + log.headPosition() + "}");
        }
        List<String> types = new ArrayList<>();
        List<JsonNode> payloads = new ArrayList<>();
        for (ledger.eventlog.RecordedEvent e : log.recordedEventsOf(id)) {
            types.add(e.type().substring(e.type().lastIndexOf('.') + 1));
            payloads.add(JSON.readTree(e.payloadJson()));
        }
        assertThat(types).containsExactly("DemandReceived", "SubscriberDataDisclosed", "DeadlineSet", "DemandAssigned",
                "DemandAssigned", "DemandAssigned", "NonDisclosureOrderRecorded", "UserNotified", "NonDisclosureOrderRecorded");
        assertThat(payloads.get(0).get("dueAt").asText()).isEqualTo("2014-03-09T10:15:00Z");
        assertThat(payloads.get(3).get("assignee").asText()).isEqualTo("alice");
        assertThat(payloads.get(5).path("assignee").isMissingNode() || payloads.get(5).get("assignee").isNull()).isTrue();
        assertThat(payloads.get(8).path("until").isMissingNode() || payloads.get(8).get("until").isNull()).isTrue();
    }

    @Test
    void invalidTrackingValuesAre400NamingTheField() throws Exception {
        String id = received();
        long head = log.headPosition();
        assertProblem(post("/api/demands", receipt(newId(), "US").replace("}", ",\"dueAt\":\"2014-03-02T10:14:59Z\"}")), 400, "dueAt");
        assertProblem(post("/api/demands", receipt(newId(), "US").replace("}", ",\"dueAt\":\"soon\"}")), 400, "dueAt");
        assertProblem(post(path(id, "deadline"), "{\"dueAt\":\"2014-03-01T10:15:00Z\"}"), 400, "dueAt");
        assertProblem(post(path(id, "deadline"), "{}"), 400, "dueAt");
        assertProblem(post(path(id, "deadline"), "{\"dueAt\":null}"), 400, "dueAt");
        assertProblem(post(path(id, "assignment"), "{\"assignee\":\"\"}"), 400, "assignee");
        assertProblem(post(path(id, "assignment"), "{\"assignee\":\"   \"}"), 400, "assignee");
        assertProblem(post(path(id, "assignment"), "{\"assignee\":\"" + "x".repeat(101) + "\"}"), 400, "assignee");
        assertProblem(post(path(id, "assignment"), "{\"assignee\":7}"), 400, "assignee");
        assertProblem(post(path(id, "assignment"), "{}"), 400, "assignee");
        assertProblem(post(path(id, "assignment"), "{\"owner\":\"alice\"}"), 400, "owner");
        assertProblem(post(path(id, "non-disclosure-order"), "{\"occurredAt\":\"2014-03-03T10:15:00Z\",\"until\":\"2014-03-03T10:15:00Z\"}"), 400, "until");
        assertProblem(post(path(id, "non-disclosure-order"), "{\"occurredAt\":\"2014-03-03T10:15:00Z\"}"), 400, "until");
        assertProblem(post(path(id, "non-disclosure-order"), "{\"occurredAt\":\"2014-03-01T10:15:00Z\",\"until\":null}"), 400, "occurredAt");
        assertProblem(post(path(id, "non-disclosure-order"), "{\"occurredAt\":\"2999-03-01T10:15:00Z\",\"until\":null}"), 400, "occurredAt");
        assertProblem(post(path(id, "user-notice"), "{\"occurredAt\":\"2014-03-01T10:15:00Z\"}"), 400, "occurredAt");
        assertProblem(post(path(id, "user-notice"), "{\"occurredAt\":\"2999-03-01T10:15:00Z\"}"), 400, "occurredAt");
        assertThat(log.headPosition()).as("a refused command stores nothing").isEqualTo(head);
    }

    @Test
    void trackingCommandsOnAnUnknownDemandAre404() throws Exception {
        long head = log.headPosition();
        assertProblem(post(path(newId(), "deadline"), "{\"dueAt\":\"2014-03-12T10:15:00Z\"}"), 404, "id");
        assertProblem(post(path(newId(), "assignment"), "{\"assignee\":\"alice\"}"), 404, "id");
        assertProblem(post(path(newId(), "non-disclosure-order"), "{\"occurredAt\":\"2014-03-03T10:15:00Z\",\"until\":null}"), 404, "id");
        assertProblem(post(path(newId(), "user-notice"), AT), 404, "id");
        assertThat(log.headPosition()).isEqualTo(head);
    }

    @Test
    void aUserNoticeTheRulesForbidIs409() throws Exception {
        String undisclosed = received();
        String ordered = disclosed();
        assertThat(post(path(ordered, "non-disclosure-order"), "{\"occurredAt\":\"2014-03-03T10:15:00Z\",\"until\":\"2014-04-01T00:00:00Z\"}").status())
                .isEqualTo(201);
        String notified = disclosed();
        assertThat(post(path(notified, "user-notice"), "{\"occurredAt\":\"2014-03-04T00:00:00Z\"}").status()).isEqualTo(201);
        long head = log.headPosition();
        assertProblem(post(path(undisclosed, "user-notice"), "{\"occurredAt\":\"2014-03-04T00:00:00Z\"}"), 409, "occurredAt");
        assertProblem(post(path(notified, "user-notice"), "{\"occurredAt\":\"2014-03-05T00:00:00Z\"}"), 409, "demandId");
        assertProblem(post(path(ordered, "user-notice"), "{\"occurredAt\":\"2014-03-03T10:15:00Z\"}"), 409, "occurredAt");
        assertProblem(post(path(ordered, "user-notice"), "{\"occurredAt\":\"2014-03-31T23:59:59Z\"}"), 409, "occurredAt");
        assertThat(log.headPosition()).isEqualTo(head);
        assertThat(post(path(ordered, "user-notice"), "{\"occurredAt\":\"2014-04-01T00:00:00Z\"}").status()).isEqualTo(201);
    }

    @Test
    void aClosedDemandStillTakesADeadlineAnOwnerAndAnOrder() throws Exception {
        String closed = received();
        assertThat(post(path(closed, "rejection"), "{\"occurredAt\":\"2014-03-03T10:15:00Z\",\"reason\":\"OVERBROAD\"}").status()).isEqualTo(201);
        assertThat(post(path(closed, "deadline"), "{\"dueAt\":\"2014-03-02T10:15:00Z\"}").status()).isEqualTo(201);
        assertThat(post(path(closed, "assignment"), "{\"assignee\":\"bob\"}").status()).isEqualTo(201);
        assertThat(post(path(closed, "non-disclosure-order"), "{\"occurredAt\":\"2014-03-03T10:15:00Z\",\"until\":null}").status()).isEqualTo(201);
        assertThat(log.lastSequenceNumberFor(closed)).contains(4L);
    }

    @Test
    void aTrackingCommandTakesAnIdempotencyKey() throws Exception {
        String id = received();
        String key = "track-" + id;
        Answer first = post(path(id, "assignment"), "{\"assignee\":\"alice\"}", "Idempotency-Key", key);
        assertThat(first.status()).isEqualTo(201);
        long head = log.headPosition();
        Answer again = post(path(id, "assignment"), "{\"assignee\":\"alice\"}", "Idempotency-Key", key);
        assertThat(again.status()).isEqualTo(201);
        assertThat(again.raw().body()).isEqualTo(first.raw().body());
        assertThat(again.raw().headers().firstValue("Idempotent-Replayed")).contains("true");
        assertProblem(post(path(id, "assignment"), "{\"assignee\":null}", "Idempotency-Key", key), 422, "Idempotency-Key");
        assertProblem(post(path(id, "deadline"), "{\"dueAt\":\"2014-03-12T10:15:00Z\"}", "Idempotency-Key", key), 422, "Idempotency-Key");
        assertThat(log.headPosition()).isEqualTo(head);
        // a receipt with a due date, keyed, and its repeat
        String due = newId();
        String body = receipt(due, "US").replace("}", ",\"dueAt\":\"2014-03-09T10:15:00Z\"}");
        Answer receipt = post("/api/demands", body, "Idempotency-Key", "track-" + due);
        assertThat(post("/api/demands", body, "Idempotency-Key", "track-" + due).raw().body()).isEqualTo(receipt.raw().body());
        assertProblem(post("/api/demands", receipt(due, "US"), "Idempotency-Key", "track-" + due), 422, "Idempotency-Key");
    }

    /** A key of more than 200 characters is refused before the command runs; a body at fault is refused first. */
    @Test
    void anIdempotencyKeyOfMoreThan200CharactersIsRefused() throws Exception {
        String id = received();
        String longest = id + "k".repeat(200 - id.length());
        long head = log.headPosition();
        assertProblem(post(path(id, "subscriber-disclosures"), AT, "Idempotency-Key", longest + "k"), 400, "Idempotency-Key");
        assertProblem(post(path(newId(), "subscriber-disclosures"), AT, "Idempotency-Key", longest + "k"), 400, "Idempotency-Key");
        assertProblem(post(path(id, "subscriber-disclosures"), "{\"occurredAt\":\"yesterday\"}", "Idempotency-Key", longest + "k"),
                400, "occurredAt");
        assertProblem(post(path(id, "subscriber-disclosures"), "{}", "Idempotency-Key", longest + "k"), 400, "occurredAt");
        assertThat(log.headPosition()).isEqualTo(head);
        assertThat(post(path(id, "subscriber-disclosures"), AT, "Idempotency-Key", longest).status()).isEqualTo(201);
    }

    @Autowired
    org.axonframework.commandhandling.gateway.CommandGateway gateway;

    /** A key stored by a build before due dates holds the hash of the command's toString() then; a repeat is still one. */
    @Test
    void aKeyStoredByAnEarlierBuildAnswersItsRepeat() throws Exception {
        String id = received();
        String key = "earlier-" + id;
        ledger.events.DemandCommands.DiscloseSubscriberData disclosure =
                new ledger.events.DemandCommands.DiscloseSubscriberData(id, java.time.Instant.parse("2014-03-03T10:15:00Z"));
        String earlierHash = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(
                ("subscriber-disclosure\nDiscloseSubscriberData[demandId=" + id + ", occurredAt=2014-03-03T10:15:00Z]")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        gateway.sendAndWait(org.axonframework.commandhandling.GenericCommandMessage.asCommandMessage(disclosure)
                .andMetaData(org.axonframework.messaging.MetaData.with("actor", "earlier-build").and("idempotencyKey", key)
                        .and("requestHash", earlierHash)));
        long head = log.headPosition();
        Answer repeat = post(path(id, "subscriber-disclosures"), AT, "Idempotency-Key", key);
        assertThat(repeat.status()).as(repeat.raw().body()).isEqualTo(201);
        assertThat(repeat.raw().headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(repeat.body().get("position").asLong()).isEqualTo(head);
        assertProblem(post(path(id, "subscriber-disclosures"), "{\"occurredAt\":\"2014-03-04T10:15:00Z\"}", "Idempotency-Key", key),
                422, "Idempotency-Key");
        assertThat(log.headPosition()).isEqualTo(head);
    }

    @Test
    void ordersAndNoticesAreForLegalDeadlinesAndOwnersForRecordersToo() throws Exception {
        String id = disclosed();
        long head = log.headPosition();
        String order = "{\"occurredAt\":\"2014-03-02T10:15:00Z\",\"until\":\"2014-03-03T00:00:00Z\"}";
        String notice = "{\"occurredAt\":\"2014-03-04T00:00:00Z\"}";
        for (String[] legalOnly : new String[][] {{"non-disclosure-order", order}, {"user-notice", notice}}) {
            Answer refused = post(path(id, legalOnly[0]), legalOnly[1], "Authorization", TestTokens.bearer(Role.RECORDER));
            assertRefused(refused, 403);
            assertThat(refused.body().get("requiredRoles")).extracting(JsonNode::asText).containsExactly("admin", "legal");
        }
        for (Role role : new Role[] {Role.VIEWER, Role.PUBLISHER, Role.AUDITOR}) {
            for (String[] command : new String[][] {{"deadline", "{\"dueAt\":\"2014-03-12T10:15:00Z\"}"},
                    {"assignment", "{\"assignee\":\"alice\"}"}, {"non-disclosure-order", order}, {"user-notice", notice}}) {
                assertRefused(post(path(id, command[0]), command[1], "Authorization", TestTokens.bearer(role)), 403);
            }
        }
        assertThat(log.headPosition()).isEqualTo(head);
        assertThat(post(path(id, "deadline"), "{\"dueAt\":\"2014-03-12T10:15:00Z\"}", "Authorization", TestTokens.bearer(Role.RECORDER)).status())
                .isEqualTo(201);
        assertThat(post(path(id, "assignment"), "{\"assignee\":\"alice\"}", "Authorization", TestTokens.bearer(Role.RECORDER)).status())
                .isEqualTo(201);
        assertThat(post(path(id, "non-disclosure-order"), order, "Authorization", TestTokens.bearer(Role.LEGAL)).status()).isEqualTo(201);
        assertThat(post(path(id, "user-notice"), notice, "Authorization", TestTokens.ADMIN).status()).isEqualTo(201);
        List<String> actors = new ArrayList<>();
        for (ledger.eventlog.RecordedEvent e : log.recordedEventsOf(id)) {
            actors.add(JSON.readTree(e.metaDataJson()).path("actor").asText(null));
        }
        assertThat(actors).containsExactly("legal", "legal", "recorder", "recorder", "legal", "admin");
    }
}
