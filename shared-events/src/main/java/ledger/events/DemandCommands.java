package ledger.events;

import java.time.Instant;
import java.util.List;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The commands the Demand aggregate accepts. Accounts are already pseudonyms when a command is built. */
public final class DemandCommands {

    private DemandCommands() {
    }

    /** A receipt: creates the demand, or repeats an earlier receipt (same body: nothing happens; another: refused). */
    public record ReceiveDemand(@TargetAggregateIdentifier String demandId, Instant receivedAt, Jurisdiction jurisdiction,
                                String agency, LegalProcess legalProcess, List<AccountPseudonym> accounts) {
    }

    /**
     * The same receipt, of a demand believed never received: the demand is created without its events being read
     * first. Should it exist after all, its receipt collides with the stored one on the log's unique stream key
     * (nothing is stored) and the receipt is sent again as a {@link ReceiveDemand}.
     */
    public record ReceiveNewDemand(@TargetAggregateIdentifier String demandId, Instant receivedAt, Jurisdiction jurisdiction,
                                   String agency, LegalProcess legalProcess, List<AccountPseudonym> accounts) {

        public static ReceiveNewDemand of(ReceiveDemand receipt) {
            return new ReceiveNewDemand(receipt.demandId(), receipt.receivedAt(), receipt.jurisdiction(), receipt.agency(),
                    receipt.legalProcess(), receipt.accounts());
        }
    }

    public record DiscloseSubscriberData(@TargetAggregateIdentifier String demandId, Instant occurredAt) {
    }

    public record DiscloseContent(@TargetAggregateIdentifier String demandId, Instant occurredAt) {
    }

    public record RecordNoDataFound(@TargetAggregateIdentifier String demandId, Instant occurredAt) {
    }

    public record RejectDemand(@TargetAggregateIdentifier String demandId, Instant occurredAt, RejectionReason reason) {
    }

    public record CorrectDemand(@TargetAggregateIdentifier String demandId, Instant receivedAt, Jurisdiction jurisdiction,
                                String agency, LegalProcess legalProcess, List<AccountPseudonym> accounts) {
    }
}
