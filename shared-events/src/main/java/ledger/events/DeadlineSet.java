package ledger.events;

import java.time.Instant;
import org.axonframework.serialization.Revision;

/** The demand's due date was set or moved (tracking.md); it replaces any earlier one, the receipt's included. */
@Revision("1")
public record DeadlineSet(String demandId, Instant dueAt) {
}
