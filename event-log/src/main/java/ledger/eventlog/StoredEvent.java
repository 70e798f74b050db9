package ledger.eventlog;

import ledger.logbundle.LogRecord;

/**
 * One event as the log stores it, field by field: what the chain is computed from, what an export writes and
 * what an import stores. {@code type} is the serialized type's name (the payload's class), {@code timestamp}
 * the stored string, {@code hash} the chain's hash stored with it (null where none is).
 */
public record StoredEvent(long position, String eventId, String aggregateType, String aggregateId, Long sequence,
                          String type, String revision, String timestamp, String payloadJson, String metaDataJson,
                          byte[] hash) {

    public LogRecord record() {
        return LogRecord.of(aggregateId, sequence, type, revision, timestamp, LogRecord.actor(metaDataJson), payloadJson);
    }
}
