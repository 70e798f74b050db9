package ledger.events;

import org.axonframework.serialization.Revision;

/** The demand's owner changed (tracking.md); {@code assignee} is {@code null} when it was unassigned. */
@Revision("1")
public record DemandAssigned(String demandId, String assignee) {
}
