package ledger.eventlog;

import ledger.logbundle.LogRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericDomainEventEntry;
import org.axonframework.eventhandling.GlobalSequenceTrackingToken;
import org.axonframework.eventhandling.TrackedDomainEventData;
import org.axonframework.eventsourcing.eventstore.EventStoreException;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.Serializer;
import org.bson.BsonBinaryReader;
import org.bson.BsonReader;
import org.bson.BsonType;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.types.Binary;

/**
 * The stored commit document, the one place that knows its field names and their shapes, written and read:
 *
 * <pre>
 * { _id: first position, n: events, stream: "demand/firstSequence" or "@_id", idem: Idempotency-Key or "@_id",
 *   events: [ { id, ts, type, rev, payload, meta, aggType, agg, seq, h } ], idemHash: request hash (keyed only) }
 * </pre>
 *
 * An event's position is {@code _id} plus its index. {@code payload} and {@code meta} are the serializer's JSON,
 * {@code ts} the instant's ISO-8601 string, {@code h} the chain's 32-byte hash ({@link LogRecord}); the three
 * aggregate fields are missing for an event of no demand (the append) or null (the import). Field order matters:
 * documents must keep the bytes earlier builds wrote.
 */
final class CommitLayout {

    static final String ID = "_id";
    static final String SIZE = "n";
    static final String STREAM = "stream";
    static final String IDEM = "idem";
    static final String EVENTS = "events";
    static final String IDEM_HASH = "idemHash";

    static final String EVENT_ID = "id";
    static final String TIMESTAMP = "ts";
    static final String TYPE = "type";
    static final String REVISION = "rev";
    static final String PAYLOAD = "payload";
    static final String META = "meta";
    static final String AGGREGATE_TYPE = "aggType";
    static final String AGGREGATE = "agg";
    static final String SEQUENCE = "seq";
    static final String HASH = "h";

    /** Commits larger than this are refused, so a reader resuming mid-commit knows how far back to look. */
    static final int MAX_EVENTS_PER_COMMIT = 64;

    /** The unique indexes on {@link #STREAM} and {@link #IDEM}; a duplicate key error names the one it hit. */
    static final String STREAM_INDEX = "stream_unique";
    static final String IDEM_INDEX = "idem_unique";

    private CommitLayout() {
    }

    // ---------------------------------------------------------------- writing

    /** A demand's version as {@link #STREAM} holds it: unique, so one commit per version. */
    static String streamKey(String aggregateIdentifier, long sequenceNumber) {
        return aggregateIdentifier + "/" + sequenceNumber;
    }

    /** What {@link #STREAM} and {@link #IDEM} hold when unused: unique too (a sparse index is not available everywhere). */
    static String unused(long position) {
        return "@" + position;
    }

    /** An event as the append stores it, all but its hash. */
    static Document event(EventMessage<?> event, Serializer serializer) {
        SerializedObject<String> payload = event.serializePayload(serializer, String.class);
        SerializedObject<String> metaData = event.serializeMetaData(serializer, String.class);
        Document entry = new Document(EVENT_ID, event.getIdentifier())
                .append(TIMESTAMP, event.getTimestamp().toString())
                .append(TYPE, payload.getType().getName())
                .append(REVISION, payload.getType().getRevision())
                .append(PAYLOAD, payload.getData())
                .append(META, metaData.getData());
        if (event instanceof DomainEventMessage<?> d) {
            entry.append(AGGREGATE_TYPE, d.getType()).append(AGGREGATE, d.getAggregateIdentifier()).append(SEQUENCE, d.getSequenceNumber());
        }
        return entry;
    }

    /** The chain's record of an event of {@link #event}, all but its position. */
    static LogRecord record(Document event) {
        return stored(0, event).record(); // one mapping for the append's hash and the backfill's: they must agree
    }

    /** Stores the chain's hash with an event (last, where the event has none yet). */
    static void putHash(Document event, byte[] hash) {
        event.put(HASH, new Binary(hash));
    }

