package ledger.events;

import java.time.Instant;
import java.util.List;
import org.axonframework.serialization.Revision;

/** A demand was logged. {@code accounts} are pseudonyms, never raw identifiers. */
@Revision("1")
public record DemandReceived(String demandId, Instant receivedAt, Jurisdiction jurisdiction, String agency,
                             LegalProcess legalProcess, List<AccountPseudonym> accounts) {
    public DemandReceived {
        accounts = List.copyOf(accounts);
    }
}
