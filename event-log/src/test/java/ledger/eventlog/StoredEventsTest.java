package ledger.eventlog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.time.Instant;
import java.util.List;
import ledger.events.AccountPseudonym;
import ledger.events.DemandCorrected;
import ledger.events.DemandReceived;
import ledger.events.Jurisdiction;
import ledger.events.LegalProcess;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.SimpleSerializedObject;
import org.axonframework.serialization.json.JacksonSerializer;
import org.junit.jupiter.api.Test;

/**
 * Events in the form builds before the national-security legal processes stored them (type, revision "1" and
 * this JSON: the records and the serializer settings are unchanged since) read back as the same records, and
 * are still stored that way: a legal process is stored by its name, so adding kinds needs neither a new
 * revision nor an upcaster, and old logs replay to the same figures.
 */
class StoredEventsTest {

    private static final String PSEUDONYM = "3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d";
    private static final String RECEIVED = "{\"demandId\":\"2014-H1-US-1\",\"receivedAt\":\"2014-03-02T10:15:00Z\","
            + "\"jurisdiction\":{\"code\":\"US\"},\"agency\":\"FBI\",\"legalProcess\":\"SUBPOENA\",\"accounts\":[{\"value\":\"" + PSEUDONYM + "\"}]}";
    private static final String CORRECTED = "{\"demandId\":\"2014-H1-US-1\",\"receivedAt\":null,\"jurisdiction\":null,"
            + "\"agency\":null,\"legalProcess\":\"COURT_ORDER\",\"accounts\":null}";

    private final JacksonSerializer serializer = JacksonSerializer.builder()
            .objectMapper(new ObjectMapper().findAndRegisterModules().disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS))
            .build();

    private final DemandReceived received = new DemandReceived("2014-H1-US-1", Instant.parse("2014-03-02T10:15:00Z"),
            new Jurisdiction("US"), "FBI", LegalProcess.SUBPOENA, List.of(new AccountPseudonym(PSEUDONYM)));
    private final DemandCorrected corrected = new DemandCorrected("2014-H1-US-1", null, null, null, LegalProcess.COURT_ORDER, null);

    @Test
    void eventsStoredByEarlierBuildsReadBackAsTheyWere() {
        assertThat((Object) serializer.deserialize(new SimpleSerializedObject<>(RECEIVED, String.class, DemandReceived.class.getName(), "1")))
                .isEqualTo(received);
        assertThat((Object) serializer.deserialize(new SimpleSerializedObject<>(CORRECTED, String.class, DemandCorrected.class.getName(), "1")))
                .isEqualTo(corrected);
    }

    @Test
    void theSameEventsAreStillStoredTheSameWay() {
        SerializedObject<String> stored = serializer.serialize(received, String.class);
        assertThat(stored.getData()).isEqualTo(RECEIVED);
        assertThat(stored.getType().getRevision()).isEqualTo("1");
        assertThat(serializer.serialize(corrected, String.class).getData()).isEqualTo(CORRECTED);
    }

    @Test
    void nationalSecurityKindsAreStoredByNameToo() {
        DemandCorrected letter = new DemandCorrected("2014-H1-US-1", null, null, null, LegalProcess.NATIONAL_SECURITY_LETTER, null);
        String json = serializer.serialize(letter, String.class).getData();
        assertThat(json).contains("\"legalProcess\":\"NATIONAL_SECURITY_LETTER\"");
        assertThat((Object) serializer.deserialize(new SimpleSerializedObject<>(json, String.class, DemandCorrected.class.getName(), "1")))
                .isEqualTo(letter);
    }
}
