package ledger.eventlog;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.ReadConcern;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.stream.Stream;
import org.axonframework.eventhandling.DomainEventData;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.TrackedEventData;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.AbstractEventStorageEngine;
import org.axonframework.eventsourcing.eventstore.EventStoreException;
import org.axonframework.serialization.Serializer;
import ledger.logbundle.BundleBroken;
import org.bson.Document;

/**
 * An Axon event storage engine on MongoDB that gives every event a position in one dense, total order.
 *
 * <p>A commit (the events of one unit of work) is one document ({@link CommitLayout}) whose {@code _id} is the
 * position of its first event. A position is only ever written once the one before it exists ({@link Appender}):
 * the log is always a gapless prefix, so a reader that follows it position by position can never skip an event
 * that becomes visible late. Nothing depends on clocks.
 *
 * <p>Every query is an exact match on {@code _id}, {@code stream} or {@code idem} (single values or {@code $in}),
 * the only lookups the embedded server answers from an index; bulk reads use one cursor asking for no order.
 *
 * <p>The work is done by its parts: {@link Appender} (group commit, optimistic concurrency), {@link IdempotencyKeys},
 * {@link LogEnd} (the head), {@link HashChain} (and its backfill), {@link BundleInsert} (import), {@link LogStream}
 * (Axon's reads and tokens), {@link LogScan} and {@link OrderedRead} (bulk reads), {@link PayloadDecoder}.
 */
public class MongoEventLog extends AbstractEventStorageEngine {

    static final String META_IDEMPOTENCY_KEY = "idempotencyKey";
    static final String META_REQUEST_HASH = "requestHash";

    private final MongoCollection<Document> commits;
    private final LogEnd end;
    private final HashChain chain;
    private final Appender appender;
    private final IdempotencyKeys keys;
    private final BundleInsert bundles;
    private final PayloadDecoder payloads;
    private final LogStream stream;
    private final int reorderLimit;

    protected MongoEventLog(Builder builder) {
        super(builder);
        MongoDatabase database = builder.database;
        this.commits = database.getCollection("event_log");
        MongoCollection<Document> settledCommits = commits.withReadConcern(ReadConcern.MAJORITY);
        MongoCollection<Document> meta = database.getCollection("event_log_meta");
        this.end = new LogEnd(settledCommits, meta);
        this.chain = new HashChain(commits, settledCommits, meta, end);
        this.appender = new Appender(commits, end, chain, builder.beforeInsert);
        this.reorderLimit = builder.reorderLimit;
        this.keys = new IdempotencyKeys(commits);
        this.bundles = new BundleInsert(commits, end, getEventSerializer());
        this.payloads = new PayloadDecoder(getEventSerializer());
        this.stream = new LogStream(commits, end, payloads);
        commits.createIndex(Indexes.ascending(CommitLayout.STREAM), new IndexOptions().unique(true).name(CommitLayout.STREAM_INDEX));
        commits.createIndex(Indexes.ascending(CommitLayout.IDEM), new IndexOptions().unique(true).name(CommitLayout.IDEM_INDEX));
        chain.backfill();
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
        if (events.size() > CommitLayout.MAX_EVENTS_PER_COMMIT) {
            throw new EventStoreException("a commit holds at most " + CommitLayout.MAX_EVENTS_PER_COMMIT + " events, not " + events.size());
        }
        RuntimeException failure = appender.append(events, serializer);
        if (failure != null) {
            EventMessage<?> first = events.get(0);
            if (failure instanceof StreamConflict conflict) {
                handlePersistenceException(conflict, first);
            }
            if (failure instanceof MongoWriteException e && e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
                handlePersistenceException(e, first);
            }
            throw failure;
        }
    }

    /** The start and end position of the last commit this thread appended, if any; cleared by reading it. */
    public Optional<long[]> takeLastAppended() {
        return appender.takeLastAppended();
    }

    // ---------------------------------------------------------------- idempotency keys

    /** The commit stored under an Idempotency-Key: its first position, its request hash and its aggregate. */
    public Optional<KeyedCommit> findByIdempotencyKey(String key) {
        return keys.find(key);
    }

    /** The position of a demand's first event, if it was ever received. */
    public Optional<Long> firstPositionOf(String aggregateIdentifier) {
        return keys.firstPositionOf(aggregateIdentifier);
    }

    public record KeyedCommit(long firstPosition, long lastPosition, String requestHash, String aggregateIdentifier) {
    }

    // ---------------------------------------------------------------- the head and the chain

    /** The position of the last event in the log, as far as can be known now (0 when empty). */
    public long headPosition() {
        return end.position();
    }

    /** The hash stored with the event at {@code position} ({@code hash(0)} for 0); empty when there is none. */
    public Optional<byte[]> storedHashAt(long position) {
        return chain.storedHashAt(position);
    }

    // ---------------------------------------------------------------- import

    /** Whether the log holds no event at all (where an import may go). */
    public boolean isEmpty() {
        return bundles.logIsEmpty();
    }

