package ledger.eventlog;

import ledger.logbundle.LogRecord;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.WriteModel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bson.Document;
import org.bson.types.Binary;

/**
 * The log's hash chain ({@code log-bundle.md}, {@link LogRecord}): each event is stored with the SHA-256 of the
 * hash before it and of its record. Here: following the chain to the end of the log, the hash stored at a
 * position, and the backfill that gives a log from before the chain its hashes.
 */
final class HashChain {

    /** How many positions one step of the backfill asks for. */
    private static final int BACKFILL_WINDOW = 256;
    private static final String STATE_ID = "chain";

    /** A position known to end a commit (or 0) and the chain's hash there. */
    record ChainEnd(long position, byte[] hash) {
    }

    private final MongoCollection<Document> commits;
    private final MongoCollection<Document> settledCommits;
    private final MongoCollection<Document> meta;
    private final LogEnd end;

    HashChain(MongoCollection<Document> commits, MongoCollection<Document> settledCommits, MongoCollection<Document> meta, LogEnd end) {
        this.commits = commits;
        this.settledCommits = settledCommits;
        this.meta = meta;
        this.end = end;
    }

    /**
     * From a commit end whose hash is known, follows the commits forward ({@code $in} lookups on {@code _id}, over
     * the settled view) to the end of the log, and answers it with its hash: the hash stored with the last event
     * of each commit walked over. A commit stored without hashes (by a process from before the chain) gets them
     * computed and stored here. When the appenders' hint lies far ahead, the walk starts there.
     */
    ChainEnd walk(ChainEnd from) {
        long hinted = end.hint();
        if (hinted > from.position() + LogEnd.TAIL_WINDOW) {
            ChainEnd atHint = endAt(hinted);
            if (atHint != null) {
                from = atHint;
            }
        }
        while (true) {
            Window window = chainWindow(from, LogEnd.TAIL_WINDOW);
            for (Document commit : window.rechained()) {
                // every process computes the same hashes: writing them again changes nothing
                commits.replaceOne(new Document(CommitLayout.ID, commit.get(CommitLayout.ID)), commit);
            }
            if (window.atEnd()) {
                end.reached(window.reached().position());
                return window.reached();
            }
            from = window.reached();
        }
    }

    /** Where one step of a walk got to, the commits it gave hashes (still to be written), and whether the log ends there. */
    private record Window(ChainEnd reached, List<Document> rechained, boolean atEnd) {
    }

    /**
     * One step of a walk (and of the backfill): the commits stored in the {@code size} positions after
     * {@code from}, followed while each starts where the one before ended; those without hashes get them put.
     */
    private Window chainWindow(ChainEnd from, int size) {
        List<Long> window = LogEnd.range(from.position() + 1, size);
        Map<Long, Document> found = new HashMap<>();
        for (Document d : settledCommits.find(new Document(CommitLayout.ID, new Document("$in", window)))) {
            found.put(CommitLayout.first(d), d);
        }
        ChainEnd cursor = from;
        List<Document> rechained = new ArrayList<>();
        Document commit;
        while ((commit = found.get(cursor.position() + 1)) != null) {
            long first = cursor.position() + 1;
            List<Document> events = CommitLayout.events(commit);
            byte[] last = CommitLayout.hash(events.get(events.size() - 1));
            if (last == null || !events.stream().allMatch(CommitLayout::hasHash)) {
                last = chain(first, events, events.stream().map(CommitLayout::record).toList(), cursor.hash());
                rechained.add(commit);
            }
            cursor = new ChainEnd(first + events.size() - 1, last);
        }
        return new Window(cursor, rechained, cursor.position() < window.get(window.size() - 1));
    }

    /**
     * Puts on each event the chain's hash at its position ({@code first} on), chained on from {@code previous}
     * over the events' {@code records}; answers the last.
     */
    static byte[] chain(long first, List<Document> events, List<LogRecord> records, byte[] previous) {
        byte[] h = previous;
        for (int i = 0; i < events.size(); i++) {
            h = records.get(i).hash(h, first + i);
            CommitLayout.putHash(events.get(i), h);
        }
        return h;
    }

    /** The commit ending at {@code position} and its last event's stored hash; null when there is none. */
    private ChainEnd endAt(long position) {
        Document commit = LogEnd.commitHolding(commits, position);
        if (commit == null) {
            return null;
        }
        List<Document> events = CommitLayout.events(commit);
        long first = CommitLayout.first(commit);
        byte[] h = CommitLayout.hash(events.get(events.size() - 1));
        return first + events.size() - 1 == position && h != null ? new ChainEnd(position, h) : null;
    }

    /** The hash stored with the event at {@code position} ({@code hash(0)} for 0); empty when there is none. */
    Optional<byte[]> storedHashAt(long position) {
        if (position == 0) {
            return Optional.of(LogRecord.ZERO);
        }
        Document commit = LogEnd.commitHolding(commits, position);
        if (commit == null) {
            return Optional.empty();
        }
        long first = CommitLayout.first(commit);
        return Optional.ofNullable(CommitLayout.hash(CommitLayout.events(commit).get((int) (position - first))));
    }

    /**
     * A log written before the chain existed gets it here, once, in position order: every commit without hashes
     * gets them computed from the one before. Both sides do this when they start, before anything appends;
     * several processes doing it at once compute and write the same hashes, so that is safe, only wasted work.
     * Done, it is marked in {@code event_log_meta}, so later starts read one document. Progress is kept there
     * too, so a start interrupted in the middle goes on where it was.
     */
    void backfill() {
        Document state = meta.find(new Document("_id", STATE_ID)).first();
        if (state != null && Boolean.TRUE.equals(state.getBoolean("complete"))) {
            return;
        }
        ChainEnd chained = new ChainEnd(0, LogRecord.ZERO);
        if (state != null && state.get("through") != null && state.get("hash") instanceof Binary b) {
            chained = new ChainEnd(((Number) state.get("through")).longValue(), b.getData());
        }
        long started = System.nanoTime();
        long computed = 0;
        while (true) {
            Window window = chainWindow(chained, BACKFILL_WINDOW);
            List<WriteModel<Document>> writes = new ArrayList<>();
            for (Document commit : window.rechained()) {
                computed += CommitLayout.events(commit).size();
                writes.add(new ReplaceOneModel<>(new Document(CommitLayout.ID, commit.get(CommitLayout.ID)), commit));
            }
            if (!writes.isEmpty()) {
                commits.bulkWrite(writes, new BulkWriteOptions().ordered(false));
            }
            chained = window.reached();
            Document progress = new Document("through", chained.position()).append("hash", new Binary(chained.hash()));
            if (window.atEnd()) {
                progress.append("complete", true);
            }
            meta.updateOne(new Document("_id", STATE_ID), new Document("$set", progress), new UpdateOptions().upsert(true));
            if (window.atEnd()) {
                break;
            }
        }
        if (computed > 0) {
            org.slf4j.LoggerFactory.getLogger(MongoEventLog.class).info(
                    "the hash chain of the {} events written before it existed is computed and stored, up to position {} ({} ms)",
                    computed, chained.position(), (System.nanoTime() - started) / 1_000_000);
        }
    }
}
