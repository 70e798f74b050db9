package ledger.query.log;

import com.fasterxml.jackson.databind.JsonNode;

/** One line of a bundle, checked: the record's fields and the hash it carries (which the chain confirmed). */
public record BundleRecord(long line, long position, String demandId, long sequence, String type, String revision,
                           String recordedAt, String actor, JsonNode payload, byte[] hash) {
}
