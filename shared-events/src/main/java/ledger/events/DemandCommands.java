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
                                String agency, LegalProcess legalProcess, List<AccountPseudonym> accounts, Instant dueAt) {

        /** A receipt without a due date. */
        public ReceiveDemand(String demandId, Instant receivedAt, Jurisdiction jurisdiction, String agency,
                             LegalProcess legalProcess, List<AccountPseudonym> accounts) {
            this(demandId, receivedAt, jurisdiction, agency, legalProcess, accounts, null);
        }
    }

    /**
     * The same receipt, of a demand believed never received: the demand is created without its events being read
     * first. Should it exist after all, its receipt collides with the stored one on the log's unique stream key
     * (nothing is stored) and the receipt is sent again as a {@link ReceiveDemand}.
     */
    public record ReceiveNewDemand(@TargetAggregateIdentifier String demandId, Instant receivedAt, Jurisdiction jurisdiction,
                                   String agency, LegalProcess legalProcess, List<AccountPseudonym> accounts, Instant dueAt) {

        public static ReceiveNewDemand of(ReceiveDemand receipt) {
            return new ReceiveNewDemand(receipt.demandId(), receipt.receivedAt(), receipt.jurisdiction(), receipt.agency(),
                    receipt.legalProcess(), receipt.accounts(), receipt.dueAt());
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

    /** Sets or moves the due date (tracking.md). */
    public record SetDeadline(@TargetAggregateIdentifier String demandId, Instant dueAt) {
    }

    /** Gives the demand an owner, or none ({@code assignee} {@code null}). */
    public record AssignDemand(@TargetAggregateIdentifier String demandId, String assignee) {
    }

    /** Records a non-disclosure order; {@code until} {@code null} is indefinite. */
    public record RecordNonDisclosureOrder(@TargetAggregateIdentifier String demandId, Instant occurredAt, Instant until) {
    }

    /** Records that the user was told of the disclosure (counting rule 20). */
    public record NotifyUser(@TargetAggregateIdentifier String demandId, Instant occurredAt) {
    }
}
