package ledger.eventlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import ledger.events.AccountPseudonym;
import ledger.events.DeadlineSet;
import ledger.events.DemandAssigned;
import ledger.events.DemandReceived;
import ledger.events.Jurisdiction;
import ledger.events.LegalProcess;
import ledger.events.NonDisclosureOrderRecorded;
import ledger.events.UserNotified;
import ledger.logbundle.BundleBroken;
import ledger.logbundle.LogRecord;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The import is the event log's: a bundle exported from one log goes into an empty one, which then exports the very
 * same bytes (the tracking events and a receipt without a due date included); a log that holds events, a broken
 * line and an append while storing are refused.
 */
class BundleImportTest {

    private static final Instant AT = Instant.parse("2025-07-01T04:25:12Z");

    private MongoClient client;
    @TempDir
    Path dir;

    @BeforeEach
    void connect() {
        client = MongoClients.create(TestMongo.embedded());
    }

    @AfterEach
    void close() {
        client.close();
    }

    private MongoEventLog freshLog() {
        String uri = TestMongo.embedded();
        MongoDatabase database = client.getDatabase(new com.mongodb.ConnectionString(uri).getDatabase());
        return TestMongo.eventLog(database);
    }

    private static byte[] export(MongoEventLog log) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        log.readInOrder(1, log.headPosition(), StoredEvent::record, (event, record) -> {
            try {
                record.writeLine(event.position(), event.hash(), out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        return out.toByteArray();
    }

    private MongoEventLog source() {
        MongoEventLog log = freshLog();
        List<Object> t1 = List.of(
                new DemandReceived("t-1", AT, new Jurisdiction("FR"), "x", LegalProcess.SUBPOENA, List.of(new AccountPseudonym("ab".repeat(32))),
                        AT.plusSeconds(7 * 86400)),
                new NonDisclosureOrderRecorded("t-1", AT.plusSeconds(1), null),
                new NonDisclosureOrderRecorded("t-1", AT.plusSeconds(2), AT.plusSeconds(86400)),
                new UserNotified("t-1", AT.plusSeconds(3)));
        List<Object> t2 = List.of(
                new DemandReceived("t-2", AT, new Jurisdiction("US"), "FBI \"ü\"", LegalProcess.COURT_ORDER, List.of()),
                new DeadlineSet("t-2", AT.plusSeconds(86400)),
                new DemandAssigned("t-2", "alice"),
                new DemandAssigned("t-2", null));
        List<EventMessage<?>> events = new ArrayList<>();
        for (int i = 0; i < t1.size(); i++) {
            events.add(new GenericDomainEventMessage<>("Demand", "t-1", i, t1.get(i), Map.of("actor", "legal")));
        }
        for (int i = 0; i < t2.size(); i++) {
            events.add(new GenericDomainEventMessage<>("Demand", "t-2", i, t2.get(i), Map.of("actor", "desk")));
        }
        for (EventMessage<?> e : events) {
            log.appendEvents(e);
        }
        return log;
    }

    @Test
    void anExportedBundleImportsAndExportsAgainByteForByte() throws Exception {
        MongoEventLog from = source();
        byte[] bundle = export(from);
        Path file = Files.write(dir.resolve("bundle.ndjson"), bundle);
        String text = new String(bundle, StandardCharsets.UTF_8);
        assertThat(text).doesNotContain("null").contains("\"type\":\"DemandAssigned\"");
        assertThat(text.lines().filter(l -> l.contains("\"demandId\":\"t-2\",\"hash\"")).findFirst().orElseThrow()).doesNotContain("dueAt");

        MongoEventLog to = freshLog();
        boolean[] before = {false};
        MongoEventLog.Imported imported = to.importBundle(file, () -> before[0] = true);
        assertThat(before[0]).isTrue();
        assertThat(imported.position()).isEqualTo(8).isEqualTo(to.headPosition());
        assertThat(imported.hash()).isEqualTo(from.storedHashAt(8).orElseThrow()).isEqualTo(to.storedHashAt(8).orElseThrow());
        assertThat(new String(export(to), StandardCharsets.UTF_8)).isEqualTo(text);

        assertThatThrownBy(() -> to.importBundle(file, () -> { })).isInstanceOf(MongoEventLog.NotEmpty.class)
                .extracting(e -> ((MongoEventLog.NotEmpty) e).head()).isEqualTo(8L);
    }

    @Test
    void aBrokenLineStoresNothing() throws Exception {
        String bundle = new String(export(source()), StandardCharsets.UTF_8).replace("\"assignee\":\"alice\"", "\"assignee\":\"bob\"");
        Path file = Files.writeString(dir.resolve("bundle.ndjson"), bundle);
        MongoEventLog to = freshLog();
        boolean[] before = {false};
        assertThatThrownBy(() -> to.importBundle(file, () -> before[0] = true)).isInstanceOf(BundleBroken.class)
                .extracting(e -> ((BundleBroken) e).line()).isEqualTo(7L);
        assertThat(before[0]).isFalse();
        assertThat(to.isEmpty()).isTrue();
    }

    @Test
    void anAppendWhileStoringStopsTheImport() throws Exception {
        MongoEventLog from = source();
        Path file = Files.write(dir.resolve("bundle.ndjson"), export(from));
        List<StoredEvent> first = new ArrayList<>();
        from.readInOrder(1, 1, e -> e, (e, same) -> first.add(e));
        MongoEventLog to = freshLog();
        assertThatThrownBy(() -> to.importBundle(file, () -> to.insertImported(first)))
                .isInstanceOf(MongoEventLog.WrittenMeanwhile.class)
                .extracting(e -> ((MongoEventLog.WrittenMeanwhile) e).storedTo()).isEqualTo(0L);
        assertThat(LogRecord.text(to.storedHashAt(1).orElseThrow())).isEqualTo(LogRecord.text(from.storedHashAt(1).orElseThrow()));
    }
}
