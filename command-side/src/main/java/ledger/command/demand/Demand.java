package ledger.command.demand;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import java.time.Instant;
import ledger.events.ContentDisclosed;
import ledger.events.DemandCommands.CorrectDemand;
import ledger.events.DemandCommands.DiscloseContent;
import ledger.events.DemandCommands.DiscloseSubscriberData;
import ledger.events.DemandCommands.ReceiveDemand;
import ledger.events.DemandCommands.ReceiveNewDemand;
import ledger.events.DemandCommands.RecordNoDataFound;
import ledger.events.DemandCommands.RejectDemand;
import ledger.events.DemandCorrected;
import ledger.events.DemandReceived;
import ledger.events.DemandRejected;
import ledger.events.NoDataFound;
import ledger.events.SubscriberDataDisclosed;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.CreationPolicy;
import org.axonframework.spring.stereotype.Aggregate;

/**
 * One legal demand and its lifecycle (counting rules 1–4, 7 and 9). Handlers validate and apply; state changes
 * only in the event sourcing handlers. A refused command applies nothing, so it stores nothing.
 */
@Aggregate(repository = "demandRepository")
public class Demand {

    @AggregateIdentifier
    private String demandId;
    private DemandReceived receipt;
    private Instant receivedAt;
    private Instant earliestDisposition;
    private boolean disclosed;
    private boolean closed;

    protected Demand() {
        // for Axon
    }

    /**
     * Receipt is idempotent: the same demandId with the same receipt again changes nothing; with another
     * receipt it is a conflict, because a demandId is unique forever.
     */
    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public void handle(ReceiveDemand command) {
        DemandReceived event = new DemandReceived(command.demandId(), command.receivedAt(), command.jurisdiction(),
                command.agency(), command.legalProcess(), command.accounts());
        if (receipt != null) {
            if (!receipt.equals(event)) {
                throw new DemandRefused.Conflict("demandId",
                        "demandId " + command.demandId() + " was already received with another body");
            }
            return;
        }
        notInTheFuture("receivedAt", command.receivedAt());
        apply(event);
    }

    /**
     * The receipt of a demand believed new: always a fresh demand, so nothing is read from the log. Its event has
     * sequence number 0, so if the demand was received before, the append collides with the stored receipt on the
     * log's unique stream key (AggregateStreamCreationException) and stores nothing; the caller then sends the
     * {@link ReceiveDemand}, which judges the repeat against the demand as the log has it.
     */
    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.ALWAYS)
    public void handle(ReceiveNewDemand command) {
        notInTheFuture("receivedAt", command.receivedAt());
        apply(new DemandReceived(command.demandId(), command.receivedAt(), command.jurisdiction(), command.agency(),
                command.legalProcess(), command.accounts()));
    }

    @CommandHandler
    public void handle(DiscloseSubscriberData command) {
        checkDisposition(command.occurredAt(), "subscriber data disclosed");
        apply(new SubscriberDataDisclosed(demandId, command.occurredAt()));
    }

    @CommandHandler
    public void handle(DiscloseContent command) {
        checkDisposition(command.occurredAt(), "content disclosed");
        apply(new ContentDisclosed(demandId, command.occurredAt()));
    }

    @CommandHandler
    public void handle(RecordNoDataFound command) {
        checkClosingDisposition(command.occurredAt(), "no data found");
        apply(new NoDataFound(demandId, command.occurredAt()));
    }

    @CommandHandler
    public void handle(RejectDemand command) {
        checkClosingDisposition(command.occurredAt(), "rejected");
        apply(new DemandRejected(demandId, command.occurredAt(), command.reason()));
    }

    @CommandHandler
    public void handle(CorrectDemand command) {
        if (command.receivedAt() == null && command.jurisdiction() == null && command.agency() == null
                && command.legalProcess() == null && command.accounts() == null) {
            throw new DemandRefused.InvalidField("body",
                    "a correction names at least one of receivedAt, jurisdiction, legalProcess, agency, accounts");
        }
        if (command.receivedAt() != null) {
            notInTheFuture("receivedAt", command.receivedAt());
            if (earliestDisposition != null && command.receivedAt().isAfter(earliestDisposition)) {
                throw new DemandRefused.Conflict("receivedAt", "a corrected receivedAt (" + command.receivedAt()
                        + ") may not be later than a disposition already logged (" + earliestDisposition + ")");
            }
        }
        apply(new DemandCorrected(demandId, command.receivedAt(), command.jurisdiction(), command.agency(),
                command.legalProcess(), command.accounts()));
    }

    private void checkDisposition(Instant occurredAt, String what) {
        if (closed) {
            throw new DemandRefused.Conflict("demandId", "demandId " + demandId + " is closed: it cannot be " + what);
        }
        notInTheFuture("occurredAt", occurredAt);
        if (occurredAt.isBefore(receivedAt)) {
            throw new DemandRefused.Conflict("occurredAt", "occurredAt " + occurredAt
                    + " is earlier than the demand's receivedAt " + receivedAt);
        }
    }

    private void checkClosingDisposition(Instant occurredAt, String what) {
        checkDisposition(occurredAt, what);
        if (disclosed) {
            throw new DemandRefused.Conflict("demandId", "demandId " + demandId
                    + " already had a disclosure: it cannot be " + what);
        }
    }

    private static void notInTheFuture(String field, Instant instant) {
        if (instant.isAfter(Instant.now())) {
            throw new DemandRefused.InvalidField(field, field + " " + instant + " is in the future");
        }
    }

    @EventSourcingHandler
    void on(DemandReceived event) {
        demandId = event.demandId();
        receipt = event;
        receivedAt = event.receivedAt();
    }

    @EventSourcingHandler
    void on(SubscriberDataDisclosed event) {
        disclosed = true;
        disposedAt(event.occurredAt());
    }

    @EventSourcingHandler
    void on(ContentDisclosed event) {
        disclosed = true;
        disposedAt(event.occurredAt());
    }

    @EventSourcingHandler
    void on(NoDataFound event) {
        closed = true;
        disposedAt(event.occurredAt());
    }

    @EventSourcingHandler
    void on(DemandRejected event) {
        closed = true;
        disposedAt(event.occurredAt());
    }

    @EventSourcingHandler
    void on(DemandCorrected event) {
        if (event.receivedAt() != null) {
            receivedAt = event.receivedAt();
        }
    }

    private void disposedAt(Instant occurredAt) {
        if (earliestDisposition == null || occurredAt.isBefore(earliestDisposition)) {
            earliestDisposition = occurredAt;
        }
    }

}
