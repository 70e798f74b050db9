package ledger.eventlog;

import com.mongodb.client.MongoCollection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.axonframework.eventhandling.DomainEventData;
import org.axonframework.eventhandling.GlobalSequenceTrackingToken;
import org.axonframework.eventhandling.TrackedDomainEventData;
import org.axonframework.eventhandling.TrackedEventData;
import org.axonframework.eventhandling.TrackingToken;
import org.bson.Document;

/**
 * The reads Axon asks for, and the ones built on them: the log followed position by position (tracking
 * processors, {@link MongoEventLog#follow}), a demand's events by its {@code stream} keys, and tokens.
 */
final class LogStream {

    private static final int STREAM_WINDOW = 16;
    /** The embedded server matches each document found against the whole $in list: windows stay small. */
    private static final int CATCH_UP_WINDOW = 256;

    private final MongoCollection<Document> commits;
    private final LogEnd end;
    private final PayloadDecoder payloads;

    LogStream(MongoCollection<Document> commits, LogEnd end, PayloadDecoder payloads) {
        this.commits = commits;
        this.end = end;
        this.payloads = payloads;
    }

    // ---------------------------------------------------------------- following the log

    Stream<? extends TrackedEventData<?>> after(TrackingToken trackingToken) {
        long after = trackingToken == null ? 0 : trackingToken.position().orElse(0);
        return StreamSupport.stream(new LogReader(after), false);
    }

    /** The events after position {@code after} and at or before {@code upTo}, in position order. */
    void follow(long after, long upTo, Consumer<LoggedEvent> consumer) {
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
        private int window = LogEnd.TAIL_WINDOW;

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
                if (next > 1 && !end.endsCommit(next - 1)) {
                    // maybe resuming inside a commit: its first position lies at most MAX_EVENTS_PER_COMMIT - 1 before
                    from = Math.max(1, next - CommitLayout.MAX_EVENTS_PER_COMMIT + 1);
                }
            }
            int count = (int) (next - from) + window;
            Map<Long, Document> found = new HashMap<>();
            for (Document d : commits.find(new Document(CommitLayout.ID, new Document("$in", LogEnd.range(from, count))))) {
                found.put(CommitLayout.first(d), d);
            }
            long position = from;
            while (position < next && !(found.containsKey(position) && position + CommitLayout.size(found.get(position)) > next)) {
                position++;
            }
            Document commit;
            while ((commit = found.get(position)) != null) {
                add(position, commit);
                position += CommitLayout.size(commit);
            }
            if (position < from + count) {
                exhausted = true; // reached the head: the rest comes with the next read
            } else {
                window = CATCH_UP_WINDOW;
            }
        }

        private void add(long position, Document commit) {
            List<Document> events = CommitLayout.events(commit);
            for (int i = 0; i < events.size(); i++) {
                if (position + i >= next) {
                    buffer.add(CommitLayout.tracked(position + i, events.get(i)));
                }
            }
            next = Math.max(next, position + events.size());
            end.rememberCommitEnd(position + events.size() - 1);
        }
    }

    // ---------------------------------------------------------------- a demand's events

    /** A demand's events from a sequence number on, by exact lookups of its {@code stream} keys. */
    Stream<? extends DomainEventData<?>> ofDemand(String identifier, long firstSequenceNumber) {
        List<DomainEventData<?>> result = new ArrayList<>();
        long seq = Math.max(0, firstSequenceNumber - CommitLayout.MAX_EVENTS_PER_COMMIT + 1);
        boolean foundStart = false;
        // most demands have a handful of events: ask for a few first, more once a window comes back full
        int window = firstSequenceNumber == 0 ? 4 : STREAM_WINDOW + CommitLayout.MAX_EVENTS_PER_COMMIT;
        while (true) {
            List<String> keys = new ArrayList<>(window);
            for (long s = seq; s < seq + window; s++) {
                keys.add(CommitLayout.streamKey(identifier, s));
            }
            Map<String, Document> found = new HashMap<>();
            for (Document d : commits.find(new Document(CommitLayout.STREAM, new Document("$in", keys)))) {
                found.put(CommitLayout.stream(d), d);
            }
            long cursor = seq;
            if (!foundStart) {
                // the window may start before the stream's first commit that holds firstSequenceNumber
                while (cursor < seq + window && !found.containsKey(CommitLayout.streamKey(identifier, cursor))) {
                    cursor++;
                }
                if (cursor == seq + window) {
                    return result.stream();
                }
                foundStart = true;
            }
            Document commit;
            while ((commit = found.get(CommitLayout.streamKey(identifier, cursor))) != null) {
                long position = CommitLayout.first(commit);
                List<Document> events = CommitLayout.events(commit);
                for (int i = 0; i < events.size(); i++) {
                    Document e = events.get(i);
                    Long sequence = CommitLayout.sequence(e);
                    if (sequence != null && sequence >= firstSequenceNumber) {
                        result.add(CommitLayout.tracked(position + i, e));
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

    /** A demand's events, in sequence order, with their positions. */
    List<LoggedEvent> eventsOf(String aggregateIdentifier) {
        return ofDemand(aggregateIdentifier, 0).map(d -> logged((TrackedDomainEventData<?>) d)).toList();
    }

    /** A demand's events as stored, in sequence order, besides their deserialized form. */
    List<RecordedEvent> recordedEventsOf(String aggregateIdentifier) {
        return ofDemand(aggregateIdentifier, 0).map(d -> {
            TrackedDomainEventData<?> t = (TrackedDomainEventData<?>) d;
            String metaData = (String) t.getMetaData().getData();
            return new RecordedEvent(logged(t), t.getTimestamp(), t.getPayload().getType().getName(),
                    (String) t.getPayload().getData(), metaData);
        }).toList();
    }

    private LoggedEvent logged(TrackedDomainEventData<?> d) {
        return new LoggedEvent(d.trackingToken().position().orElseThrow(), d.getAggregateIdentifier(), d.getSequenceNumber(),
                payloads.read(d.getPayload().getType().getName(), d.getPayload().getType().getRevision(), (String) d.getPayload().getData()));
    }

    // ---------------------------------------------------------------- tokens

    TrackingToken headToken() {
        long head = end.position();
        return head == 0 ? null : new GlobalSequenceTrackingToken(head);
    }

    /** The token before the first event at or after the instant: a binary search over positions by _id. */
    TrackingToken tokenAt(Instant dateTime) {
        long low = 1;
        long high = end.position();
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
        Document commit = LogEnd.commitHolding(commits, position);
        return commit == null ? null
                : Instant.parse(CommitLayout.timestamp(CommitLayout.events(commit).get((int) (position - CommitLayout.first(commit)))));
    }
}
