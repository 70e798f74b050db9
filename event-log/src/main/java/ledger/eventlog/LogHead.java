package ledger.eventlog;

/**
 * The log's head for the metrics: read from the database at most once a second, however often it is scraped (a
 * reading is a few queries, and other instances append too, so this one's own appends do not tell it).
 */
public final class LogHead {

    private static final long FRESH_NANOS = 1_000_000_000L;

    private final MongoEventLog log;
    private long position;
    private long readAt;
    private boolean read;

    LogHead(MongoEventLog log) {
        this.log = log;
    }

    /** The position of the log's last event, as of at most a second ago. */
    public synchronized long position() {
        long now = System.nanoTime();
        if (!read || now - readAt >= FRESH_NANOS) {
            position = log.headPosition();
            readAt = now;
            read = true;
        }
        return position;
    }
}
