package ledger.eventlog;

import ledger.logbundle.LogRecord;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import ledger.events.DemandReceived;
import ledger.events.Jurisdiction;
import ledger.events.LegalProcess;
import ledger.events.SubscriberDataDisclosed;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.TrackedDomainEventData;
import org.axonframework.serialization.json.JacksonSerializer;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.codecs.DecoderContext;
import org.bson.codecs.DocumentCodec;
import org.junit.jupiter.api.Test;

/**
 * The commit layout written and read back: the codec writes the very bytes earlier builds stored (the fixtures
 * in {@code commit-layout/} were stored by the build before {@link CommitLayout} existed, as the embedded server
 * returns them), and every reader reads them back as the others do.
 */
class CommitLayoutTest {

    private static final JacksonSerializer SERIALIZER = JacksonSerializer.builder()
            .objectMapper(new ObjectMapper().findAndRegisterModules().disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS))
            .build();

    /** What a payload was read from, so the readers' results can be compared. */
    private record Read(String type, String revision, String json) {
    }

    private static final CommitLayout.Payloads READ = (type, revision, json, offset, length) ->
            new Read(type, revision, json == null ? null : new String(json, offset, length, StandardCharsets.UTF_8));

    // ---------------------------------------------------------------- what the fixtures hold

    /** The appends of the fixtures, commit by commit: a keyed receipt, two disclosures in one commit, an event of no demand. */
    private static List<List<EventMessage<?>>> appends() {
        Map<String, Object> keyed = new LinkedHashMap<>();
        keyed.put("actor", "clerk-7");
        keyed.put(MongoEventLog.META_IDEMPOTENCY_KEY, "k-1");
        keyed.put(MongoEventLog.META_REQUEST_HASH, "rh-1");
        Map<String, Object> actor = Map.of("actor", "admin");
        return List.of(
                List.of(new GenericDomainEventMessage<>("Demand", "2014-H1-US-1", 0,
                        new DemandReceived("2014-H1-US-1", Instant.parse("2014-03-02T10:15:00Z"), new Jurisdiction("US"), "FBI – Zürich",
                                LegalProcess.SUBPOENA, List.of()), keyed, "e-1", Instant.parse("2014-03-02T10:16:00.123Z"))),
                List.of(new GenericDomainEventMessage<>("Demand", "2014-H1-US-1", 1,
                                new SubscriberDataDisclosed("2014-H1-US-1", Instant.parse("2014-03-03T10:15:00Z")), actor, "e-2",
                                Instant.parse("2014-03-03T10:16:00Z")),
                        new GenericDomainEventMessage<>("Demand", "2014-H1-US-1", 2,
                                new SubscriberDataDisclosed("2014-H1-US-1", Instant.parse("2014-03-04T10:15:00Z")), actor, "e-3",
                                Instant.parse("2014-03-04T10:16:00Z"))),
                List.of(new GenericEventMessage<>("e-4", new SubscriberDataDisclosed("none", Instant.parse("2014-03-05T10:15:00Z")),
                        Map.of(), Instant.parse("2014-03-05T10:16:00Z"))));
    }

    /** The imports of the fixtures: an event of a demand, and one of none (its aggregate fields null). */
    private static List<StoredEvent> imports() {
        return List.of(
                new StoredEvent(5, "e-5", "Demand", "2014-H1-DE-2", 0L, DemandReceived.class.getName(), "1", "2014-04-01T00:00:00Z",
                        "{\"demandId\":\"2014-H1-DE-2\"}", "{\"actor\":\"importer\"}", new byte[32]),
                new StoredEvent(6, "e-6", null, null, null, SubscriberDataDisclosed.class.getName(), null, "2014-04-02T00:00:00Z",
                        "{\"demandId\":\"x\"}", "{}", LogRecord.ZERO));
    }

    private static byte[] fixture(String name) {
        try (InputStream in = CommitLayoutTest.class.getResourceAsStream("commit-layout/" + name + ".hex")) {
            return HexFormat.of().parseHex(new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] bytes(Document document) {
        return bytes(new RawBsonDocument(document, new DocumentCodec()));
    }

    private static byte[] bytes(RawBsonDocument raw) {
        ByteBuffer buffer = raw.getByteBuffer().asNIO();
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    private static Document document(byte[] bytes) {
        return new DocumentCodec().decode(new org.bson.BsonBinaryReader(ByteBuffer.wrap(bytes)), DecoderContext.builder().build());
    }

    /** The appends' commits as the codec writes them at positions 1, 2, 4, each event's hash chained on from the last. */
    private static List<Document> appendedCommits() {
        List<Document> commits = new ArrayList<>();
        long position = 1;
        byte[] previous = LogRecord.ZERO;
        for (List<EventMessage<?>> append : appends()) {
            List<Document> events = new ArrayList<>();
            for (int i = 0; i < append.size(); i++) {
                Document event = CommitLayout.event(append.get(i), SERIALIZER);
                previous = CommitLayout.record(event).hash(previous, position + i);
                CommitLayout.putHash(event, previous);
                events.add(event);
            }
            EventMessage<?> first = append.get(0);
            String stream = first instanceof GenericDomainEventMessage<?> d ? CommitLayout.streamKey(d.getAggregateIdentifier(), d.getSequenceNumber()) : null;
            Object key = first.getMetaData().get(MongoEventLog.META_IDEMPOTENCY_KEY);
            Object hash = first.getMetaData().get(MongoEventLog.META_REQUEST_HASH);
            commits.add(CommitLayout.commit(position, events, stream, (String) key, (String) hash));
            position += append.size();
        }
        return commits;
    }

    // ---------------------------------------------------------------- writing

    @Test
    void theAppendsCommitsAreTheBytesEarlierBuildsStored() {
        List<Document> commits = appendedCommits();
        assertThat(bytes(commits.get(0))).isEqualTo(fixture("commit-1"));
        assertThat(bytes(commits.get(1))).isEqualTo(fixture("commit-2"));
        assertThat(bytes(commits.get(2))).isEqualTo(fixture("commit-4"));
    }

    @Test
    void theImportsCommitsAreTheBytesEarlierBuildsStored() {
        assertThat(bytes(CommitLayout.imported(imports().get(0)))).isEqualTo(fixture("commit-5"));
        assertThat(bytes(CommitLayout.imported(imports().get(1)))).isEqualTo(fixture("commit-6"));
    }

    /** Through the log itself: what it stores on the embedded server, appended, imported, and hashed after the fact. */
    @Test
    void theLogStoresTheBytesEarlierBuildsStored() {
        String uri = TestMongo.embedded();
        try (MongoClient client = MongoClients.create(uri)) {
            MongoDatabase database = client.getDatabase(new com.mongodb.ConnectionString(uri).getDatabase());
            MongoEventLog log = TestMongo.eventLog(database);
            appends().forEach(log::appendEvents);
            log.insertImported(imports());
            MongoCollection<RawBsonDocument> raw = database.getCollection("event_log", RawBsonDocument.class);
            for (long id : new long[] {1, 2, 4, 5, 6}) {
                assertThat(bytes(raw.find(new Document(CommitLayout.ID, id)).first())).as("commit %s", id).isEqualTo(fixture("commit-" + id));
            }

            // a commit stored before the chain existed gets its hashes at the next start, as the appender would have
            raw.replaceOne(new Document(CommitLayout.ID, 2L), new RawBsonDocument(fixture("commit-2-unchained")));
            database.getCollection("event_log_meta").deleteOne(new Document("_id", "chain"));
            TestMongo.eventLog(database);
            assertThat(bytes(raw.find(new Document(CommitLayout.ID, 2L)).first())).isEqualTo(fixture("commit-2"));
        }
    }

    // ---------------------------------------------------------------- reading

    @Test
    void everyReaderReadsTheStoredCommitsAlike() {
        for (String name : List.of("commit-1", "commit-2", "commit-2-unchained", "commit-4", "commit-5", "commit-6")) {
            RawBsonDocument raw = new RawBsonDocument(fixture(name));
            Document document = document(fixture(name));
            long first = CommitLayout.first(document);
            List<Document> events = CommitLayout.events(document);
            assertThat(CommitLayout.size(document)).isEqualTo(events.size());

            CommitLayout.StoredCommit stored = CommitLayout.storedEvents(raw);
            assertThat(stored.first()).as(name).isEqualTo(first);
            assertThat(stored.events()).as(name).hasSize(events.size());
            List<LoggedEvent> inPlace = CommitLayout.loggedEventsInPlace(raw, READ);
            assertThat(inPlace).as("%s read where it lies", name).isNotNull().isEqualTo(CommitLayout.loggedEventsRead(raw, READ));
            assertThat(CommitLayout.loggedEvents(raw, READ)).isEqualTo(inPlace);
            for (int i = 0; i < events.size(); i++) {
                StoredEvent e = stored.events().get(i);
                assertThat(CommitLayout.stored(first + i, events.get(i))).as(name).usingRecursiveComparison().isEqualTo(e);
                assertThat(e.position()).isEqualTo(first + i);

                TrackedDomainEventData<String> tracked = CommitLayout.tracked(first + i, events.get(i));
                assertThat(tracked.trackingToken().position()).hasValue(first + i);
                assertThat(tracked.getEventIdentifier()).isEqualTo(e.eventId());
                assertThat(tracked.getType()).isEqualTo(e.aggregateType());
                assertThat(tracked.getAggregateIdentifier()).isEqualTo(e.aggregateId());
                assertThat(tracked.getSequenceNumber()).isEqualTo(e.sequence() == null ? 0 : e.sequence());
                assertThat(tracked.getTimestamp()).isEqualTo(Instant.parse(e.timestamp()));
                assertThat(tracked.getPayload().getType().getName()).isEqualTo(e.type());
                assertThat(tracked.getPayload().getType().getRevision()).isEqualTo(e.revision());
                assertThat(tracked.getPayload().getData()).isEqualTo(e.payloadJson());
                assertThat(tracked.getMetaData().getData()).isEqualTo(e.metaDataJson());

                LoggedEvent logged = inPlace.get(i);
                assertThat(logged.position()).isEqualTo(first + i);
                assertThat(logged.aggregateId()).isEqualTo(e.aggregateId());
                assertThat(logged.sequenceNumber()).isEqualTo(e.sequence() == null ? 0 : e.sequence());
                assertThat(logged.payload()).isEqualTo(new Read(e.type(), e.revision(), e.payloadJson()));
            }
        }
    }

    @Test
    void whatWasWrittenReadsBackAsItWasGiven() {
        List<Document> commits = appendedCommits();
        List<EventMessage<?>> appended = appends().stream().flatMap(List::stream).toList();
        List<StoredEvent> read = new ArrayList<>();
        for (Document commit : commits) {
            read.addAll(CommitLayout.storedEvents(new RawBsonDocument(bytes(commit))).events());
        }
        assertThat(read).extracting(StoredEvent::position).containsExactly(1L, 2L, 3L, 4L);
        byte[] previous = LogRecord.ZERO;
        for (int i = 0; i < read.size(); i++) {
            StoredEvent e = read.get(i);
            EventMessage<?> message = appended.get(i);
            assertThat(e.eventId()).isEqualTo(message.getIdentifier());
            assertThat(e.timestamp()).isEqualTo(message.getTimestamp().toString());
            assertThat(e.type()).isEqualTo(message.getPayloadType().getName());
            assertThat(SERIALIZER.deserialize(new org.axonframework.serialization.SimpleSerializedObject<>(e.payloadJson(), String.class,
                    e.type(), e.revision())).equals(message.getPayload())).isTrue();
            if (message instanceof GenericDomainEventMessage<?> d) {
                assertThat(e.aggregateType()).isEqualTo(d.getType());
                assertThat(e.aggregateId()).isEqualTo(d.getAggregateIdentifier());
                assertThat(e.sequence()).isEqualTo(d.getSequenceNumber());
            } else {
                assertThat(e.aggregateId()).isNull();
                assertThat(e.sequence()).isNull();
            }
            previous = e.record().hash(previous, e.position());
            assertThat(e.hash()).as("the chain, recomputed from what was read").isEqualTo(previous);
        }

        for (StoredEvent imported : imports()) {
            StoredEvent back = CommitLayout.storedEvents(new RawBsonDocument(bytes(CommitLayout.imported(imported)))).events().get(0);
            assertThat(back).usingRecursiveComparison().isEqualTo(imported);
            assertThat(bytes(CommitLayout.imported(back))).isEqualTo(bytes(CommitLayout.imported(imported)));
        }
    }

    @Test
    void theKeysOfACommitAreItsStreamAndIdempotencyKeyOrItsPosition() {
        List<Document> commits = appendedCommits();
        assertThat(CommitLayout.stream(commits.get(0))).isEqualTo("2014-H1-US-1/0");
        assertThat(commits.get(0).getString(CommitLayout.IDEM)).isEqualTo("k-1");
        assertThat(CommitLayout.requestHash(commits.get(0))).isEqualTo("rh-1");
        assertThat(commits.get(1).getString(CommitLayout.IDEM)).isEqualTo("@2");
        assertThat(CommitLayout.requestHash(commits.get(1))).isNull();
        assertThat(CommitLayout.stream(commits.get(2))).isEqualTo("@4");
        assertThat(CommitLayout.stream(CommitLayout.imported(imports().get(1)))).isEqualTo("@6");
    }
}
