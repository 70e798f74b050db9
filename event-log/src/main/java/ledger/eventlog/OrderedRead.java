package ledger.eventlog;

import com.mongodb.client.MongoCollection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.bson.Document;
import org.bson.RawBsonDocument;

/**
 * The log's events from one position to another, strictly in position order, in constant memory
 * ({@link MongoEventLog#readInOrder}): what the chain's verification and the export read.
 *
 * <p>One cursor with no order asked ({@link ReadAhead}): a sort would make the embedded server sort the whole
 * log in memory under its lock, while the order it returns documents in is already the positions' (its
 * documents are kept in a map sorted by {@code _id}), and a MongoDB returns them about in the order they were
 * inserted, which is the positions' order too (a commit is only inserted once the one before it exists). So
 * commits are handed on as they come while they come in order; one that comes early is held back until the
 * ones before it have come, and if more than {@code reorderLimit} are held back, the missing ones are looked
 * up directly by {@code _id} (the cursor's copies of them are skipped when they come). A short range is read
 * by such lookups alone.
 */
final class OrderedRead<T> {

    /** A range this short is read by lookups of {@code _id} windows, not by a cursor over the whole log. */
    private static final int SHORT = 4096;
    private static final int WINDOW = 256;

    private final MongoCollection<Document> commits;
    private final long from;
    private final long to;
    private final long head;
    private final int reorderLimit;
    private final Function<StoredEvent, T> prepare;
    private final BiConsumer<StoredEvent, T> consumer;
    /** The next position to hand on. */
    private long next;

    /** A commit decoded: its first position, its events, and what {@code prepare} made of each. */
    private record Commit(long first, List<StoredEvent> events, List<Object> prepared) {
    }

    OrderedRead(MongoCollection<Document> commits, long from, long to, long head, int reorderLimit,
                Function<StoredEvent, T> prepare, BiConsumer<StoredEvent, T> consumer) {
        this.commits = commits;
        this.from = Math.max(1, from);
        this.to = Math.min(to, head);
        this.head = head;
        this.reorderLimit = reorderLimit;
        this.prepare = prepare;
        this.consumer = consumer;
    }

    void run() {
        if (from > to) {
            return;
        }
        Commit start = startingCommit();
        next = start.first();
        hand(start);
        if (next > to) {
            return;
        }
        if (to - next < SHORT) {
            lookUpUntil(to + 1);
            return;
        }
        // far from the head, the server is asked for the range only (it matches every commit against the filter,
        // which costs more than it saves when most of the log is asked for)
        boolean filtered = (to - next) < head * 3 / 4;
        Document filter = filtered ? new Document(CommitLayout.ID, new Document("$gte", next).append("$lte", to)) : new Document();
        TreeMap<Long, Commit> early = new TreeMap<>();
        // two threads prepare (what a reader does with each event costs more than fetching it); their batches may
        // come out of order, and are put back in order here
        ReadAhead read = new ReadAhead(commits, filter, "event-log-ordered-read", 2, (raw, out) -> out.add(decode(raw)));
        try {
            List<Object> batch;
            while (next <= to && (batch = read.next()) != null) {
                for (Object item : batch) {
                    Commit commit = (Commit) item;
                    if (commit.first() < next || commit.first() > to) {
                        continue; // handed on already (looked up), or beyond the range
                    }
                    if (commit.first() > next) {
                        early.put(commit.first(), commit);
                        if (early.size() > reorderLimit) {
                            lookUpUntil(early.firstKey());
                            handEarly(early);
                        }
                        continue;
                    }
                    hand(commit);
                    handEarly(early);
                    if (next > to) {
                        break;
                    }
                }
            }
        } finally {
            read.cancel();
        }
        if (next <= to) {
            lookUpUntil(early.isEmpty() ? to + 1 : early.firstKey());
            handEarly(early);
            lookUpUntil(to + 1);
        }
    }

    private void handEarly(TreeMap<Long, Commit> early) {
        while (!early.isEmpty() && early.firstKey() <= next) {
            Commit commit = early.pollFirstEntry().getValue();
            if (commit.first() == next) {
                hand(commit);
            }
        }
    }

    /** Hands on the commits from {@code next} up to {@code end} (exclusive) by lookups of their {@code _id}s. */
    private void lookUpUntil(long end) {
        while (next < end && next <= to) {
            int count = (int) Math.min(WINDOW, end - next);
            Map<Long, RawBsonDocument> found = new HashMap<>();
            for (RawBsonDocument d : commits.find(new Document(CommitLayout.ID, new Document("$in", LogEnd.range(next, count))), RawBsonDocument.class)) {
                found.put(d.get(CommitLayout.ID).asNumber().longValue(), d);
            }
            long windowEnd = next + count;
            RawBsonDocument raw;
            while (next < windowEnd && (raw = found.get(next)) != null) {
                hand(decode(raw));
            }
            if (next < windowEnd && next <= to) {
                throw new MongoEventLog.LogHole(next);
            }
        }
    }

    /** The commit that holds {@code from}. */
    private Commit startingCommit() {
        Document holding = new Document(CommitLayout.ID, new Document("$in", LogEnd.startsOfCommitsHolding(from)));
        for (RawBsonDocument d : commits.find(holding, RawBsonDocument.class)) {
            Commit commit = decode(d);
            if (commit.first() <= from && from < commit.first() + commit.events().size()) {
                return commit;
            }
        }
        throw new MongoEventLog.LogHole(from);
    }

    @SuppressWarnings("unchecked")
    private void hand(Commit commit) {
        for (int i = 0; i < commit.events().size(); i++) {
            long position = commit.first() + i;
            if (position >= from && position <= to) {
                Object prepared = commit.prepared().get(i);
                if (prepared instanceof Failed failed) {
                    throw failed.failure;
                }
                consumer.accept(commit.events().get(i), (T) prepared);
            }
        }
        next = commit.first() + Math.max(1, commit.events().size());
    }

    /** What {@code prepare} threw, handed on to be thrown where the event is handed on. */
    private record Failed(RuntimeException failure) {
    }

    /** A commit's events as stored ({@link CommitLayout#storedEvents}); each one in the range prepared. */
    private Commit decode(RawBsonDocument raw) {
        CommitLayout.StoredCommit commit = CommitLayout.storedEvents(raw);
        List<StoredEvent> events = commit.events();
        List<Object> prepared = new ArrayList<>(events.size());
        for (StoredEvent event : events) {
            if (event.position() < from || event.position() > to) {
                prepared.add(null); // never handed on: not worth preparing
                continue;
            }
            try {
                prepared.add(prepare.apply(event));
            } catch (RuntimeException e) {
                prepared.add(new Failed(e));
            }
        }
        return new Commit(commit.first(), events, prepared);
    }
}
