package ledger.events;

import java.time.Instant;
import org.axonframework.serialization.Revision;

/** Content was disclosed; may repeat and may follow a subscriber-data disclosure. */
@Revision("1")
public record ContentDisclosed(String demandId, Instant occurredAt) {
}