    /** The append's commit at {@code position}; {@code stream}, {@code key} and {@code requestHash} may be null. */
    static Document commit(long position, List<Document> events, String stream, String key, String requestHash) {
        Document commit = new Document(ID, position)
                .append(SIZE, events.size())
                .append(STREAM, stream != null ? stream : unused(position))
                .append(IDEM, key != null ? key : unused(position))
                .append(EVENTS, events);
        if (requestHash != null) {
            commit.append(IDEM_HASH, requestHash);
        }
        return commit;
    }

    /** An event of another log as the import stores it: a commit of its own, with its hash. */
    static Document imported(StoredEvent e) {
        Document entry = new Document(EVENT_ID, e.eventId()).append(TIMESTAMP, e.timestamp()).append(TYPE, e.type())
                .append(REVISION, e.revision()).append(PAYLOAD, e.payloadJson()).append(META, e.metaDataJson())
                .append(AGGREGATE_TYPE, e.aggregateType()).append(AGGREGATE, e.aggregateId()).append(SEQUENCE, e.sequence())
                .append(HASH, new Binary(e.hash()));
        return commit(e.position(), List.of(entry), e.aggregateId() != null ? streamKey(e.aggregateId(), e.sequence()) : null, null, null);
    }

    // ---------------------------------------------------------------- reading a Document

    /** The commit's first position. */
    static long first(Document commit) {
        return ((Number) commit.get(ID)).longValue();
    }

    /** How many events the commit holds. */
    static int size(Document commit) {
        return commit.getInteger(SIZE);
    }

    static List<Document> events(Document commit) {
        return commit.getList(EVENTS, Document.class);
    }

    static String stream(Document commit) {
        return commit.getString(STREAM);
    }

    static String requestHash(Document commit) {
        return commit.getString(IDEM_HASH);
    }

    static String aggregate(Document event) {
        return event.getString(AGGREGATE);
    }

    static String timestamp(Document event) {
        return event.getString(TIMESTAMP);
    }

    /** The event's sequence number; null for an event of no demand. */
    static Long sequence(Document event) {
        Object seq = event.get(SEQUENCE);
        return seq == null ? null : ((Number) seq).longValue();
    }

    static boolean hasHash(Document event) {
        return event.get(HASH) != null;
    }

    /** The chain's hash stored with the event; null when there is none. */
    static byte[] hash(Document event) {
        return event.get(HASH) instanceof Binary b ? b.getData() : null;
    }

    /** An event of a commit as stored. */
    static StoredEvent stored(long position, Document e) {
        return new StoredEvent(position, e.getString(EVENT_ID), e.getString(AGGREGATE_TYPE), e.getString(AGGREGATE),
                sequence(e), e.getString(TYPE), e.getString(REVISION), e.getString(TIMESTAMP),
                e.getString(PAYLOAD), e.getString(META), hash(e));
    }

    /** An event as Axon reads it, at its position (sequence 0 for an event of no demand). */
    static TrackedDomainEventData<String> tracked(long position, Document e) {
        Long seq = sequence(e);
        return new TrackedDomainEventData<>(new GlobalSequenceTrackingToken(position), new GenericDomainEventEntry<>(
                e.getString(AGGREGATE_TYPE), e.getString(AGGREGATE), seq == null ? 0 : seq,
                e.getString(EVENT_ID), e.getString(TIMESTAMP), e.getString(TYPE), e.getString(REVISION),
                e.getString(PAYLOAD), e.getString(META)));
    }

    // ---------------------------------------------------------------- reading raw BSON

    /** Deserializes a payload from its type, revision and JSON (UTF-8, {@code length} bytes from {@code offset}). */
    interface Payloads {
        Object read(String type, String revision, byte[] json, int offset, int length);
    }

    /** A commit's first position and its events as stored. */
    record StoredCommit(long first, List<StoredEvent> events) {
    }

    /** A commit's events as stored, every field, read in one pass by the driver's binary reader. */
    static StoredCommit storedEvents(RawBsonDocument commit) {
        Walked walked = walk(commit, STORED);
        List<StoredEvent> events = new ArrayList<>(walked.events().size());
        for (int i = 0; i < walked.events().size(); i++) {
            WalkedEvent e = walked.events().get(i);
            events.add(new StoredEvent(walked.first() + i, e.eventId(), e.aggregateType(), e.aggregateId(), e.sequence(),
                    e.type(), e.revision(), e.timestamp(), e.payload(), e.meta(), e.hash()));
        }
        return new StoredCommit(walked.first(), events);
    }

