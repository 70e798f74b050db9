package ledger.logbundle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import ledger.events.AccountPseudonym;
import ledger.events.DeadlineSet;
import ledger.events.DemandAssigned;
import ledger.events.DemandCorrected;
import ledger.events.DemandReceived;
import ledger.events.DemandRejected;
import ledger.events.Jurisdiction;
import ledger.events.LegalProcess;
import ledger.events.NonDisclosureOrderRecorded;
import ledger.events.RejectionReason;
import ledger.events.SubscriberDataDisclosed;
import ledger.events.UserNotified;
import org.junit.jupiter.api.Test;

/**
 * One canonical record per event: the bytes an import hashes (the reader's, from the line) are the bytes the export
 * wrote the line from (the record built from the stored fields), and the event read back from the line and stored
 * again gives those same bytes: for every kind of event, the tracking ones with and without what may be null, and a
 * receipt without a due date.
 */
class BundleRoundTripTest {

    /** Stands for the event serializer: instants as ISO strings, nulls written (the record leaves them out). */
    private static final ObjectMapper SERIALIZER = new ObjectMapper().findAndRegisterModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private static final Instant AT = Instant.parse("2025-07-01T04:25:12Z");

    @Test
    void theBytesHashedOnImportAreTheBytesOfTheExport() throws Exception {
        String pseudonym = "ab".repeat(32);
        List<Object> events = List.of(
                new DemandReceived("d-1", AT, new Jurisdiction("US"), "FBI \"field\" ü", LegalProcess.SUBPOENA,
                        List.of(new AccountPseudonym(pseudonym))),
                new DemandReceived("d-2", AT, new Jurisdiction("FR"), "x", LegalProcess.COURT_ORDER, List.of(), AT.plusSeconds(86400)),
                new DeadlineSet("d-2", AT.plusSeconds(2 * 86400)),
                new DemandAssigned("d-2", "alice"),
                new DemandAssigned("d-2", null),
                new NonDisclosureOrderRecorded("d-1", AT, null),
                new NonDisclosureOrderRecorded("d-1", AT, AT.plusSeconds(60)),
                new DemandCorrected("d-1", AT, new Jurisdiction("DE"), null, null, null),
                new SubscriberDataDisclosed("d-1", AT.plusSeconds(1)),
                new UserNotified("d-1", AT.plusSeconds(2)),
                new DemandRejected("d-2", AT.plusSeconds(3), RejectionReason.OVERBROAD));

        // the export: each event's record from its stored fields, chained, written as a line
        ByteArrayOutputStream bundle = new ByteArrayOutputStream();
        List<byte[]> exported = new ArrayList<>();
        List<byte[]> hashes = new ArrayList<>();
        byte[] previous = LogRecord.ZERO;
        long[] sequences = new long[3];
        for (int i = 0; i < events.size(); i++) {
            Object event = events.get(i);
            long position = i + 1;
            String demandId = event.toString().contains("d-1") ? "d-1" : "d-2";
            LogRecord record = LogRecord.of(demandId, sequences[demandId.charAt(2) - '0']++, event.getClass().getName(), "1",
                    "2026-11-28T21:00:00.1234Z", "desk", SERIALIZER.writeValueAsString(event));
            previous = record.hash(previous, position);
            record.writeLine(position, previous, bundle);
            exported.add(record.canonical(position));
            hashes.add(previous);
        }

        BundleEvents read = new BundleEvents();
        try (BundleReader reader = new BundleReader(new ByteArrayInputStream(bundle.toByteArray()))) {
            BundleRecord line;
            int i = 0;
            while ((line = reader.next()) != null) {
                String text = new String(exported.get(i), StandardCharsets.UTF_8);
                assertThat(new String(line.canonical(), StandardCharsets.UTF_8)).as("line %d", line.line()).isEqualTo(text);
                assertThat(line.hash()).isEqualTo(hashes.get(i))
                        .isEqualTo(LogRecord.sha256(i == 0 ? LogRecord.ZERO : hashes.get(i - 1), line.canonical()));
                // the import's check: the event read from the line, stored again, gives the same record
                Object event = read.event(line.type(), line.payload());
                assertThat(event).isEqualTo(events.get(i));
                byte[] stored = LogRecord.of(line.demandId(), line.sequence(), event.getClass().getName(), line.revision(),
                        line.recordedAt(), line.actor(), SERIALIZER.writeValueAsString(event)).canonical(line.position());
                assertThat(stored).isEqualTo(line.canonical());
                i++;
            }
            assertThat(i).isEqualTo(events.size());
            assertThat(reader.hash()).isEqualTo(previous);
        }
        String all = bundle.toString(StandardCharsets.UTF_8);
        assertThat(all).contains("{\"actor\":\"desk\",\"demandId\":\"d-2\",\"hash\":");
        assertThat(all).doesNotContain("null");
        assertThat(all.lines().findFirst().orElseThrow()).contains("\"receivedAt\"").doesNotContain("dueAt");
    }
}
