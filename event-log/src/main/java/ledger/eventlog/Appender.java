package ledger.eventlog;

import ledger.logbundle.LogRecord;
import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoWriteException;
import com.mongodb.WriteError;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.InsertManyOptions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.serialization.Serializer;
import org.bson.Document;

/**
 * Appends commits at the end of the log. A writer inserts at the position right after the last commit it has
 * seen; when another writer got there first the insert collides on {@code _id}, and the writer walks on to the
 * new end and tries again, so a position is only ever written once the one before it exists. Optimistic
 * concurrency per demand and the Idempotency-Key ride on the unique {@code stream} and {@code idem} of the same
 * insert. Each event's hash is chained on under the append lock from the hash at the end of the log.
 */
final class Appender {

    private static final int MAX_COMMITS_PER_INSERT = 64;

    private final MongoCollection<Document> commits;
    private final LogEnd end;
    private final HashChain chain;
    /** {@link MongoEventLog.Builder#beforeInsert}: nothing in production. */
    private final LongConsumer beforeInsert;
    private final ThreadLocal<long[]> lastAppended = new ThreadLocal<>();
    private final Object appendLock = new Object();
    /** Commits waiting for an insert; guarded by appendLock. */
    private final ArrayDeque<Append> waiting = new ArrayDeque<>();
    /** Guarded by appendLock. */
    private boolean appending;
    /** The end of the log as this instance's appender last knew it; used by insertAll only (one at a time). */
    private HashChain.ChainEnd tail;

    Appender(MongoCollection<Document> commits, LogEnd end, HashChain chain, LongConsumer beforeInsert) {
        this.commits = commits;
        this.end = end;
        this.chain = chain;
        this.beforeInsert = beforeInsert;
    }

    /**
     * Appends the events as one commit (at most {@link CommitLayout#MAX_EVENTS_PER_COMMIT}, at least one); answers
     * why it was not stored, or null when it was.
     */
    RuntimeException append(List<? extends EventMessage<?>> events, Serializer serializer) {
        List<Document> entries = new ArrayList<>(events.size());
        List<LogRecord> records = new ArrayList<>(events.size());
        for (EventMessage<?> event : events) {
            Document entry = CommitLayout.event(event, serializer);
            entries.add(entry);
            // the chain's record, all but its position: prepared here, outside the append lock
            records.add(CommitLayout.record(entry));
        }
        EventMessage<?> first = events.get(0);
        String stream = first instanceof DomainEventMessage<?> d && d.getAggregateIdentifier() != null
                ? CommitLayout.streamKey(d.getAggregateIdentifier(), d.getSequenceNumber()) : null;
        Object key = first.getMetaData().get(MongoEventLog.META_IDEMPOTENCY_KEY);
        Object hash = first.getMetaData().get(MongoEventLog.META_REQUEST_HASH);
        Append mine = new Append(entries, records, stream, key == null ? null : key.toString(), hash == null ? null : hash.toString());
        appendGrouped(mine);
        if (mine.failure == null) {
            lastAppended.set(new long[] {mine.position, mine.position + mine.size() - 1});
        }
        return mine.failure;
    }

    /** The start and end position of the last commit this thread appended, if any; cleared by reading it. */
    Optional<long[]> takeLastAppended() {
        long[] value = lastAppended.get();
        lastAppended.remove();
        return Optional.ofNullable(value);
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
            lastHash = HashChain.chain(position, entries, records, previous);
            return CommitLayout.commit(position, entries, stream, key, hash);
        }
    }

    /**
     * Appends of this instance take consecutive positions, and a position may only be written once the one
     * before it exists (readers stop at the first hole). So whoever finds no insert in flight takes every commit
     * waiting and inserts them at consecutive positions in one ordered insert, which stores a prefix of them and
     * stops at the first that fails. The ones stored are done; the failed one gets its answer (another command on
     * the demand won, the Idempotency-Key is taken), and the rest go on at the next free position. Instances
     * still race, and a collision on {@code _id} settles it.
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
            HashChain.ChainEnd known = chainEnd();
            long position = known.position() + 1;
            byte[] previous = known.hash();
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
                WriteError error = null;
                RuntimeException cause = null;
                try {
                    if (documents.size() == 1) {
                        commits.insertOne(documents.get(0));
                    } else {
                        commits.insertMany(documents, new InsertManyOptions().ordered(true));
                    }
                    stored = documents.size();
                } catch (MongoWriteException e) {
                    stored = 0;
                    error = e.getError();
                    cause = e;
                } catch (MongoBulkWriteException e) {
                    BulkWriteError first = e.getWriteErrors().get(0);
                    stored = first.getIndex();
                    error = first;
                    cause = new MongoWriteException(first, e.getServerAddress(), Set.of());
                }
                for (int i = 0; i < stored; i++) {
                    Append done = pending.get(i);
                    long last = done.position + done.size() - 1;
                    tail = new HashChain.ChainEnd(last, done.lastHash);
                    previous = done.lastHash;
                    end.reached(last);
                    end.rememberCommitEnd(last);
                    end.writeHintNowAndThen(last);
                    finish(done, null);
                }
                if (error == null) {
                    return;
                }
                Append failed = pending.get(stored);
                List<Append> rest = new ArrayList<>(pending.subList(stored + 1, pending.size()));
                String message = String.valueOf(error.getMessage());
                if (error.getCategory() != ErrorCategory.DUPLICATE_KEY) {
                    end.forget();
                    for (Append append : pending.subList(stored, pending.size())) {
                        finish(append, cause);
                    }
                    return;
                } else if (message.contains(CommitLayout.STREAM_INDEX)) {
                    finish(failed, new MongoEventLog.StreamConflict(cause));
                    position = failed.position;
                } else if (message.contains(CommitLayout.IDEM_INDEX)) {
                    finish(failed, new MongoEventLog.IdempotencyKeyTaken(failed.key == null ? "" : failed.key, cause));
                    position = failed.position;
                } else {
                    // another instance took this position: walk on to the end of the log and try there (once the
                    // other commit is settled: until then the walk does not pass it)
                    rest.add(0, failed);
                    HashChain.ChainEnd walked = chain.walk(new HashChain.ChainEnd(failed.position - 1, previous));
                    if (walked.position() + 1 == failed.position) {
                        LockSupport.parkNanos(200_000);
                    }
                    tail = walked;
                    position = walked.position() + 1;
                    previous = walked.hash();
                }
                pending = rest;
            }
        } catch (RuntimeException e) {
            // the database failed (or a test's hook): this process no longer knows where the log ends
            end.forget();
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

    /** Where to append, and the hash to chain on from: this instance's last append, or walked to from it. */
    private HashChain.ChainEnd chainEnd() {
        HashChain.ChainEnd known = tail;
        if (known != null && end.known() == known.position()) {
            return known;
        }
        HashChain.ChainEnd walked = chain.walk(known != null ? known : new HashChain.ChainEnd(0, LogRecord.ZERO));
        tail = walked;
        return walked;
    }
}
