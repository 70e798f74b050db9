package ledger.events;

import java.time.Instant;
import java.util.List;
import org.axonframework.serialization.Revision;

/**
 * A correction of the receipt (counting rule 7). A {@code null} field is unchanged; a non-null one replaces
 * the old value ({@code accounts} is the whole new list).
 */
@Revision("1")
public record DemandCorrected(String demandId, Instant receivedAt, Jurisdiction jurisdiction, String agency,
                              LegalProcess legalProcess, List<AccountPseudonym> accounts) {
    public DemandCorrected {
        accounts = accounts == null ? null : List.copyOf(accounts);
    }
}