    /**
     * A commit's events as a scan hands them on, read where its bytes lie ({@link InPlace}), or by the driver's
     * reader for a commit holding anything the former does not expect.
     */
    static List<LoggedEvent> loggedEvents(RawBsonDocument commit, Payloads payloads) {
        List<LoggedEvent> events = loggedEventsInPlace(commit, payloads);
        return events != null ? events : loggedEventsRead(commit, payloads);
    }

    /** {@link #loggedEvents} where the bytes lie; null for a commit holding what {@link InPlace} does not expect. */
    static List<LoggedEvent> loggedEventsInPlace(RawBsonDocument commit, Payloads payloads) {
        java.nio.ByteBuffer bytes = commit.getByteBuffer().asNIO();
        return bytes.hasArray() ? new InPlace(bytes.array(), bytes.arrayOffset() + bytes.position(), payloads).events() : null;
    }

    /** {@link #loggedEvents} by the driver's reader. */
    static List<LoggedEvent> loggedEventsRead(RawBsonDocument commit, Payloads payloads) {
        Walked walked = walk(commit, LOGGED);
        List<LoggedEvent> events = new ArrayList<>(walked.events().size());
        for (int i = 0; i < walked.events().size(); i++) {
            WalkedEvent e = walked.events().get(i);
            byte[] json = e.payload() == null ? null : e.payload().getBytes(StandardCharsets.UTF_8);
            long seq = e.sequence() == null ? 0 : e.sequence();
            events.add(new LoggedEvent(walked.first() + i, e.aggregateId(), seq,
                    payloads.read(e.type(), e.revision(), json, 0, json == null ? 0 : json.length)));
        }
        return events;
    }

    /**
     * How a driver reader takes a commit's numbers, {@code _id} and each event's {@code seq} (null: none): the
     * ordered read and the scan each answer a malformed number, and read an odd {@code seq}, as their callers expect.
     */
    private interface Numbers {
        long first(BsonReader reader);

        Long sequence(BsonReader reader);
    }

    /** The ordered read's: a {@code seq} that is not a number is none; an {@code _id} that is not, an IllegalStateException. */
    private static final Numbers STORED = new Numbers() {
        @Override
        public long first(BsonReader reader) {
            return readLong(reader, IllegalStateException::new);
        }

        @Override
        public Long sequence(BsonReader reader) {
            BsonType type = reader.getCurrentBsonType();
            if (type == BsonType.INT32 || type == BsonType.INT64 || type == BsonType.DOUBLE) {
                return readLong(reader, IllegalStateException::new);
            }
            reader.skipValue();
            return null;
        }
    };

    /** The scan's: a null {@code seq} is 0; any other value that is not a number, an EventStoreException. */
    private static final Numbers LOGGED = new Numbers() {
        @Override
        public long first(BsonReader reader) {
            return readLong(reader, EventStoreException::new);
        }

        @Override
        public Long sequence(BsonReader reader) {
            if (reader.getCurrentBsonType() == BsonType.NULL) {
                reader.readNull();
                return 0L;
            }
            return readLong(reader, EventStoreException::new);
        }
    };

    /** A commit as the driver's reader walks it, its events' fields not yet made events. */
    private record Walked(long first, List<WalkedEvent> events) {
    }

    /** An event's string fields (in {@link #walkEvent}'s slots), its {@code seq} and its hash. */
    private record WalkedEvent(String[] fields, Long sequence, byte[] hash) {
        String eventId() {
            return fields[0];
        }

        String aggregateType() {
            return fields[1];
        }

        String aggregateId() {
            return fields[2];
        }

        String type() {
            return fields[3];
        }

        String revision() {
            return fields[4];
        }

        String timestamp() {
            return fields[5];
        }

        String payload() {
            return fields[6];
        }

        String meta() {
            return fields[7];
        }
    }

