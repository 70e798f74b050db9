package ledger.eventlog;

import java.time.Instant;

/**
 * One event with what the log holds about it besides its payload: when it was recorded, its type's name, the
 * payload's JSON as stored, and its metadata's JSON (who caused it: {@code actor}).
 */
public record RecordedEvent(LoggedEvent event, Instant recordedAt, String type, String payloadJson, String metaDataJson) {
}
