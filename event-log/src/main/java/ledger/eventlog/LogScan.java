package ledger.eventlog;

import com.mongodb.client.MongoCollection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.axonframework.eventsourcing.eventstore.EventStoreException;
import org.bson.BsonReader;
import org.bson.BsonType;
import org.bson.Document;
import org.bson.RawBsonDocument;

/**
 * One pass over the whole log up to a position ({@link MongoEventLog#scan}): a cursor with no order, read by a
 * pipeline of threads so that fetching, decoding and folding overlap, and each demand's events handed on in
 * sequence order.
 */
final class LogScan {

    /** Deserializes a payload from its type, revision and JSON (UTF-8, {@code length} bytes from {@code offset}). */
    interface Payloads {
        Object read(String type, String revision, byte[] json, int offset, int length);
    }

    private final MongoCollection<Document> commits;
    private final Payloads payloads;

    LogScan(MongoCollection<Document> commits, Payloads payloads) {
        this.commits = commits;
        this.payloads = payloads;
    }

    /**
     * {@code filtered}: ask the server for positions up to {@code upTo} only. Worth it when much of the log lies
     * beyond; otherwise the embedded server spends more matching every commit against the filter than it saves
     * (the few commits beyond are dropped here).
     */
    void run(long upTo, boolean filtered, Consumer<LoggedEvent> consumer) {
        int expectedDemands = (int) Math.min(upTo, 4_000_000);
        Map<String, long[]> nextSequence = new HashMap<>(expectedDemands);
        Map<String, TreeMap<Long, LoggedEvent>> heldBack = new HashMap<>();
        Document filter = filtered ? new Document("_id", new Document("$lte", upTo)) : new Document();
        // two threads decode (deserializing the payloads is the pipeline's slowest stage); their batches may come out of
        // order, which the per-demand sequences below put right
        ReadAhead prefetch = new ReadAhead(commits, filter, "event-log-scan", 2, (commit, out) -> {
            for (LoggedEvent event : events(commit)) {
                if (event.position() <= upTo) {
                    out.add(event);
                }
            }
        });
        try {
            List<Object> batch;
            while ((batch = prefetch.next()) != null) {
                for (Object decoded : batch) {
                    LoggedEvent event = (LoggedEvent) decoded;
                    String demand = event.aggregateId();
                    if (demand == null) {
                        consumer.accept(event);
                        continue;
                    }
                    long[] next = nextSequence.computeIfAbsent(demand, d -> new long[1]);
                    if (event.sequenceNumber() != next[0]) {
                        heldBack.computeIfAbsent(demand, d -> new TreeMap<>()).put(event.sequenceNumber(), event);
                        continue;
                    }
                    consumer.accept(event);
                    next[0]++;
                    TreeMap<Long, LoggedEvent> waiting = heldBack.isEmpty() ? null : heldBack.get(demand);
                    if (waiting != null) {
                        while (waiting.containsKey(next[0])) {
                            consumer.accept(waiting.remove(next[0]++));
                        }
                        if (waiting.isEmpty()) {
                            heldBack.remove(demand);
                        }
                    }
                }
            }
        } finally {
            prefetch.cancel();
        }
        if (!heldBack.isEmpty()) {
            throw new EventStoreException("the log up to " + upTo + " misses events before " + heldBack.values().iterator().next().firstEntry().getValue());
        }
    }

    /**
     * A commit's events, read in one pass over its bytes: field names compared as bytes, never made strings, and
     * the payload's JSON handed to the deserializer as the UTF-8 bytes it is stored as (the driver's reader made
     * a string of every name and value it read: half of this stage's time, the pipeline's slowest). A commit
     * with anything this reader does not expect is read by the driver's reader instead.
     */
    private List<LoggedEvent> events(RawBsonDocument commit) {
        List<LoggedEvent> events = eventsInPlace(commit);
        return events != null ? events : eventsRead(commit);
    }

    /** {@link #events} where the bytes lie; null for a commit holding what this reader does not expect. */
    List<LoggedEvent> eventsInPlace(RawBsonDocument commit) {
        java.nio.ByteBuffer bytes = commit.getByteBuffer().asNIO();
        return bytes.hasArray() ? new RawCommit(bytes.array(), bytes.arrayOffset() + bytes.position(), payloads).events() : null;
    }

