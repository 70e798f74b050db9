package ledger.eventlog;

/**
 * One event as it stands in the log: its position in the total order, the demand it belongs to (null for an
 * event of no demand), its sequence number within the demand, and its deserialized payload.
 */
public record LoggedEvent(long position, String aggregateId, long sequenceNumber, Object payload) {
}