    /**
     * Imports a bundle ({@code log-bundle.md}) into this log, which must hold no event: the whole bundle in
     * {@code file} is checked first (its chain, and that each event stored gives its line's record again); then
     * {@code beforeStoring} runs and every event is stored at its position with its hash, actor and
     * {@code recordedAt}, each in a commit of its own. The log is the only writer of what it holds.
     *
     * @throws BundleBroken at the first line that breaks the chain or cannot be stored as it is (nothing stored)
     * @throws NotEmpty when the log holds an event (before anything is stored)
     * @throws WrittenMeanwhile when something was appended while the bundle was being stored
     */
    public Imported importBundle(java.nio.file.Path file, Runnable beforeStoring) throws java.io.IOException, BundleBroken {
        return bundles.importBundle(file, beforeStoring);
    }

    /** Where an import left the log: its head and the hash there. */
    public record Imported(long position, byte[] hash) {
    }

    /**
     * Stores events of another log at their positions, with their hash, timestamp and metadata as given: the
     * import's insert without a bundle, for tests only (stored commits to pin, a write during an import).
     */
    void insertImported(List<StoredEvent> events) {
        bundles.insert(events);
    }

    /** An import into a log that holds events; {@code head}: its last position. */
    public static final class NotEmpty extends RuntimeException {
        private final long head;

        NotEmpty(long head) {
            super("the log holds events up to position " + head);
            this.head = head;
        }

        public long head() {
            return head;
        }
    }

    /** Something was appended while an import was storing; {@code storedTo}: the bundle is stored up to there. */
    public static final class WrittenMeanwhile extends RuntimeException {
        private final long storedTo;

        WrittenMeanwhile(long storedTo, RuntimeException cause) {
            super(cause.getMessage(), cause);
            this.storedTo = storedTo;
        }

        public long storedTo() {
            return storedTo;
        }
    }

    // ---------------------------------------------------------------- Axon's reads

    @Override
    protected Stream<? extends DomainEventData<?>> readEventData(String identifier, long firstSequenceNumber) {
        return stream.ofDemand(identifier, firstSequenceNumber);
    }

    @Override
    public Optional<Long> lastSequenceNumberFor(String aggregateIdentifier) {
        List<? extends DomainEventData<?>> events = stream.ofDemand(aggregateIdentifier, 0).toList();
        return events.isEmpty() ? Optional.empty() : Optional.of(events.get(events.size() - 1).getSequenceNumber());
    }

    @Override
    protected Stream<? extends TrackedEventData<?>> readEventData(TrackingToken trackingToken, boolean mayBlock) {
        return stream.after(trackingToken);
    }

    @Override
    protected void storeSnapshot(DomainEventMessage<?> snapshot, Serializer serializer) {
        // demands are a handful of events each: no snapshots are taken, so none are stored
    }

    @Override
    protected Stream<? extends DomainEventData<?>> readSnapshotData(String aggregateIdentifier) {
        return Stream.empty();
    }

    @Override
    public TrackingToken createTailToken() {
        return null;
    }

    @Override
    public TrackingToken createHeadToken() {
        return stream.headToken();
    }

    /** The token before the first event at or after the instant. */
    @Override
    public TrackingToken createTokenAt(Instant dateTime) {
        return stream.tokenAt(dateTime);
    }

    // ---------------------------------------------------------------- reads outside Axon

    /**
     * Every event at or before {@code upTo}, read with one cursor over the log: the fast way through the whole
     * log (a replay, an audit). Events come in no particular order across demands; each demand's events still
     * come in sequence order ({@link LogScan}).
     */
    public void scan(long upTo, Consumer<LoggedEvent> consumer) {
        long head = headPosition();
        new LogScan(commits, payloads).run(upTo, head - upTo > head / 4, consumer);
    }

    /** The events after position {@code after} and at or before {@code upTo}, in position order. */
    public void follow(long after, long upTo, Consumer<LoggedEvent> consumer) {
        stream.follow(after, upTo, consumer);
    }

    /** A demand's events, in sequence order, with their positions. */
    public List<LoggedEvent> eventsOf(String aggregateIdentifier) {
        return stream.eventsOf(aggregateIdentifier);
    }

    /**
     * A demand's events as stored, in sequence order: when each was recorded, its metadata (the actor) and its
     * payload as the log holds it, besides its deserialized form.
     */
    public List<RecordedEvent> recordedEventsOf(String aggregateIdentifier) {
        return stream.recordedEventsOf(aggregateIdentifier);
    }

    /**
     * The events from {@code from} to {@code to} as stored, strictly in position order; throws {@link LogHole} at
     * the first position missing. {@code prepare} runs on a thread of the read's own, ahead of {@code consumer}
     * (the costly part of handling an event goes there: it overlaps with reading).
     */
    public <T> void readInOrder(long from, long to, Function<StoredEvent, T> prepare, BiConsumer<StoredEvent, T> consumer) {
        new OrderedRead<>(commits, from, to, headPosition(), reorderLimit, prepare, consumer).run();
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

    public static final class Builder extends AbstractEventStorageEngine.Builder {
        private MongoDatabase database;
        private LongConsumer beforeInsert = position -> { };
        private int reorderLimit = 20_000;

        public Builder database(MongoDatabase database) {
            this.database = database;
            return this;
        }

        /**
         * The fault-injection point, for tests only: runs with the position an append took, before it inserts
         * (a test holds an append back there). Nothing runs there otherwise.
         */
        Builder beforeInsert(LongConsumer hook) {
            this.beforeInsert = hook;
            return this;
        }

        /** Commits that arrive early are held back up to this many; beyond, the missing ones are looked up directly. */
        Builder reorderLimit(int limit) {
            this.reorderLimit = limit;
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
