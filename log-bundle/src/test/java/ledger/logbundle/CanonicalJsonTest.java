package ledger.logbundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import ledger.events.AccountPseudonym;
import ledger.events.DemandCorrected;
import ledger.events.DemandReceived;
import ledger.events.Jurisdiction;
import ledger.events.LegalProcess;
import org.junit.jupiter.api.Test;

/**
 * RFC 8785 on the examples of the RFC that apply to a record (strings, literals, key order, integers), and the
 * record of log-bundle.md built from what the log stores.
 */
class CanonicalJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static String canonical(String json) throws Exception {
        return CanonicalJson.write(JSON.readTree(json));
    }

    /** RFC 8785, 3.2.2.2 (strings) and 3.2.2.1 (literals), the example's numbers left out: none occur in a record. */
    @Test
    void stringsAndLiteralsAsTheRfcWritesThem() throws Exception {
        String input = "{\n  \"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\",\n  \"literals\": [null, true, false]\n}";
        assertThat(canonical(input)).isEqualTo("{\"literals\":[null,true,false],\"string\":\"€$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
    }

    /** RFC 8785, 3.2.3: keys sorted by their UTF-16 code units (so the emoji's surrogates sort before U+FB33). */
    @Test
    void keysSortedByUtf16CodeUnits() throws Exception {
        String input = "{\"\\u20ac\":\"Euro Sign\",\"\\r\":\"Carriage Return\",\"\\ufb33\":\"Hebrew Letter Dalet With Dagesh\","
                + "\"1\":\"One\",\"\\ud83d\\ude00\":\"Emoji: Grinning Face\",\"\\u0080\":\"Control\",\"\\u00f6\":\"Latin Small Letter O With Diaeresis\"}";
        assertThat(canonical(input)).isEqualTo("{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\","
                + "\"\u00f6\":\"Latin Small Letter O With Diaeresis\",\"\u20ac\":\"Euro Sign\",\"\ud83d\ude00\":\"Emoji: Grinning Face\","
                + "\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}");
        // RFC 8785, 3.2.3's UTF-8 bytes of the sorted keys' start
        assertThat(HexFormat.of().formatHex(canonical(input).getBytes(StandardCharsets.UTF_8), 0, 8)).isEqualTo("7b225c72223a2243");
    }

    /** Integers as integers (RFC 8785 appendix B's integral values); nested objects sorted too; no whitespace. */
    @Test
    void integersNestedObjectsAndNoWhitespace() throws Exception {
        assertThat(canonical("{ \"b\" : [ 0, -1, 9007199254740991, 1e2, -0 ], \"a\" : { \"z\" : 1, \"y\" : { } } }"))
                .isEqualTo("{\"a\":{\"y\":{},\"z\":1},\"b\":[0,-1,9007199254740991,100,0]}");
        assertThat(canonical("[\"\\u001f\\u007f\\u2028\\b\\f\\t\"]")).isEqualTo("[\"\\u001f\u007f\u2028\\b\\f\\t\"]");
        assertThatThrownBy(() -> canonical("[1.5]")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> canonical("[9007199254740993]")).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * The record built from the stored strings (as the appender and the verification build it) is the RFC 8785
     * form of the record as a JSON object (as a bundle's reader builds it): value types as their strings,
     * nulls left out, the type's simple name, the actor from the metadata.
     */
    @Test
    void theRecordFromStoredFieldsIsTheCanonicalFormOfTheRecordObject() throws Exception {
        ObjectMapper serializer = new ObjectMapper().findAndRegisterModules()
                .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        String pseudonym = "ab".repeat(32);
        String received = serializer.writeValueAsString(new DemandReceived("d-1\"é", Instant.parse("2014-03-02T10:15:00Z"),
                new Jurisdiction("US"), "F\u0001BI / ünit", LegalProcess.SUBPOENA, List.of(new AccountPseudonym(pseudonym))));
        LogRecord record = LogRecord.of("d-1\"é", 0L, DemandReceived.class.getName(), "1", "2026-11-28T21:00:00.123456Z",
                LogRecord.actor("{\"actor\":\"intake-desk\",\"traceId\":\"x\"}"), received);
        String expected = "{\"actor\":\"intake-desk\",\"demandId\":\"d-1\\\"é\",\"payload\":{\"accounts\":[\"" + pseudonym
                + "\"],\"agency\":\"F\\u0001BI / ünit\",\"demandId\":\"d-1\\\"é\",\"jurisdiction\":\"US\",\"legalProcess\":\"SUBPOENA\","
                + "\"receivedAt\":\"2014-03-02T10:15:00Z\"},\"position\":17,\"recordedAt\":\"2026-11-28T21:00:00.123456Z\","
                + "\"revision\":\"1\",\"sequence\":0,\"type\":\"DemandReceived\"}";
        assertThat(new String(record.canonical(17), StandardCharsets.UTF_8)).isEqualTo(expected);
        assertThat(canonical(expected)).isEqualTo(expected);
        byte[] h = record.hash(LogRecord.ZERO, 17);
        assertThat(h).isEqualTo(LogRecord.sha256(LogRecord.ZERO, expected.getBytes(StandardCharsets.UTF_8)));
        java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
        record.writeLine(17, h, line);
        com.fasterxml.jackson.databind.node.ObjectNode parsed = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(line.toByteArray());
        assertThat(parsed.remove("hash").asText()).isEqualTo(LogRecord.text(h));
        assertThat(CanonicalJson.write(parsed)).isEqualTo(expected);
        assertThat(line.toString(StandardCharsets.UTF_8)).endsWith("}\n").contains("\"demandId\":\"d-1\\\"é\",\"hash\":\"sha256:");

        // a correction leaves out what it does not change; no actor: none in the record
        String corrected = serializer.writeValueAsString(new DemandCorrected("d-1", null, new Jurisdiction("GB"), null, null, null));
        assertThat(corrected).contains("\"receivedAt\":null");
        assertThat(new String(LogRecord.of("d-1", 3L, DemandCorrected.class.getName(), "1", "2026-11-28T21:00:00Z", LogRecord.actor("{}"),
                corrected).canonical(5), StandardCharsets.UTF_8)).isEqualTo("{\"demandId\":\"d-1\",\"payload\":{\"demandId\":\"d-1\","
                + "\"jurisdiction\":\"GB\"},\"position\":5,\"recordedAt\":\"2026-11-28T21:00:00Z\",\"revision\":\"1\",\"sequence\":3,"
                + "\"type\":\"DemandCorrected\"}");
        assertThat(LogRecord.parse(LogRecord.text(h))).isEqualTo(h);
        assertThat(LogRecord.parse("sha256:" + "A".repeat(64))).isNull();
    }

    /**
     * A receipt without a due date is stored as before due dates existed (no {@code dueAt}), and a payload with an
     * explicit {@code "dueAt":null} has that record too, byte for byte: the chain of an older log is unchanged.
     */
    @Test
    void aReceiptWithoutADueDateHasTheRecordItHadBeforeDueDates() throws Exception {
        ObjectMapper serializer = new ObjectMapper().findAndRegisterModules()
                .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        String pseudonym = "cd".repeat(32);
        String storedBefore = "{\"demandId\":\"2014-H1-US-00017\",\"receivedAt\":\"2014-03-02T10:15:00Z\",\"jurisdiction\":{\"code\":\"US\"},"
                + "\"agency\":\"FBI\",\"legalProcess\":\"SUBPOENA\",\"accounts\":[{\"value\":\"" + pseudonym + "\"}]}";
        String storedNow = serializer.writeValueAsString(new DemandReceived("2014-H1-US-00017", Instant.parse("2014-03-02T10:15:00Z"),
                new Jurisdiction("US"), "FBI", LegalProcess.SUBPOENA, List.of(new AccountPseudonym(pseudonym))));
        assertThat(storedNow).isEqualTo(storedBefore);
        String withNull = storedBefore.replace("}]}", "}],\"dueAt\":null}");
        String actor = LogRecord.actor("{\"actor\":\"intake-desk\"}");
        byte[] before = LogRecord.of("2014-H1-US-00017", 0L, DemandReceived.class.getName(), "1", "2026-11-28T21:00:00.123Z", actor,
                storedBefore).canonical(17);
        byte[] now = LogRecord.of("2014-H1-US-00017", 0L, DemandReceived.class.getName(), "1", "2026-11-28T21:00:00.123Z", actor,
                withNull).canonical(17);
        assertThat(new String(now, StandardCharsets.UTF_8)).isEqualTo(new String(before, StandardCharsets.UTF_8)).doesNotContain("dueAt");
        // pinned: the hash a build before due dates gave this record at position 17 after the zero hash
        assertThat(HexFormat.of().formatHex(LogRecord.sha256(LogRecord.ZERO, now)))
                .isEqualTo("68f4bf60de531531b2499ea347259dadcec326ea76ca5ef0f62a69ba35fab12c");

        // with a due date, the receipt's payload carries it
        String due = serializer.writeValueAsString(new DemandReceived("d-1", Instant.parse("2014-03-02T10:15:00Z"),
                new Jurisdiction("US"), "FBI", LegalProcess.SUBPOENA, List.of(), Instant.parse("2014-03-09T10:15:00Z")));
        assertThat(payload(ledger.events.DemandReceived.class, due)).isEqualTo("{\"accounts\":[],\"agency\":\"FBI\",\"demandId\":\"d-1\","
                + "\"dueAt\":\"2014-03-09T10:15:00Z\",\"jurisdiction\":\"US\",\"legalProcess\":\"SUBPOENA\",\"receivedAt\":\"2014-03-02T10:15:00Z\"}");
    }

    /** log-bundle.md: {@code assignee} left out when unassigned, {@code until} when indefinite. */
    @Test
    void theTrackingEventsLeaveOutWhatIsNull() throws Exception {
        ObjectMapper serializer = new ObjectMapper().findAndRegisterModules()
                .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        Instant at = Instant.parse("2025-07-01T04:25:12Z");
        assertThat(payload(ledger.events.DemandAssigned.class, serializer.writeValueAsString(new ledger.events.DemandAssigned("d", null))))
                .isEqualTo("{\"demandId\":\"d\"}");
        assertThat(payload(ledger.events.DemandAssigned.class, serializer.writeValueAsString(new ledger.events.DemandAssigned("d", "alice"))))
                .isEqualTo("{\"assignee\":\"alice\",\"demandId\":\"d\"}");
        assertThat(payload(ledger.events.NonDisclosureOrderRecorded.class,
                serializer.writeValueAsString(new ledger.events.NonDisclosureOrderRecorded("d", at, null))))
                .isEqualTo("{\"demandId\":\"d\",\"occurredAt\":\"2025-07-01T04:25:12Z\"}");
        assertThat(payload(ledger.events.NonDisclosureOrderRecorded.class,
                serializer.writeValueAsString(new ledger.events.NonDisclosureOrderRecorded("d", at, at.plusSeconds(1)))))
                .isEqualTo("{\"demandId\":\"d\",\"occurredAt\":\"2025-07-01T04:25:12Z\",\"until\":\"2025-07-01T04:25:13Z\"}");
        assertThat(payload(ledger.events.DeadlineSet.class, serializer.writeValueAsString(new ledger.events.DeadlineSet("d", at))))
                .isEqualTo("{\"demandId\":\"d\",\"dueAt\":\"2025-07-01T04:25:12Z\"}");
        assertThat(payload(ledger.events.UserNotified.class, serializer.writeValueAsString(new ledger.events.UserNotified("d", at))))
                .isEqualTo("{\"demandId\":\"d\",\"occurredAt\":\"2025-07-01T04:25:12Z\"}");
    }

    /** The record's payload, canonical. */
    private static String payload(Class<?> type, String stored) throws Exception {
        byte[] canonical = LogRecord.of("d", 1L, type.getName(), "1", "2026-11-28T21:00:00Z", null, stored).canonical(1);
        return JSON.readTree(canonical).get("payload").toString();
    }
}
