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

    /** Deserializes a payload from its type, revision and JSON. */
    interface Payloads {
        Object read(String type, String revision, String json);
    }

    private static final int DECODERS = Integer.getInteger("ledger.scan.decoders", 2);

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
        ReadAhead prefetch = new ReadAhead(commits, filter, "event-log-scan", DECODERS, (commit, out) -> {
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

    /** A commit's events, read field by field in one pass over its bytes. */
    private List<LoggedEvent> events(RawBsonDocument commit) {
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
            events.add(new LoggedEvent(first + i, f[0], sequences.get(i), payloads.read(f[1], f[2], f[3])));
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
}
