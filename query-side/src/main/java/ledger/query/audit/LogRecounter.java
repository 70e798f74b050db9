package ledger.query.audit;

import java.util.Iterator;
import java.util.stream.Stream;
import ledger.eventlog.MongoEventLog;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.GlobalSequenceTrackingToken;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.springframework.stereotype.Component;

/** Folds the raw event log, from its first event up to a position, into a {@link Recount}. */
@Component
public class LogRecounter {

    private final MongoEventLog log;

    LogRecounter(MongoEventLog log) {
        this.log = log;
    }

    /** The last position of the log now. */
    public long head() {
        return log.headPosition();
    }

    /** The recount of every event at or before {@code position}. */
    public Recount upTo(long position) {
        return advance(new Recount(), 0, position);
    }

    /**
     * A copy of {@code earlier} (the recount up to {@code earlierPosition}) carried on up to {@code position}:
     * the log before {@code earlierPosition} is not read again.
     */
    public Recount onwards(Recount earlier, long earlierPosition, long position) {
        return advance(earlier.copy(), earlierPosition, position);
    }

    private Recount advance(Recount recount, long from, long position) {
        TrackingToken after = from == 0 ? null : new GlobalSequenceTrackingToken(from);
        long reached = from;
        while (reached < position) {
            long before = reached;
            try (Stream<? extends TrackedEventMessage<?>> events = log.readEvents(after, false)) {
                Iterator<? extends TrackedEventMessage<?>> it = events.iterator();
                while (it.hasNext()) {
                    TrackedEventMessage<?> event = it.next();
                    long at = event.trackingToken().position().orElseThrow();
                    if (at > position) {
                        return recount;
                    }
                    if (event instanceof DomainEventMessage<?> domain) {
                        recount.apply(domain.getAggregateIdentifier(), event.getPayload());
                    }
                    reached = at;
                }
            }
            if (reached == before) {
                break; // the log ends before the position
            }
            after = new GlobalSequenceTrackingToken(reached);
        }
        return recount;
    }
}
