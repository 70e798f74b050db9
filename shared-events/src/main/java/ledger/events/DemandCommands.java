package ledger.events;

import java.time.Instant;
import java.util.List;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The commands the Demand aggregate accepts. Accounts are already pseudonyms when a command is built. */
public final class DemandCommands {

    private DemandCommands() {
    }

    public record ReceiveDemand(@TargetAggregateIdentifier String demandId, Instant receivedAt, Jurisdiction jurisdiction,
                                String agency, LegalProcess legalProcess, List<AccountPseudonym> accounts) {
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
