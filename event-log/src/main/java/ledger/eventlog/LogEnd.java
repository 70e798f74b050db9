package ledger.eventlog;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.UpdateOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.bson.Document;

/**
 * Where the log ends: the position of its last event, found by walking the commits forward from a commit end
 * known (this instance's own appends, or the hint appenders leave in {@code event_log_meta}), and the commit ends
 * seen on the way.
 */
final class LogEnd {

    /** How many positions one walking step asks for. */
    static final int TAIL_WINDOW = 128;
    private static final String HINT_ID = "head";
    private static final String HINT_POSITION = "position";

    /**
     * The log as no failover can take it back: walks go over this view only, so an appender never appends after
     * a commit that could still be rolled back (which would leave a hole at its position).
     */
    private final MongoCollection<Document> settledCommits;
    private final MongoCollection<Document> meta;
    /** The last position known to end a commit; -1 when this process no longer knows. */
    private final AtomicLong head = new AtomicLong(-1);
    /** Positions known to end a commit: a reader resuming right after one need not look back for its start. */
    private final Set<Long> commitEnds = ConcurrentHashMap.newKeySet();
    private volatile long hintWritten;

    LogEnd(MongoCollection<Document> settledCommits, MongoCollection<Document> meta) {
        this.settledCommits = settledCommits;
        this.meta = meta;
    }

    /** The position of the last event in the log, as far as can be known now (0 when empty). */
    long position() {
        // other processes append too: their hint may be far ahead of what this one has seen, and walking there
        // one window at a time would take long
        return walkToEnd(Math.max(head.get(), hint()));
    }

    /** The last position this instance knows to end a commit; -1 when it does not know. */
    long known() {
        return head.get();
    }

    /** A commit ending at {@code end} is stored. */
    void reached(long end) {
        head.accumulateAndGet(end, Math::max);
    }

    /** After a failed write this process no longer knows where the log ends. */
    void forget() {
        head.set(-1);
    }

    boolean endsCommit(long position) {
        return commitEnds.contains(position);
    }

    void rememberCommitEnd(long end) {
        if (commitEnds.size() > 10_000) {
            commitEnds.clear();
        }
        commitEnds.add(end);
    }

    /** The end of some commit, written now and then by appenders (0 when none was). */
    long hint() {
        Document hint = meta.find(new Document("_id", HINT_ID)).first();
        return hint == null ? 0 : ((Number) hint.get(HINT_POSITION)).longValue();
    }

    /**
     * The hint only shortens the walk at start-up; any commit end is a valid place to start walking, so it may lag
     * and is written only now and then.
     */
    void writeHintNowAndThen(long end) {
        if (end - hintWritten >= 1000) {
            hintWritten = end;
            writeHint(end);
        }
    }

    void writeHint(long end) {
        meta.updateOne(new Document("_id", HINT_ID), new Document("$max", new Document(HINT_POSITION, end)),
                new UpdateOptions().upsert(true));
    }

    /**
     * From a position known to end a commit (or 0), follows the commits forward with {@code $in} lookups on
     * {@code _id} and answers the position of the last event of the log.
     */
    private long walkToEnd(long end) {
        while (true) {
            List<Long> window = range(end + 1, TAIL_WINDOW);
            Map<Long, Integer> sizes = new HashMap<>();
            for (Document d : settledCommits.find(new Document(CommitLayout.ID, new Document("$in", window)))
                    .projection(Projections.include(CommitLayout.SIZE))) {
                sizes.put(CommitLayout.first(d), CommitLayout.size(d));
            }
            long cursor = end + 1;
            Integer n;
            while ((n = sizes.get(cursor)) != null) {
                cursor += n;
            }
            if (cursor == end + 1 || cursor <= window.get(window.size() - 1)) {
                long newEnd = cursor - 1;
                reached(newEnd);
                return newEnd;
            }
            end = cursor - 1;
        }
    }

    /** The positions a commit holding {@code position} may start at: a commit holds at most {@link CommitLayout#MAX_EVENTS_PER_COMMIT}. */
    static List<Long> startsOfCommitsHolding(long position) {
        return range(Math.max(1, position - CommitLayout.MAX_EVENTS_PER_COMMIT + 1),
                (int) Math.min(position, CommitLayout.MAX_EVENTS_PER_COMMIT));
    }

    /** The commit that holds the event at {@code position}; null when none does. */
    static Document commitHolding(MongoCollection<Document> commits, long position) {
        for (Document d : commits.find(new Document(CommitLayout.ID, new Document("$in", startsOfCommitsHolding(position))))) {
            long start = CommitLayout.first(d);
            if (start <= position && position < start + CommitLayout.size(d)) {
                return d;
            }
        }
        return null;
    }

    /** {@code count} consecutive positions from {@code from}: an exact {@code $in} on {@code _id}, which the embedded server answers from its index. */
    static List<Long> range(long from, int count) {
        List<Long> ids = new ArrayList<>(count);
        for (long i = 0; i < count; i++) {
            ids.add(from + i);
        }
        return ids;
    }
}
