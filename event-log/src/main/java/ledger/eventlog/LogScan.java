package ledger.eventlog;

import com.mongodb.client.MongoCollection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.axonframework.eventsourcing.eventstore.EventStoreException;
import org.bson.Document;
import org.bson.RawBsonDocument;

/**
 * One pass over the whole log up to a position ({@link MongoEventLog#scan}): a cursor with no order, read by a
 * pipeline of threads so that fetching, decoding and folding overlap, and each demand's events handed on in
 * sequence order.
 */
final class LogScan {

    private final MongoCollection<Document> commits;
    private final CommitLayout.Payloads payloads;

    LogScan(MongoCollection<Document> commits, CommitLayout.Payloads payloads) {
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
        Document filter = filtered ? new Document(CommitLayout.ID, new Document("$lte", upTo)) : new Document();
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

    /** A commit's events, read where its bytes lie when the commit holds what {@link CommitLayout.InPlace} expects. */
    private List<LoggedEvent> events(RawBsonDocument commit) {
        return CommitLayout.loggedEvents(commit, payloads);
    }
}
