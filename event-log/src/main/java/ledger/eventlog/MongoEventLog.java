package ledger.eventlog;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Projections;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.axonframework.eventhandling.DomainEventData;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericDomainEventEntry;
import org.axonframework.eventhandling.TrackedDomainEventData;
import org.axonframework.eventhandling.GlobalSequenceTrackingToken;
import org.axonframework.eventhandling.TrackedEventData;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.AbstractEventStorageEngine;
import org.axonframework.eventsourcing.eventstore.EventStoreException;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.Serializer;
import org.bson.Document;

/**
 * An Axon event storage engine on MongoDB that gives every event a position in one dense, total order.
 *
 * <p>A commit (the events of one unit of work) is one document whose {@code _id} is the position of its first
 * event; it holds {@code n} events at positions {@code _id .. _id+n-1}. A writer inserts at the position right
 * after the last commit it has seen; when another writer got there first the insert collides on {@code _id},
 * and the writer walks on to the new end of the log and tries again. So a position is only ever written
 * once the one before it exists: the log is always a gapless prefix, and a reader that follows it position by
 * position can never skip an event that becomes visible late. Nothing depends on clocks.
 *
 * <p>Optimistic concurrency per demand: {@code stream} ("aggregateId/firstSequenceNumber") is unique, so of
 * two commands that loaded the same version of a demand exactly one can append. {@code idem} (the request's
 * Idempotency-Key) is unique too, and travels in the same insert, so a keyed command is stored once or not at
 * all. Both fields hold "@position" when unused, because a sparse index is not available everywhere.
 *
 * <p>Every query is an exact match on {@code _id}, {@code stream} or {@code idem} (single values or {@code $in}),
 * the only lookups the embedded server answers from an index; bulk reads use one cursor asking for no order.
 *
 * <p>The log is a hash chain ({@code log-bundle.md}, {@link LogRecord}): each event is stored with {@code h}, the
 * SHA-256 of the hash before it and of its record. The appender computes it under its append lock from the hash at
 * the end of the log it knows (its own last insert, or the last event of the commits it walked over); a log from
 * before the chain gets it at the first start ({@link #prepareChain}).
 */
public class MongoEventLog extends AbstractEventStorageEngine {

    static final String META_IDEMPOTENCY_KEY = "idempotencyKey";
    static final String META_REQUEST_HASH = "requestHash";
    /** Commits larger than this are refused, so a reader resuming mid-commit knows how far back to look. */
    static final int MAX_EVENTS_PER_COMMIT = 64;
    private static final int STREAM_WINDOW = 16;
    private static final int TAIL_WINDOW = 128;
    /** The embedded server matches each document found against the whole $in list: windows stay small. */
    private static final int CATCH_UP_WINDOW = 256;

    private final MongoCollection<Document> commits;
    /**
     * The log as no failover can take it back: an appender walks to the end of the log over this view only, so
     * it never appends after a commit that could still be rolled back (which would leave a hole at its position).
     */
    private final MongoCollection<Document> settledCommits;
    private final MongoCollection<Document> meta;
    private final AtomicLong head = new AtomicLong(-1);
    /** Positions known to end a commit: a reader resuming right after one need not look back for its start. */
    private final java.util.Set<Long> commitEnds = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final ThreadLocal<long[]> lastAppended = new ThreadLocal<>();
    private volatile long hintWritten;
    private final Object appendLock = new Object();
    /** Lets a test hold an append back between taking its position and inserting. */
    volatile java.util.function.LongConsumer beforeInsert = position -> { };

    protected MongoEventLog(Builder builder) {
        super(builder);
        MongoDatabase database = builder.database;
        this.commits = database.getCollection("event_log");
        this.settledCommits = commits.withReadConcern(com.mongodb.ReadConcern.MAJORITY);
        this.meta = database.getCollection("event_log_meta");
        commits.createIndex(Indexes.ascending("stream"), new IndexOptions().unique(true).name("stream_unique"));
        commits.createIndex(Indexes.ascending("idem"), new IndexOptions().unique(true).name("idem_unique"));
        prepareChain();
    }

    public static Builder builder() {
        return new Builder();
    }

    // ---------------------------------------------------------------- appending