    /** One pass over the raw bytes: RawBsonDocument.asBsonReader would first decode the whole document. */
    private static Walked walk(RawBsonDocument commit, Numbers numbers) {
        long first = 0;
        List<WalkedEvent> events = new ArrayList<>(1);
        try (BsonReader reader = new BsonBinaryReader(commit.getByteBuffer().asNIO())) {
            reader.readStartDocument();
            while (reader.readBsonType() != BsonType.END_OF_DOCUMENT) {
                String name = reader.readName();
                if (name.equals(ID)) {
                    first = numbers.first(reader);
                } else if (name.equals(EVENTS)) {
                    reader.readStartArray();
                    while (reader.readBsonType() != BsonType.END_OF_DOCUMENT) {
                        events.add(walkEvent(reader, numbers));
                    }
                    reader.readEndArray();
                } else {
                    reader.skipValue();
                }
            }
        }
        return new Walked(first, events);
    }

    private static WalkedEvent walkEvent(BsonReader reader, Numbers numbers) {
        String[] fields = new String[8];
        Long seq = null;
        byte[] hash = null;
        reader.readStartDocument();
        while (reader.readBsonType() != BsonType.END_OF_DOCUMENT) {
            String field = reader.readName();
            int slot = switch (field) {
                case EVENT_ID -> 0;
                case AGGREGATE_TYPE -> 1;
                case AGGREGATE -> 2;
                case TYPE -> 3;
                case REVISION -> 4;
                case TIMESTAMP -> 5;
                case PAYLOAD -> 6;
                case META -> 7;
                default -> -1;
            };
            BsonType type = reader.getCurrentBsonType();
            if (field.equals(SEQUENCE)) {
                seq = numbers.sequence(reader);
            } else if (field.equals(HASH) && type == BsonType.BINARY) {
                hash = reader.readBinaryData().getData();
            } else if (slot >= 0 && type == BsonType.STRING) {
                fields[slot] = reader.readString();
            } else {
                reader.skipValue();
            }
        }
        reader.readEndDocument();
        return new WalkedEvent(fields, seq, hash);
    }

    private static long readLong(BsonReader reader, Function<String, RuntimeException> failure) {
        return switch (reader.getCurrentBsonType()) {
            case INT32 -> reader.readInt32();
            case INT64 -> reader.readInt64();
            case DOUBLE -> (long) reader.readDouble();
            default -> throw failure.apply("not a number in the log: " + reader.getCurrentBsonType());
        };
    }

    /**
     * One commit's BSON read where it lies, for the scan: field names compared as bytes, never made strings, and
     * the payload's JSON handed to the deserializer as the UTF-8 bytes it is stored as. {@link #events} is null
     * for anything unexpected (the driver's reader then reads the commit).
     */
    static final class InPlace {
        private static final byte[] ID_NAME = name(ID);
        private static final byte[] EVENTS_NAME = name(EVENTS);
        private static final byte[] AGGREGATE_NAME = name(AGGREGATE);
        private static final byte[] TYPE_NAME = name(TYPE);
        private static final byte[] REVISION_NAME = name(REVISION);
        private static final byte[] PAYLOAD_NAME = name(PAYLOAD);
        private static final byte[] SEQUENCE_NAME = name(SEQUENCE);

        private final byte[] b;
        private final int start;
        private final Payloads payloads;
        private int at;

        InPlace(byte[] bytes, int start, Payloads payloads) {
            this.b = bytes;
            this.start = start;
            this.payloads = payloads;
        }

        private static byte[] name(String name) {
            return name.getBytes(StandardCharsets.US_ASCII);
        }

        List<LoggedEvent> events() {
            try {
                return read();
            } catch (RuntimeException e) {
                return null; // IndexOutOfBounds on bytes this reader misjudged: the driver's reader says what is wrong
            }
        }

