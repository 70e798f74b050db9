package ledger.events;

import java.time.Instant;
import org.axonframework.serialization.Revision;

/** No data was found for the demand; closes it. */
@Revision("1")
public record NoDataFound(String demandId, Instant occurredAt) {
}