    @Override
    protected void appendEvents(List<? extends EventMessage<?>> events, Serializer serializer) {
        if (events.isEmpty()) {
            return;
        }
        if (events.size() > MAX_EVENTS_PER_COMMIT) {
            throw new EventStoreException("a commit holds at most " + MAX_EVENTS_PER_COMMIT + " events, not " + events.size());
        }
        List<Document> entries = new ArrayList<>(events.size());
        List<LogRecord> records = new ArrayList<>(events.size());
        for (EventMessage<?> event : events) {
            Document entry = entry(event, serializer);
            entries.add(entry);
            // the chain's record, all but its position: prepared here, outside the append lock
            Object seq = entry.get("seq");
            records.add(LogRecord.of(entry.getString("agg"), seq == null ? null : ((Number) seq).longValue(), entry.getString("type"),
                    entry.getString("rev"), entry.getString("ts"), LogRecord.actor(entry.getString("meta")), entry.getString("payload")));
        }
        EventMessage<?> first = events.get(0);
        String stream = first instanceof DomainEventMessage<?> d && d.getAggregateIdentifier() != null
                ? streamKey(d.getAggregateIdentifier(), d.getSequenceNumber()) : null;
        Object key = first.getMetaData().get(META_IDEMPOTENCY_KEY);
        Object hash = first.getMetaData().get(META_REQUEST_HASH);
        Append mine = new Append(entries, records, stream, key == null ? null : key.toString(), hash == null ? null : hash.toString());
        appendGrouped(mine);
        if (mine.failure != null) {
            if (mine.failure instanceof StreamConflict conflict) {
                handlePersistenceException(conflict, first);
            }
            if (mine.failure instanceof MongoWriteException e && e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
                handlePersistenceException(e, first);
            }
            throw mine.failure;
        }
        lastAppended.set(new long[] {mine.position, mine.position + mine.size() - 1});
    }

    /** A commit waiting to be appended, and what became of it. */
    private static final class Append {
        final List<Document> entries;
        final List<LogRecord> records;
        final String stream;
        final String key;
        final String hash;
        long position;
        /** The chain's hash at this commit's last event, for the position it was last tried at. */
        byte[] lastHash;
        RuntimeException failure;
        boolean done;

        Append(List<Document> entries, List<LogRecord> records, String stream, String key, String hash) {
            this.entries = entries;
            this.records = records;
            this.stream = stream;
            this.key = key;
            this.hash = hash;
        }

        int size() {
            return entries.size();
        }

        /** The commit's document at {@code position}, each event with its hash chained on from {@code previous}. */
        Document at(long position, byte[] previous) {
            byte[] h = previous;
            for (int i = 0; i < entries.size(); i++) {
                h = records.get(i).hash(h, position + i);
                entries.get(i).put("h", new org.bson.types.Binary(h));
            }
            lastHash = h;
            Document commit = new Document("_id", position)
                    .append("n", entries.size())
                    .append("stream", stream != null ? stream : "@" + position)
                    .append("idem", key != null ? key : "@" + position)
                    .append("events", entries);
            if (hash != null) {
                commit.append("idemHash", hash);
            }
            return commit;
        }
    }

    private static final int MAX_COMMITS_PER_INSERT = 64;
    /** Commits waiting for an insert; guarded by appendLock. */
    private final java.util.ArrayDeque<Append> waiting = new java.util.ArrayDeque<>();
    /** Guarded by appendLock. */
    private boolean appending;