        private List<LoggedEvent> read() {
            long first = 0;
            List<Event> events = null;
            int end = start + int32(start);
            at = start + 4;
            while (at < end - 1) {
                byte type = b[at++];
                int name = at;
                skipName();
                if (is(name, ID_NAME)) {
                    Long id = number(type);
                    if (id == null) {
                        return null;
                    }
                    first = id;
                } else if (is(name, EVENTS_NAME) && type == 0x04) {
                    if (events != null) {
                        return null;
                    }
                    events = new ArrayList<>(1);
                    int arrayEnd = at + int32(at);
                    at += 4;
                    while (at < arrayEnd - 1) {
                        if (b[at++] != 0x03) {
                            return null;
                        }
                        skipName();
                        Event event = event();
                        if (event == null) {
                            return null;
                        }
                        events.add(event);
                    }
                    at = arrayEnd;
                } else if (!skip(type)) {
                    return null;
                }
            }
            if (events == null) {
                return null;
            }
            // an event's position is the commit's first plus its index: known once _id is read, wherever it lies
            List<LoggedEvent> logged = new ArrayList<>(events.size());
            for (int i = 0; i < events.size(); i++) {
                Event e = events.get(i);
                logged.add(new LoggedEvent(first + i, e.demandId(), e.sequence(), e.payload()));
            }
            return logged;
        }

        /** An event as its document gives it, before its position is known. */
        private record Event(String demandId, long sequence, Object payload) {
        }

        /** One event's document, at {@code at}; deserialized once its fields are all read. */
        private Event event() {
            int end = at + int32(at);
            at += 4;
            String agg = null;
            String type = null;
            String rev = null;
            int payload = -1;
            int payloadLength = 0;
            long seq = 0;
            while (at < end - 1) {
                byte t = b[at++];
                int name = at;
                skipName();
                if (is(name, AGGREGATE_NAME) && (t == 0x02 || t == 0x0A)) {
                    agg = t == 0x02 ? string() : null;
                } else if (is(name, TYPE_NAME) && t == 0x02) {
                    type = string();
                } else if (is(name, REVISION_NAME) && (t == 0x02 || t == 0x0A)) {
                    rev = t == 0x02 ? string() : null;
                } else if (is(name, PAYLOAD_NAME) && t == 0x02) {
                    payloadLength = int32(at) - 1;
                    payload = at + 4;
                    at = payload + payloadLength + 1;
                } else if (is(name, SEQUENCE_NAME)) {
                    Long n = t == 0x0A ? Long.valueOf(0) : number(t);
                    if (n == null) {
                        return null;
                    }
                    seq = n;
                } else if (!skip(t)) {
                    return null;
                }
            }
            at = end;
            Object read = payloads.read(type, rev, payload < 0 ? null : b, Math.max(payload, 0), payloadLength);
            return new Event(agg, seq, read);
        }

        private boolean is(int name, byte[] expected) {
            for (int i = 0; i < expected.length; i++) {
                if (b[name + i] != expected[i]) {
                    return false;
                }
            }
            return b[name + expected.length] == 0;
        }

        private void skipName() {
            while (b[at] != 0) {
                at++;
            }
            at++;
        }

        private String string() {
            int length = int32(at);
            String value = new String(b, at + 4, length - 1, StandardCharsets.UTF_8);
            at += 4 + length;
            return value;
        }

        /** An int32, int64 or double as a long, or null for another type. */
        private Long number(byte type) {
            switch (type) {
                case 0x10 -> {
                    long v = int32(at);
                    at += 4;
                    return v;
                }
                case 0x12 -> {
                    long v = int64(at);
                    at += 8;
                    return v;
                }
                case 0x01 -> {
                    long v = (long) Double.longBitsToDouble(int64(at));
                    at += 8;
                    return v;
                }
                default -> {
                    return null;
                }
            }
        }

        /** Skips a value of a type the log holds; false for any other. */
        private boolean skip(byte type) {
            switch (type) {
                case 0x01, 0x09, 0x11, 0x12 -> at += 8;
                case 0x02 -> at += 4 + int32(at);
                case 0x03, 0x04 -> at += int32(at);
                case 0x05 -> at += 5 + int32(at);
                case 0x07 -> at += 12;
                case 0x08 -> at += 1;
                case 0x0A -> {
                }
                case 0x10 -> at += 4;
                case 0x13 -> at += 16;
                default -> {
                    return false;
                }
            }
            return true;
        }

        private int int32(int i) {
            return (b[i] & 0xff) | (b[i + 1] & 0xff) << 8 | (b[i + 2] & 0xff) << 16 | (b[i + 3] & 0xff) << 24;
        }

        private long int64(int i) {
            return (int32(i) & 0xffffffffL) | (long) int32(i + 4) << 32;
        }
    }
}