    /** {@link #events} by the driver's reader. */
    List<LoggedEvent> eventsRead(RawBsonDocument commit) {
        long first = 0;
        List<String[]> fields = new ArrayList<>(1);
        List<Long> sequences = new ArrayList<>(1);
        // a binary reader over the raw bytes: RawBsonDocument.asBsonReader would first decode the whole document
        try (BsonReader reader = new org.bson.BsonBinaryReader(commit.getByteBuffer().asNIO())) {
            reader.readStartDocument();
            while (reader.readBsonType() != BsonType.END_OF_DOCUMENT) {
                String name = reader.readName();
                if (name.equals("_id")) {
                    first = readLong(reader);
                } else if (name.equals("events")) {
                    reader.readStartArray();
                    while (reader.readBsonType() != BsonType.END_OF_DOCUMENT) {
                        String[] event = new String[4]; // agg, type, rev, payload
                        long seq = 0;
                        reader.readStartDocument();
                        while (reader.readBsonType() != BsonType.END_OF_DOCUMENT) {
                            String field = reader.readName();
                            int slot = switch (field) {
                                case "agg" -> 0;
                                case "type" -> 1;
                                case "rev" -> 2;
                                case "payload" -> 3;
                                case "seq" -> 4;
                                default -> -1;
                            };
                            if (slot == 4) {
                                seq = reader.getCurrentBsonType() == BsonType.NULL ? readNull(reader) : readLong(reader);
                            } else if (slot >= 0 && reader.getCurrentBsonType() == BsonType.STRING) {
                                event[slot] = reader.readString();
                            } else {
                                reader.skipValue();
                            }
                        }
                        reader.readEndDocument();
                        fields.add(event);
                        sequences.add(seq);
                    }
                    reader.readEndArray();
                } else {
                    reader.skipValue();
                }
            }
        }
        List<LoggedEvent> events = new ArrayList<>(fields.size());
        for (int i = 0; i < fields.size(); i++) {
            String[] f = fields.get(i);
            byte[] json = f[3] == null ? null : f[3].getBytes(java.nio.charset.StandardCharsets.UTF_8);
            events.add(new LoggedEvent(first + i, f[0], sequences.get(i), payloads.read(f[1], f[2], json, 0, json == null ? 0 : json.length)));
        }
        return events;
    }

    private static long readLong(BsonReader reader) {
        return switch (reader.getCurrentBsonType()) {
            case INT32 -> reader.readInt32();
            case INT64 -> reader.readInt64();
            case DOUBLE -> (long) reader.readDouble();
            default -> throw new EventStoreException("not a number in the log: " + reader.getCurrentBsonType());
        };
    }

    private static long readNull(BsonReader reader) {
        reader.readNull();
        return 0;
    }

    /** One commit's BSON, read where it lies; {@link #events} is null for anything unexpected. */
    private static final class RawCommit {
        private static final byte[] ID = name("_id");
        private static final byte[] EVENTS = name("events");
        private static final byte[] AGG = name("agg");
        private static final byte[] TYPE = name("type");
        private static final byte[] REV = name("rev");
        private static final byte[] PAYLOAD = name("payload");
        private static final byte[] SEQ = name("seq");

        private final byte[] b;
        private final int start;
        private final Payloads payloads;
        private int at;

        RawCommit(byte[] bytes, int start, Payloads payloads) {
            this.b = bytes;
            this.start = start;
            this.payloads = payloads;
        }

        private static byte[] name(String name) {
            return name.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
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
                if (is(name, ID)) {
                    Long id = number(type);
                    if (id == null) {
                        return null;
                    }
                    first = id;
                } else if (is(name, EVENTS) && type == 0x04) {
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
                if (is(name, AGG) && (t == 0x02 || t == 0x0A)) {
                    agg = t == 0x02 ? string() : null;
                } else if (is(name, TYPE) && t == 0x02) {
                    type = string();
                } else if (is(name, REV) && (t == 0x02 || t == 0x0A)) {
                    rev = t == 0x02 ? string() : null;
                } else if (is(name, PAYLOAD) && t == 0x02) {
                    payloadLength = int32(at) - 1;
                    payload = at + 4;
                    at = payload + payloadLength + 1;
                } else if (is(name, SEQ)) {
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
            String value = new String(b, at + 4, length - 1, java.nio.charset.StandardCharsets.UTF_8);
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
