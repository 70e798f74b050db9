package ledger.events;

import java.time.Instant;
import java.util.List;
import org.axonframework.serialization.Revision;

/**
 * A demand was logged. {@code accounts} are pseudonyms, never raw identifiers. {@code dueAt} is the due date given at
 * receipt (tracking.md), {@code null} when none was: a log written before it existed reads back as it was.
 */
@Revision("1")
public record DemandReceived(String demandId, Instant receivedAt, Jurisdiction jurisdiction, String agency,
                             LegalProcess legalProcess, List<AccountPseudonym> accounts, Instant dueAt) {
    public DemandReceived {
        accounts = List.copyOf(accounts);
    }

    /** A receipt without a due date. */
    public DemandReceived(String demandId, Instant receivedAt, Jurisdiction jurisdiction, String agency,
                          LegalProcess legalProcess, List<AccountPseudonym> accounts) {
        this(demandId, receivedAt, jurisdiction, agency, legalProcess, accounts, null);
    }
}
