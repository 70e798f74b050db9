package ledger.events;

import java.time.Instant;
import org.axonframework.serialization.Revision;

/** The demand was rejected; closes it. */
@Revision("1")
public record DemandRejected(String demandId, Instant occurredAt, RejectionReason reason) {
}
