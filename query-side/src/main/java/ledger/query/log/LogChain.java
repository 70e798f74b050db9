package ledger.query.log;

import java.util.Arrays;
import ledger.logbundle.LogRecord;
import ledger.eventlog.MongoEventLog;
import ledger.eventlog.StoredEvent;
import org.springframework.stereotype.Component;

/** The log's hash chain as stored: the hash at a position, and the chain recomputed from the stored events. */
@Component
public class LogChain {

    private final MongoEventLog log;

    LogChain(MongoEventLog log) {
        this.log = log;
    }

    public long head() {
        return log.headPosition();
    }

    /** The hash stored at {@code position} ({@code sha256:} and hex), null where none is. */
    public String hashAt(long position) {
        return log.storedHashAt(position).map(LogRecord::text).orElse(null);
    }

    /**
     * Every stored event from position 1 to {@code to} recomputed into the chain: valid when each one's stored
     * hash is the hash of its record (from its stored fields and position) chained on from the one before;
     * otherwise the first position where it is not (or where no event is). {@code hash}: the one stored at
     * {@code to}.
     */
    public Verification verify(long to) {
        byte[][] previous = {LogRecord.ZERO};
        long[] broken = {0};
        try {
            log.readInOrder(1, to, LogChain::recordOrNull, (StoredEvent event, LogRecord record) -> {
                byte[] h = record == null ? null : record.hash(previous[0], event.position());
                if (h == null || event.hash() == null || !Arrays.equals(h, event.hash())) {
                    broken[0] = event.position();
                    throw new Stop();
                }
                previous[0] = h;
            });
        } catch (Stop stop) {
            // broken[0] says where
        } catch (MongoEventLog.LogHole hole) {
            broken[0] = hole.position();
        }
        boolean valid = broken[0] == 0;
        return new Verification(to, valid ? LogRecord.text(previous[0]) : hashAt(to), valid, valid ? null : broken[0]);
    }

    private static LogRecord recordOrNull(StoredEvent event) {
        try {
            return event.record();
        } catch (RuntimeException e) {
            return null; // a payload that is not JSON any more: broken there
        }
    }

    /** {@code hash}: the chain's at {@code position}; {@code firstBrokenPosition} null when valid. */
    public record Verification(long position, String hash, boolean valid, Long firstBrokenPosition) {
    }

    private static final class Stop extends RuntimeException {
        Stop() {
            super(null, null, false, false);
        }
    }
}
