package ledger.eventlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The log's instants read by arithmetic equal Jackson's reading of them; anything else is read by Jackson itself. */
class CanonicalInstantsTest {

    private static final ObjectMapper JACKSON = new ObjectMapper().registerModule(new JavaTimeModule());
    private static final ObjectMapper OURS = new ObjectMapper().registerModule(new JavaTimeModule())
            .registerModule(new SimpleModule().addDeserializer(Instant.class, new CanonicalInstants()));

    @Test
    void randomInstantsOfEveryPrecisionReadAsJacksonReadsThem() throws Exception {
        Random random = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            Instant instant = Instant.ofEpochSecond(random.nextLong(-62_135_596_800L, 253_402_300_799L), random.nextInt(1_000_000_000));
            String text = instant.toString(); // 0, 3, 6 or 9 digits of fraction, as the log writes them
            if (random.nextBoolean() && text.contains(".")) {
                text = text.substring(0, Math.max(20, text.length() - 1 - random.nextInt(8))) + "Z";
                text = text.endsWith(".Z") ? text.replace(".Z", "Z") : text;
            }
            assertThat(CanonicalInstants.parse(text)).as(text).isNotNull().isEqualTo(JACKSON.readValue('"' + text + '"', Instant.class));
            assertThat(OURS.readValue('"' + text + '"', Instant.class)).isEqualTo(Instant.parse(text));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"2014-06-30T23:59:59Z", "2014-07-01T00:00:00Z", "2016-02-29T12:00:00.5Z", "0000-01-01T00:00:00Z",
            "9999-12-31T23:59:59.999999999Z", "1969-12-31T23:59:59.000000001Z"})
    void edgesOfTheCanonicalForm(String text) throws Exception {
        assertThat(CanonicalInstants.parse(text)).isEqualTo(JACKSON.readValue('"' + text + '"', Instant.class));
    }

    /** Not the log's form: read, or refused, exactly as Jackson would. */
    @ParameterizedTest
    @ValueSource(strings = {"2014-03-02T10:15:00+01:00", "2014-03-02T10:15:00.Z", " 2014-03-02T10:15:00Z", "2014-03-02T10:15:00z",
            "2014-03-02T10:15:60Z", "2014-03-02T24:00:00Z", "2015-02-29T00:00:00Z", "2014-13-02T00:00:00Z", "2014-03-02 10:15:00Z",
            "+2014-03-02T10:15:00Z", "2014-03-02T10:15:00.1234567890Z", "2014-03-0٢T10:15:00Z", "", "yesterday"})
    void anythingElseIsJacksonsToRead(String text) throws Exception {
        assertThat(CanonicalInstants.parse(text)).isNull();
        String json = '"' + text + '"';
        Object expected;
        try {
            expected = JACKSON.readValue(json, Instant.class);
        } catch (JsonMappingException e) {
            assertThatThrownBy(() -> OURS.readValue(json, Instant.class)).isInstanceOf(e.getClass());
            return;
        }
        assertThat(OURS.readValue(json, Instant.class)).isEqualTo(expected);
    }

    @Test
    void numbersAreJacksonsToRead() throws Exception {
        assertThat(OURS.readValue("1404172800", Instant.class)).isEqualTo(JACKSON.readValue("1404172800", Instant.class));
        assertThat(OURS.readValue("null", Instant.class)).isNull();
    }
}
