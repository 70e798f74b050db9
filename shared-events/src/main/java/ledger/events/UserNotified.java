package ledger.events;

import java.time.Instant;
import org.axonframework.serialization.Revision;

/** The user whose data was disclosed was told (counting rule 20): once, after a disclosure, outside any order's span. */
@Revision("1")
public record UserNotified(String demandId, Instant occurredAt) {
}
