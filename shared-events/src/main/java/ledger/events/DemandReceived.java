package ledger.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import org.axonframework.serialization.Revision;

/**
 * A demand was logged. {@code accounts} are pseudonyms, never raw identifiers. {@code dueAt} is the due date given at
 * receipt (tracking.md); left out of the stored JSON when there is none, so a receipt without one is stored as before.
 */
@Revision("1")
public record DemandReceived(String demandId, Instant receivedAt, Jurisdiction jurisdiction, String agency,
                             LegalProcess legalProcess, List<AccountPseudonym> accounts,
                             @JsonInclude(JsonInclude.Include.NON_NULL) Instant dueAt) {
    public DemandReceived {
        accounts = List.copyOf(accounts);
    }

    /** A receipt without a due date. */
    public DemandReceived(String demandId, Instant receivedAt, Jurisdiction jurisdiction, String agency,
                          LegalProcess legalProcess, List<AccountPseudonym> accounts) {
        this(demandId, receivedAt, jurisdiction, agency, legalProcess, accounts, null);
    }
}
