package ledger.command.demand;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.clearInvocations;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import ledger.access.Role;
import ledger.access.TestTokens;
import ledger.command.CommandSide;
import ledger.eventlog.MongoEventLog;
import ledger.eventlog.TestMongo;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoSpyBean;

/**
 * The receipt of a new demand appends its event without reading the demand from the log first (the event log
 * is watched by a Mockito spy: every read of a demand's events goes through {@code readEvents}), and a
 * disposition that follows finds the demand in memory. Only a repeat reads the demand back.
 */
@SpringBootTest(classes = CommandSide.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=command-side", "ledger.pseudonym.key=test-key", "spring.jmx.enabled=false"})
class ReceiptOfANewDemandTest {

    private static final String URI_ = TestMongo.embedded();

    @DynamicPropertySource
    static void mongo(DynamicPropertyRegistry registry) {
        registry.add("ledger.mongodb.uri", () -> URI_);
        registry.add("ledger.tokens.file", CommandApiContract.TOKENS::toString);
        registry.add("ledger.tokens.admin-token-file", () -> CommandApiContract.TOKENS.resolveSibling("admin.token").toString());
    }

    @LocalServerPort
    int port;
    @MockitoSpyBean
    MongoEventLog log;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json").header("Authorization", TestTokens.bearer(Role.RECORDER)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aNewDemandIsStoredWithoutReadingItAndItsRepeatReadsIt() throws Exception {
        String id = "2014-H1-NEW-" + System.nanoTime();
        String receipt = CommandApiContract.receipt(id, "US");
        clearInvocations(log);

        HttpResponse<String> first = post("/api/demands", receipt);
        assertThat(first.statusCode()).isEqualTo(201);
        verify(log, never()).readEvents(eq(id));
        verify(log, never()).readEvents(eq(id), anyLong());
        verify(log, never()).readSnapshot(eq(id));
        verify(log, never()).firstPositionOf(eq(id));
        verify(log, never()).lastSequenceNumberFor(eq(id));
        verify(log, times(1)).appendEvents(anyList());

        assertThat(post("/api/demands/" + id + "/subscriber-disclosures", CommandApiContract.AT).statusCode()).isEqualTo(201);
        verify(log, never()).readEvents(eq(id), anyLong());
        verify(log, times(2)).appendEvents(anyList());

        // a repeat collides with the stored receipt, then is judged against the demand read from the log
        HttpResponse<String> again = post("/api/demands", receipt);
        assertThat(again.statusCode()).isEqualTo(201);
        assertThat(again.body()).isEqualTo(first.body());
        verify(log, times(1)).readEvents(eq(id), anyLong());
        verify(log, times(1)).firstPositionOf(eq(id));

        assertThat(log.eventsOf(id)).hasSize(2);
        assertThat(log.eventsOf(id).get(0).position()).isEqualTo(
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(first.body()).get("position").asLong());
    }
}