    /**
     * Appends of this instance take consecutive positions, and a position may only be written once the one
     * before it exists (readers stop at the first hole). So they are not inserted one by one, each waiting for
     * the one before (one round trip, one durable write at a time): whoever finds no insert in flight takes
     * every commit waiting and inserts them at consecutive positions in one ordered insert, which stores a
     * prefix of them and stops at the first that fails. The ones stored are done; the failed one gets its
     * answer (another command on the demand won, the Idempotency-Key is taken), and the rest go on at the next
     * free position. Instances still race, and a collision on {@code _id} settles it.
     */
    private void appendGrouped(Append mine) {
        synchronized (appendLock) {
            waiting.add(mine);
        }
        while (true) {
            List<Append> batch = new ArrayList<>();
            synchronized (appendLock) {
                while (appending && !mine.done) {
                    try {
                        appendLock.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                if (mine.done) {
                    return;
                }
                appending = true;
                while (!waiting.isEmpty() && batch.size() < MAX_COMMITS_PER_INSERT) {
                    batch.add(waiting.poll());
                }
            }
            try {
                // outside the lock: the next commits queue up meanwhile, for the next insert
                insertAll(batch);
            } finally {
                synchronized (appendLock) {
                    appending = false;
                    appendLock.notifyAll();
                }
            }
        }
    }

    /** Inserts the commits at consecutive positions; one batch at a time (appending). */
    private void insertAll(List<Append> batch) {
        List<Append> pending = new ArrayList<>(batch);
        try {
            ChainEnd end = chainEnd();
            long position = end.position() + 1;
            byte[] previous = end.hash();
            while (!pending.isEmpty()) {
                List<Document> documents = new ArrayList<>(pending.size());
                long next = position;
                byte[] chained = previous;
                for (Append append : pending) {
                    append.position = next;
                    documents.add(append.at(next, chained));
                    chained = append.lastHash;
                    next += append.size();
                }
                beforeInsert.accept(position);
                int stored;
                com.mongodb.WriteError error = null;
                RuntimeException cause = null;
                try {
                    if (documents.size() == 1) {
                        commits.insertOne(documents.get(0));
                    } else {
                        commits.insertMany(documents, new com.mongodb.client.model.InsertManyOptions().ordered(true));
                    }
                    stored = documents.size();
                } catch (MongoWriteException e) {
                    stored = 0;
                    error = e.getError();
                    cause = e;
                } catch (com.mongodb.MongoBulkWriteException e) {
                    com.mongodb.bulk.BulkWriteError first = e.getWriteErrors().get(0);
                    stored = first.getIndex();
                    error = first;
                    cause = new MongoWriteException(first, e.getServerAddress(), java.util.Set.of());
                }
                for (int i = 0; i < stored; i++) {
                    Append done = pending.get(i);
                    long last = done.position + done.size() - 1;
                    tail = new ChainEnd(last, done.lastHash);
                    previous = done.lastHash;
                    head.accumulateAndGet(last, Math::max);
                    rememberCommitEnd(last);
                    writeHintNowAndThen(last);
                    finish(done, null);
                }
                if (error == null) {
                    return;
                }
                Append failed = pending.get(stored);
                List<Append> rest = new ArrayList<>(pending.subList(stored + 1, pending.size()));
                String message = String.valueOf(error.getMessage());
                if (error.getCategory() != ErrorCategory.DUPLICATE_KEY) {
                    head.set(-1);
                    for (Append append : pending.subList(stored, pending.size())) {
                        finish(append, cause);
                    }
                    return;
                } else if (message.contains("stream_unique")) {
                    finish(failed, new StreamConflict(cause));
                    position = failed.position;
                } else if (message.contains("idem_unique")) {
                    finish(failed, new IdempotencyKeyTaken(failed.key == null ? "" : failed.key, cause));
                    position = failed.position;
                } else {
                    // another instance took this position: walk on to the end of the log and try there (once the
                    // other commit is settled: until then the walk does not pass it)
                    rest.add(0, failed);
                    ChainEnd walked = walkChain(new ChainEnd(failed.position - 1, previous));
                    if (walked.position() + 1 == failed.position) {
                        java.util.concurrent.locks.LockSupport.parkNanos(200_000);
                    }
                    tail = walked;
                    position = walked.position() + 1;
                    previous = walked.hash();
                }
                pending = rest;
            }
        } catch (RuntimeException e) {
            // the database failed (or a test's hook): this process no longer knows where the log ends
            head.set(-1);
            for (Append append : pending) {
                finish(append, e);
            }
        }
    }

    private void finish(Append append, RuntimeException failure) {
        synchronized (appendLock) {
            if (!append.done) {
                append.failure = failure;
                append.done = true;
            }
        }
    }

    private Document entry(EventMessage<?> event, Serializer serializer) {
        SerializedObject<String> payload = event.serializePayload(serializer, String.class);
        SerializedObject<String> metaData = event.serializeMetaData(serializer, String.class);
        Document entry = new Document("id", event.getIdentifier())
                .append("ts", event.getTimestamp().toString())
                .append("type", payload.getType().getName())
                .append("rev", payload.getType().getRevision())
                .append("payload", payload.getData())
                .append("meta", metaData.getData());
        if (event instanceof DomainEventMessage<?> d) {
            entry.append("aggType", d.getType()).append("agg", d.getAggregateIdentifier()).append("seq", d.getSequenceNumber());
        }
        return entry;
    }

    static String streamKey(String aggregateIdentifier, long sequenceNumber) {
        return aggregateIdentifier + "/" + sequenceNumber;
    }

    /** The start and end position of the last commit this thread appended, if any; cleared by reading it. */
    public Optional<long[]> takeLastAppended() {
        long[] value = lastAppended.get();
        lastAppended.remove();
        return Optional.ofNullable(value);
    }

    /** The commit stored under an Idempotency-Key: its first position, its request hash and its aggregate. */
    public Optional<KeyedCommit> findByIdempotencyKey(String key) {
        Document found = commits.find(new Document("idem", key))
                .projection(Projections.include("_id", "n", "idemHash", "events.agg")).first();
        if (found == null) {
            return Optional.empty();
        }
        List<Document> events = found.getList("events", Document.class);
        String aggregate = events.isEmpty() ? null : events.get(0).getString("agg");
        long start = ((Number) found.get("_id")).longValue();
        return Optional.of(new KeyedCommit(start, start + found.getInteger("n") - 1, found.getString("idemHash"), aggregate));
    }

    /** The position of a demand's first event, if it was ever received. */
    public Optional<Long> firstPositionOf(String aggregateIdentifier) {
        Document found = commits.find(new Document("stream", streamKey(aggregateIdentifier, 0)))
                .projection(Projections.include("_id")).first();
        return Optional.ofNullable(found).map(d -> ((Number) d.get("_id")).longValue());
    }

    public record KeyedCommit(long firstPosition, long lastPosition, String requestHash, String aggregateIdentifier) {
    }

    // ---------------------------------------------------------------- the head of the log

    /** The position of the last event in the log, as far as can be known now (0 when empty). */
    public long headPosition() {
        // other processes append too: their hint may be far ahead of what this one has seen, and walking there
        // one window at a time would take long
        return walkToEnd(Math.max(head.get(), hint()));
    }

    /** The end of some commit, written now and then by appenders (0 when none was). */
    private long hint() {
        Document hint = meta.find(new Document("_id", "head")).first();
        return hint == null ? 0 : ((Number) hint.get("position")).longValue();
    }

    /**
     * From a position known to end a commit (or 0), follows the commits forward with {@code $in} lookups on
     * {@code _id} and answers the position of the last event of the log.
     */
    private long walkToEnd(long end) {
        while (true) {
            List<Long> window = range(end + 1, TAIL_WINDOW);
            Map<Long, Integer> sizes = new HashMap<>();
            for (Document d : settledCommits.find(new Document("_id", new Document("$in", window))).projection(Projections.include("n"))) {
                sizes.put(((Number) d.get("_id")).longValue(), d.getInteger("n"));
            }
            long cursor = end + 1;
            Integer n;
            while ((n = sizes.get(cursor)) != null) {
                cursor += n;
            }
            if (cursor == end + 1 || cursor <= window.get(window.size() - 1)) {
                long newEnd = cursor - 1;
                head.accumulateAndGet(newEnd, Math::max);
                return newEnd;
            }
            end = cursor - 1;
        }
    }

    /**
     * The head hint only shortens the walk at start-up; any commit end is a valid place to start walking, so
     * it may lag and is written only now and then.
     */
    private void writeHintNowAndThen(long end) {
        if (end - hintWritten >= 1000) {
            hintWritten = end;
            meta.updateOne(new Document("_id", "head"), new Document("$max", new Document("position", end)),
                    new com.mongodb.client.model.UpdateOptions().upsert(true));
        }
    }

    // ---------------------------------------------------------------- the hash chain (log-bundle.md)

    /** A position known to end a commit (or 0) and the chain's hash there. */
    record ChainEnd(long position, byte[] hash) {
    }

    /** The end of the log as this instance's appender last knew it; used by insertAll only (one at a time). */
    private ChainEnd tail;

    /** Where to append, and the hash to chain on from: this instance's last append, or walked to from it. */
    private ChainEnd chainEnd() {
        ChainEnd known = tail;
        if (known != null && head.get() == known.position()) {
            return known;
        }
        ChainEnd walked = walkChain(known != null ? known : new ChainEnd(0, LogRecord.ZERO));
        tail = walked;
        return walked;
    }

    /**
     * From a commit end whose hash is known, follows the commits forward ({@code $in} lookups on {@code _id}, over
     * the settled view like {@link #walkToEnd}) to the end of the log, and answers it with its hash: the hash
     * stored with the last event of each commit walked over. A commit stored without hashes (by a process from
     * before the chain) gets them computed and stored here. When the appenders' hint lies far ahead, the walk
     * starts there.
     */
    ChainEnd walkChain(ChainEnd from) {
        long hinted = hint();
        if (hinted > from.position() + TAIL_WINDOW) {
            ChainEnd atHint = chainEndAt(hinted);
            if (atHint != null) {
                from = atHint;
            }
        }
        while (true) {
            List<Long> window = range(from.position() + 1, TAIL_WINDOW);
            Map<Long, Document> found = new HashMap<>();
            for (Document d : settledCommits.find(new Document("_id", new Document("$in", window)))) {
                found.put(((Number) d.get("_id")).longValue(), d);
            }
            ChainEnd cursor = from;
            Document commit;
            while ((commit = found.get(cursor.position() + 1)) != null) {
                cursor = chainOver(commit, cursor.hash());
            }
            if (cursor.position() == from.position() || cursor.position() < window.get(window.size() - 1)) {
                head.accumulateAndGet(cursor.position(), Math::max);
                return cursor;
            }
            from = cursor;
        }
    }

    /** The commit's end and the hash there, its missing hashes computed from {@code previous} and stored. */
    private ChainEnd chainOver(Document commit, byte[] previous) {
        long first = ((Number) commit.get("_id")).longValue();
        List<Document> events = commit.getList("events", Document.class);
        byte[] last = storedHash(events.get(events.size() - 1));
        if (last != null && events.stream().allMatch(e -> e.get("h") != null)) {
            return new ChainEnd(first + events.size() - 1, last);
        }
        byte[] h = previous;
        for (int i = 0; i < events.size(); i++) {
            h = LogRecord.of(stored(first + i, events.get(i))).hash(h, first + i);
            events.get(i).put("h", new org.bson.types.Binary(h));
        }
        // every process computes the same hashes: writing them again changes nothing
        commits.replaceOne(new Document("_id", commit.get("_id")), commit);
        return new ChainEnd(first + events.size() - 1, h);
    }

    /** The commit ending at {@code end} and its last event's stored hash; null when there is none. */
    private ChainEnd chainEndAt(long end) {
        Document commit = commitHolding(end);
        if (commit == null) {
            return null;
        }
        List<Document> events = commit.getList("events", Document.class);
        long first = ((Number) commit.get("_id")).longValue();
        byte[] h = storedHash(events.get(events.size() - 1));
        return first + events.size() - 1 == end && h != null ? new ChainEnd(end, h) : null;
    }

    /** The commit that holds the event at {@code position}; null when none does. */
    private Document commitHolding(long position) {
        List<Long> window = range(Math.max(1, position - MAX_EVENTS_PER_COMMIT + 1), (int) Math.min(position, MAX_EVENTS_PER_COMMIT));
        for (Document d : commits.find(new Document("_id", new Document("$in", window)))) {
            long start = ((Number) d.get("_id")).longValue();
            if (start <= position && position < start + d.getInteger("n")) {
                return d;
            }
        }
        return null;
    }

    private static byte[] storedHash(Document event) {
        Object h = event.get("h");
        return h instanceof org.bson.types.Binary b ? b.getData() : null;
    }

    /** The hash stored with the event at {@code position} ({@code hash(0)} for 0); empty when there is none. */
    public Optional<byte[]> storedHashAt(long position) {
        if (position == 0) {
            return Optional.of(LogRecord.ZERO);
        }
        Document commit = commitHolding(position);
        if (commit == null) {
            return Optional.empty();
        }
        long first = ((Number) commit.get("_id")).longValue();
        return Optional.ofNullable(storedHash(commit.getList("events", Document.class).get((int) (position - first))));
    }

    /**
     * A log written before the chain existed gets it here, once, in position order: every commit without hashes
     * gets them computed from the one before. Both sides do this when they start, before anything appends;
     * several processes doing it at once compute and write the same hashes, so that is safe, only wasted work.
     * Done, it is marked in {@code event_log_meta}, so later starts read one document. Progress is kept there
     * too, so a start interrupted in the middle goes on where it was.
     */
    private void prepareChain() {
        Document state = meta.find(new Document("_id", "chain")).first();
        if (state != null && Boolean.TRUE.equals(state.getBoolean("complete"))) {
            return;
        }
        ChainEnd end = new ChainEnd(0, LogRecord.ZERO);
        if (state != null && state.get("through") != null && state.get("hash") instanceof org.bson.types.Binary b) {
            end = new ChainEnd(((Number) state.get("through")).longValue(), b.getData());
        }
        long started = System.nanoTime();
        long computed = 0;
        while (true) {
            List<Long> window = range(end.position() + 1, CATCH_UP_WINDOW);
            Map<Long, Document> found = new HashMap<>();
            for (Document d : settledCommits.find(new Document("_id", new Document("$in", window)))) {
                found.put(((Number) d.get("_id")).longValue(), d);
            }
            List<com.mongodb.client.model.WriteModel<Document>> writes = new ArrayList<>();
            Document commit;
            while ((commit = found.get(end.position() + 1)) != null) {
                List<Document> events = commit.getList("events", Document.class);
                long first = end.position() + 1;
                if (events.stream().allMatch(e -> e.get("h") != null)) {
                    end = new ChainEnd(first + events.size() - 1, storedHash(events.get(events.size() - 1)));
                    continue;
                }
                byte[] h = end.hash();
                for (int i = 0; i < events.size(); i++) {
                    h = LogRecord.of(stored(first + i, events.get(i))).hash(h, first + i);
                    events.get(i).put("h", new org.bson.types.Binary(h));
                }
                computed += events.size();
                writes.add(new com.mongodb.client.model.ReplaceOneModel<>(new Document("_id", commit.get("_id")), commit));
                end = new ChainEnd(first + events.size() - 1, h);
            }
            if (!writes.isEmpty()) {
                commits.bulkWrite(writes, new com.mongodb.client.model.BulkWriteOptions().ordered(false));
            }
            boolean atEnd = end.position() < window.get(window.size() - 1);
            Document progress = new Document("through", end.position()).append("hash", new org.bson.types.Binary(end.hash()));
            if (atEnd) {
                progress.append("complete", true);
            }
            meta.updateOne(new Document("_id", "chain"), new Document("$set", progress), new com.mongodb.client.model.UpdateOptions().upsert(true));
            if (atEnd) {
                break;
            }
        }
        if (computed > 0) {
            org.slf4j.LoggerFactory.getLogger(MongoEventLog.class).info(
                    "the hash chain of the {} events written before it existed is computed and stored, up to position {} ({} ms)",
                    computed, end.position(), (System.nanoTime() - started) / 1_000_000);
        }
    }

    /** An event of a commit as stored. */
    static StoredEvent stored(long position, Document e) {
        Object seq = e.get("seq");
        return new StoredEvent(position, e.getString("id"), e.getString("aggType"), e.getString("agg"),
                seq == null ? null : ((Number) seq).longValue(), e.getString("type"), e.getString("rev"), e.getString("ts"),
                e.getString("payload"), e.getString("meta"), storedHash(e));
    }

    /** A position of the log that holds no event, where one should be (below the head: the log was tampered with). */
    public static final class LogHole extends RuntimeException {
        private final long position;

        LogHole(long position) {
            super("the log holds no event at position " + position);
            this.position = position;
        }

        public long position() {
            return position;
        }
    }

    /**
     * The events from {@code from} to {@code to} as stored, strictly in position order; throws {@link LogHole} at
     * the first position missing. {@code prepare} runs on a thread of the read's own, ahead of {@code consumer}
     * (the costly part of handling an event goes there: it overlaps with reading).
     */
    public <T> void readInOrder(long from, long to, java.util.function.Function<StoredEvent, T> prepare,
                                java.util.function.BiConsumer<StoredEvent, T> consumer) {
        new OrderedRead<>(commits, from, to, headPosition(), reorderLimit, prepare, consumer).run();
    }

    /** Commits that arrive early are held back up to this many; beyond, the missing ones are looked up directly. */
    volatile int reorderLimit = 20_000;

    /** Whether the log holds no event at all (where an import may go). */
    public boolean isEmpty() {
        return commits.find().limit(1).first() == null;
    }

    /**
     * Stores events of another log at their positions, each in a commit of its own, with its hash, timestamp and
     * metadata as given: what an import does once it has checked the whole chain. The events must follow the end
     * of this log; a collision (something appended meanwhile) fails the insert.
     */
    public void insertImported(List<StoredEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        List<Document> documents = new ArrayList<>(events.size());
        for (StoredEvent e : events) {
            Document entry = new Document("id", e.eventId()).append("ts", e.timestamp()).append("type", e.type())
                    .append("rev", e.revision()).append("payload", e.payloadJson()).append("meta", e.metaDataJson())
                    .append("aggType", e.aggregateType()).append("agg", e.aggregateId()).append("seq", e.sequence())
                    .append("h", new org.bson.types.Binary(e.hash()));
            documents.add(new Document("_id", e.position()).append("n", 1)
                    .append("stream", e.aggregateId() != null ? streamKey(e.aggregateId(), e.sequence()) : "@" + e.position())
                    .append("idem", "@" + e.position())
                    .append("events", List.of(entry)));
        }
        commits.insertMany(documents, new com.mongodb.client.model.InsertManyOptions().ordered(true));
        StoredEvent last = events.get(events.size() - 1);
        head.accumulateAndGet(last.position(), Math::max);
        rememberCommitEnd(last.position());
        meta.updateOne(new Document("_id", "head"), new Document("$max", new Document("position", last.position())),
                new com.mongodb.client.model.UpdateOptions().upsert(true));
    }

    private static List<Long> range(long from, int count) {
        List<Long> ids = new ArrayList<>(count);
        for (long i = 0; i < count; i++) {
            ids.add(from + i);
        }
        return ids;
    }

    // ---------------------------------------------------------------- reading a demand's events

    @Override
    protected Stream<? extends DomainEventData<?>> readEventData(String identifier, long firstSequenceNumber) {
        List<DomainEventData<?>> result = new ArrayList<>();
        long seq = Math.max(0, firstSequenceNumber - MAX_EVENTS_PER_COMMIT + 1);
        boolean foundStart = false;
        // most demands have a handful of events: ask for a few first, more once a window comes back full
        int window = firstSequenceNumber == 0 ? 4 : STREAM_WINDOW + MAX_EVENTS_PER_COMMIT;
        while (true) {
            List<String> keys = new ArrayList<>(window);
            for (long s = seq; s < seq + window; s++) {
                keys.add(streamKey(identifier, s));
            }
            Map<String, Document> found = new HashMap<>();
            for (Document d : commits.find(new Document("stream", new Document("$in", keys)))) {
                found.put(d.getString("stream"), d);
            }
            long cursor = seq;
            if (!foundStart) {
                // the window may start before the stream's first commit that holds firstSequenceNumber
                while (cursor < seq + window && !found.containsKey(streamKey(identifier, cursor))) {
                    cursor++;
                }
                if (cursor == seq + window) {
                    return result.stream();
                }
                foundStart = true;
            }
            Document commit;
            while ((commit = found.get(streamKey(identifier, cursor))) != null) {
                long position = ((Number) commit.get("_id")).longValue();
                List<Document> events = commit.getList("events", Document.class);
                for (int i = 0; i < events.size(); i++) {
                    Document e = events.get(i);
                    if (e.get("seq") != null && ((Number) e.get("seq")).longValue() >= firstSequenceNumber) {
                        result.add(data(position + i, e));
                    }
                }
                cursor += events.size();
            }
            if (cursor < seq + window) {
                return result.stream();
            }
            seq = cursor;
            window = STREAM_WINDOW;
        }
    }

    @Override
    public Optional<Long> lastSequenceNumberFor(String aggregateIdentifier) {
        List<? extends DomainEventData<?>> events = readEventData(aggregateIdentifier, 0).toList();
        return events.isEmpty() ? Optional.empty() : Optional.of(events.get(events.size() - 1).getSequenceNumber());
    }

    @Override
    protected void storeSnapshot(DomainEventMessage<?> snapshot, Serializer serializer) {
        // demands are a handful of events each: no snapshots are taken, so none are stored
    }

    @Override
    protected Stream<? extends DomainEventData<?>> readSnapshotData(String aggregateIdentifier) {
        return Stream.empty();
    }

    // ---------------------------------------------------------------- following the log

    @Override
    protected Stream<? extends TrackedEventData<?>> readEventData(TrackingToken trackingToken, boolean mayBlock) {
        long after = trackingToken == null ? 0 : trackingToken.position().orElse(0);
        return StreamSupport.stream(new LogReader(after), false);
    }

    /**
     * Reads the log strictly in position order from a position on, and stops at the first position that is not
     * there yet: the log is a gapless prefix, so nothing beyond such a hole may be delivered. It asks for the
     * next positions by {@code _id} with {@code $in} (a full window means it is behind, so the next window is
     * larger); a range query would make the embedded server scan and sort the whole log under its lock.
     */
    private final class LogReader extends Spliterators.AbstractSpliterator<TrackedEventData<?>> {
        private long next;
        private final List<TrackedEventData<?>> buffer = new ArrayList<>();
        private int index;
        private boolean exhausted;
        private boolean firstFetch = true;
        private int window = TAIL_WINDOW;

        LogReader(long after) {
            super(Long.MAX_VALUE, Spliterator.ORDERED | Spliterator.NONNULL);
            this.next = after + 1;
        }

        @Override
        public boolean tryAdvance(Consumer<? super TrackedEventData<?>> action) {
            if (index == buffer.size()) {
                buffer.clear();
                index = 0;
                if (exhausted) {
                    return false;
                }
                fill();
                if (buffer.isEmpty()) {
                    exhausted = true;
                    return false;
                }
            }
            action.accept(buffer.get(index++));
            return true;
        }

        private void fill() {
            long from = next;
            if (firstFetch) {
                firstFetch = false;
                if (next > 1 && !commitEnds.contains(next - 1)) {
                    // maybe resuming inside a commit: its first position lies at most MAX_EVENTS_PER_COMMIT - 1 before
                    from = Math.max(1, next - MAX_EVENTS_PER_COMMIT + 1);
                }
            }
            int count = (int) (next - from) + window;
            Map<Long, Document> found = new HashMap<>();
            for (Document d : commits.find(new Document("_id", new Document("$in", range(from, count))))) {
                found.put(((Number) d.get("_id")).longValue(), d);
            }
            long position = from;
            while (position < next && !(found.containsKey(position) && position + found.get(position).getInteger("n") > next)) {
                position++;
            }
            Document commit;
            while ((commit = found.get(position)) != null) {
                add(position, commit);
                position += commit.getInteger("n");
            }
            if (position < from + count) {
                exhausted = true; // reached the head: the rest comes with the next read
            } else {
                window = CATCH_UP_WINDOW;
            }
        }

        private void add(long position, Document commit) {
            List<Document> events = commit.getList("events", Document.class);
            for (int i = 0; i < events.size(); i++) {
                if (position + i >= next) {
                    buffer.add(data(position + i, events.get(i)));
                }
            }
            next = Math.max(next, position + events.size());
            rememberCommitEnd(position + events.size() - 1);
        }
    }

    private void rememberCommitEnd(long end) {
        if (commitEnds.size() > 10_000) {
            commitEnds.clear();
        }
        commitEnds.add(end);
    }

    private static TrackedDomainEventData<String> data(long position, Document e) {
        Object seq = e.get("seq");
        return new TrackedDomainEventData<>(new GlobalSequenceTrackingToken(position), new GenericDomainEventEntry<>(
                e.getString("aggType"), e.getString("agg"), seq == null ? 0 : ((Number) seq).longValue(),
                e.getString("id"), e.getString("ts"), e.getString("type"), e.getString("rev"),
                e.getString("payload"), e.getString("meta")));
    }

    // ---------------------------------------------------------------- bulk reads, outside Axon

    /**
     * Every event at or before {@code upTo}, read with one cursor over the log: the fast way through the whole
     * log (a replay, an audit). The cursor asks for no order (sorting would make the embedded server sort the
     * whole log under its lock), so events come in no particular order across demands; each demand's events
     * still come in sequence order, because an event that arrives before its predecessor is held back until
     * the predecessor has been delivered.
     */
    public void scan(long upTo, Consumer<LoggedEvent> consumer) {
        long head = headPosition();
        new LogScan(commits, this::payload).run(upTo, head - upTo > head / 4, consumer);
    }

    /** The events after position {@code after} and at or before {@code upTo}, in position order. */
    public void follow(long after, long upTo, Consumer<LoggedEvent> consumer) {
        LogReader reader = new LogReader(after);
        boolean[] beyond = {false};
        while (!beyond[0] && reader.tryAdvance(data -> {
            TrackedDomainEventData<?> event = (TrackedDomainEventData<?>) data;
            if (event.trackingToken().position().orElseThrow() > upTo) {
                beyond[0] = true;
            } else {
                consumer.accept(logged(event));
            }
        })) {
            // each event is handed on inside tryAdvance
        }
    }

    /** A demand's events, in sequence order, with their positions. */
    public List<LoggedEvent> eventsOf(String aggregateIdentifier) {
        return readEventData(aggregateIdentifier, 0).map(d -> logged((TrackedDomainEventData<?>) d)).toList();
    }

    /**
     * A demand's events as stored, in sequence order: when each was recorded, its metadata (the actor) and its
     * payload as the log holds it, besides its deserialized form.
     */
    public List<RecordedEvent> recordedEventsOf(String aggregateIdentifier) {
        return readEventData(aggregateIdentifier, 0).map(d -> {
            TrackedDomainEventData<?> t = (TrackedDomainEventData<?>) d;
            String metaData = (String) t.getMetaData().getData();
            return new RecordedEvent(logged(t), t.getTimestamp(), t.getPayload().getType().getName(),
                    (String) t.getPayload().getData(), metaData);
        }).toList();
    }

    private LoggedEvent logged(TrackedDomainEventData<?> d) {
        return new LoggedEvent(d.trackingToken().position().orElseThrow(), d.getAggregateIdentifier(), d.getSequenceNumber(),
                payload(d.getPayload().getType().getName(), d.getPayload().getType().getRevision(), (String) d.getPayload().getData()));
    }

    /**
     * Straight through Jackson when the event serializer is Jackson's (a reader per type, no conversions): the
     * bulk reads deserialize hundreds of thousands of payloads. No upcasters are configured; were one added,
     * it would have to be applied here too.
     */
    private Object payload(String type, String revision, String json) {
        com.fasterxml.jackson.databind.ObjectReader reader = payloadReader(type, revision);
        if (reader != null) {
            try {
                return reader.readValue(json);
            } catch (java.io.IOException e) {
                throw new org.axonframework.serialization.SerializationException("cannot read a " + type + " from the log", e);
            }
        }
        return getEventSerializer().deserialize(new org.axonframework.serialization.SimpleSerializedObject<>(json, String.class, type, revision));
    }

    /** {@link #payload(String, String, String)} from the JSON's UTF-8 bytes, as the log stores them. */
    private Object payload(String type, String revision, byte[] json, int offset, int length) {
        com.fasterxml.jackson.databind.ObjectReader reader = json == null ? null : payloadReader(type, revision);
        if (reader != null) {
            try {
                return reader.readValue(json, offset, length);
            } catch (java.io.IOException e) {
                throw new org.axonframework.serialization.SerializationException("cannot read a " + type + " from the log", e);
            }
        }
        return payload(type, revision, json == null ? null : new String(json, offset, length, java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The reader of a payload type when the event serializer is Jackson's and knows the type; null otherwise. */
    private com.fasterxml.jackson.databind.ObjectReader payloadReader(String type, String revision) {
        if (!(getEventSerializer() instanceof org.axonframework.serialization.json.JacksonSerializer jackson)) {
            return null;
        }
        return payloadReaders.computeIfAbsent(type, t -> {
            Class<?> payloadClass = jackson.classForType(new org.axonframework.serialization.SimpleSerializedType(t, revision));
            return org.axonframework.serialization.UnknownSerializedType.class.equals(payloadClass) ? null
                    : jackson.getObjectMapper().readerFor(payloadClass);
        });
    }

    private final Map<String, com.fasterxml.jackson.databind.ObjectReader> payloadReaders = new java.util.concurrent.ConcurrentHashMap<>();

    // ---------------------------------------------------------------- tokens

    @Override
    public TrackingToken createTailToken() {
        return null;
    }

    @Override
    public TrackingToken createHeadToken() {
        long end = headPosition();
        return end == 0 ? null : new GlobalSequenceTrackingToken(end);
    }

    /** The token before the first event at or after the instant: a binary search over positions by _id. */
    @Override
    public TrackingToken createTokenAt(Instant dateTime) {
        long low = 1;
        long high = headPosition();
        while (low <= high) {
            long mid = (low + high) >>> 1;
            Instant at = timestampAt(mid);
            if (at == null || !at.isBefore(dateTime)) {
                high = mid - 1;
            } else {
                low = mid + 1;
            }
        }
        return low <= 1 ? null : new GlobalSequenceTrackingToken(low - 1);
    }

    private Instant timestampAt(long position) {
        List<Long> window = range(Math.max(1, position - MAX_EVENTS_PER_COMMIT + 1), (int) Math.min(position, MAX_EVENTS_PER_COMMIT));
        Instant result = null;
        for (Document d : commits.find(new Document("_id", new Document("$in", window)))) {
            long start = ((Number) d.get("_id")).longValue();
            int n = d.getInteger("n");
            if (start <= position && position < start + n) {
                result = Instant.parse(d.getList("events", Document.class).get((int) (position - start)).getString("ts"));
            }
        }
        return result;
    }

    // ---------------------------------------------------------------- errors

    /** A second commit for the same demand version: the other command won. */
    static final class StreamConflict extends RuntimeException {
        StreamConflict(Throwable cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** The Idempotency-Key is already stored with a commit. */
    public static final class IdempotencyKeyTaken extends RuntimeException {
        IdempotencyKeyTaken(String key, Throwable cause) {
            super("Idempotency-Key '" + key + "' is already used", cause);
        }
    }

    public static final class Builder extends AbstractEventStorageEngine.Builder {
        private MongoDatabase database;

        public Builder database(MongoDatabase database) {
            this.database = database;
            return this;
        }

        @Override
        public Builder snapshotSerializer(Serializer snapshotSerializer) {
            super.snapshotSerializer(snapshotSerializer);
            return this;
        }

        @Override
        public Builder eventSerializer(Serializer eventSerializer) {
            super.eventSerializer(eventSerializer);
            return this;
        }

        public MongoEventLog build() {
            persistenceExceptionResolver(e -> e instanceof StreamConflict);
            if (database == null) {
                throw new IllegalStateException("the MongoDB database is required");
            }
            return new MongoEventLog(this);
        }
    }
}
