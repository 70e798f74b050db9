package ledger.events;

import java.time.Instant;
import org.axonframework.serialization.Revision;

/** Non-content (subscriber) data was disclosed; may repeat (supplemental disclosures). */
@Revision("1")
public record SubscriberDataDisclosed(String demandId, Instant occurredAt) {
}
