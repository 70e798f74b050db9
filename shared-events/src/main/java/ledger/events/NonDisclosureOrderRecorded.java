package ledger.events;

import java.time.Instant;
import org.axonframework.serialization.Revision;

/**
 * A non-disclosure order came with the demand (counting rule 20): in force from {@code occurredAt} until {@code until},
 * forever when {@code until} is {@code null}. The latest recorded replaces any earlier one.
 */
@Revision("1")
public record NonDisclosureOrderRecorded(String demandId, Instant occurredAt, Instant until) {
}
