package ledger.logbundle;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One line of a bundle, checked: the record's fields, the hash it carries (which the chain confirmed) and
 * {@code canonical}, the bytes that hash covers (the RFC 8785 form of the line without its hash).
 */
public record BundleRecord(long line, long position, String demandId, long sequence, String type, String revision,
                           String recordedAt, String actor, JsonNode payload, byte[] hash, byte[] canonical) {
}
