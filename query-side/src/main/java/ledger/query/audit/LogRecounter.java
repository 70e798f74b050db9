package ledger.query.audit;

import ledger.eventlog.LoggedEvent;
import ledger.eventlog.MongoEventLog;
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

    /** The recount of every event at or before {@code position}: one pass over the log. */
    public Recount upTo(long position) {
        Recount recount = new Recount();
        log.scan(position, event -> apply(recount, event));
        return recount;
    }

    /**
     * A copy of {@code earlier} (the recount up to {@code earlierPosition}) carried on up to {@code position}:
     * the log before {@code earlierPosition} is not read again.
     */
    public Recount onwards(Recount earlier, long earlierPosition, long position) {
        Recount recount = earlier.copy();
        log.follow(earlierPosition, position, event -> apply(recount, event));
        return recount;
    }

    private static void apply(Recount recount, LoggedEvent event) {
        if (event.aggregateId() != null) {
            recount.apply(event.aggregateId(), event.payload());
        }
    }
}
