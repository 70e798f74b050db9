package ledger.command.demand;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import java.time.Instant;
import ledger.events.ContentDisclosed;
import ledger.events.DeadlineSet;
import ledger.events.DemandAssigned;
import ledger.events.DemandCommands.AssignDemand;
import ledger.events.DemandCommands.CorrectDemand;
import ledger.events.DemandCommands.DiscloseContent;
import ledger.events.DemandCommands.DiscloseSubscriberData;
import ledger.events.DemandCommands.NotifyUser;
import ledger.events.DemandCommands.ReceiveDemand;
import ledger.events.DemandCommands.ReceiveNewDemand;
import ledger.events.DemandCommands.RecordNoDataFound;
import ledger.events.DemandCommands.RecordNonDisclosureOrder;
import ledger.events.DemandCommands.RejectDemand;
import ledger.events.DemandCommands.SetDeadline;
import ledger.events.DemandCorrected;
import ledger.events.DemandReceived;
import ledger.events.DemandRejected;
import ledger.events.NoDataFound;
import ledger.events.NonDisclosureOrderRecorded;
import ledger.events.SubscriberDataDisclosed;
import ledger.events.UserNotified;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.CreationPolicy;
import org.axonframework.spring.stereotype.Aggregate;

/**
 * One legal demand and its lifecycle (counting rules 1–4, 7, 9 and 18–20; tracking.md). Handlers validate and apply;
 * state changes only in the event sourcing handlers. A refused command applies nothing, so it stores nothing.
 *
 * <p>Every instant recorded of a demand is at or after its receipt: a due date, a disposition, an order, a notice.
 * A correction of {@code receivedAt} that would put the receipt after one already logged is refused (409), as is a
 * disposition before the receipt; a later deadline may be set first.
 *
 * <p>A command's required fields are never null here: the command API refuses a body without them ({@link CommandBody}).
 */
@Aggregate(repository = "demandRepository")
public class Demand {

    private static final int MAX_ASSIGNEE = 100;

    @AggregateIdentifier
    private String demandId;
    private DemandReceived receipt;
    private Instant receivedAt;
    private Instant earliestDisposition;
    private boolean closed;
    /** The due date: the receipt's, replaced by every deadline set (counting rule 18). */
    private Instant dueAt;
    /** The earliest disclosure's occurredAt; null while the demand has none. */
    private Instant firstDisclosure;
    /** The earliest occurredAt of the orders ever recorded: a bound on a correction of receivedAt. */
    private Instant earliestOrder;
    /** The demand's order: the latest recorded (counting rule 20); {@code orderUntil} null is indefinite. */
    private Instant orderFrom;
    private Instant orderUntil;
    private boolean notified;

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
                command.agency(), command.legalProcess(), command.accounts(), command.dueAt());
        if (receipt != null) {
            if (!receipt.equals(event)) {
                throw new DemandRefused.Conflict("demandId",
                        "demandId " + command.demandId() + " was already received with another body");
            }
            return;
        }
        checkReceipt(command.receivedAt(), command.dueAt());
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
        checkReceipt(command.receivedAt(), command.dueAt());
        apply(new DemandReceived(command.demandId(), command.receivedAt(), command.jurisdiction(), command.agency(),
                command.legalProcess(), command.accounts(), command.dueAt()));
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
            if (earliestOrder != null && command.receivedAt().isAfter(earliestOrder)) {
                throw new DemandRefused.Conflict("receivedAt", "a corrected receivedAt (" + command.receivedAt()
                        + ") may not be later than a non-disclosure order already logged (" + earliestOrder + ")");
            }
            if (dueAt != null && command.receivedAt().isAfter(dueAt)) {
                throw new DemandRefused.Conflict("receivedAt", "a corrected receivedAt (" + command.receivedAt()
                        + ") may not be later than the demand's due date (" + dueAt + "); set a later deadline first");
            }
        }
        apply(new DemandCorrected(demandId, command.receivedAt(), command.jurisdiction(), command.agency(),
                command.legalProcess(), command.accounts()));
    }

    /** A due date set or moved; a closed demand takes one too (tracking.md). */
    @CommandHandler
    public void handle(SetDeadline command) {
        notBeforeReceipt("dueAt", command.dueAt());
        apply(new DeadlineSet(demandId, command.dueAt()));
    }

    /** An owner, or none; the same owner again is recorded like any assignment. */
    @CommandHandler
    public void handle(AssignDemand command) {
        String assignee = command.assignee();
        if (assignee != null && (assignee.isBlank() || assignee.codePointCount(0, assignee.length()) > MAX_ASSIGNEE)) {
            throw new DemandRefused.InvalidField("assignee", "assignee must be 1 to " + MAX_ASSIGNEE
                    + " characters, or null to leave the demand unassigned");
        }
        apply(new DemandAssigned(demandId, assignee));
    }

    /** An order replaces any earlier one; it may be recorded after a notice, which stays recorded. */
    @CommandHandler
    public void handle(RecordNonDisclosureOrder command) {
        checkOccurredAt(command.occurredAt());
        if (command.until() != null && !command.until().isAfter(command.occurredAt())) {
            throw new DemandRefused.InvalidField("until", "until " + command.until() + " must be later than occurredAt "
                    + command.occurredAt() + ", or null for an order without end");
        }
        apply(new NonDisclosureOrderRecorded(demandId, command.occurredAt(), command.until()));
    }

    /** Counting rule 20: once, later than the first disclosure, and not while the demand's order is in force. */
    @CommandHandler
    public void handle(NotifyUser command) {
        Instant occurredAt = command.occurredAt();
        checkOccurredAt(occurredAt);
        if (notified) {
            throw new DemandRefused.Conflict("demandId", "the user of demandId " + demandId + " was already notified");
        }
        if (firstDisclosure == null) {
            throw new DemandRefused.Conflict("occurredAt", "occurredAt " + occurredAt + ": demandId " + demandId
                    + " has no disclosure yet, so its user cannot be notified of one");
        }
        if (!occurredAt.isAfter(firstDisclosure)) {
            throw new DemandRefused.Conflict("occurredAt", "occurredAt " + occurredAt
                    + " must be later than the demand's first disclosure (" + firstDisclosure + ")");
        }
        if (orderFrom != null && !occurredAt.isBefore(orderFrom) && (orderUntil == null || occurredAt.isBefore(orderUntil))) {
            throw new DemandRefused.Conflict("occurredAt", "at occurredAt " + occurredAt + " the demand's non-disclosure order is in force"
                    + " (from " + orderFrom + (orderUntil == null ? ", without end)" : " until " + orderUntil + ")"));
        }
        apply(new UserNotified(demandId, occurredAt));
    }

    private static void checkReceipt(Instant receivedAt, Instant dueAt) {
        notInTheFuture("receivedAt", receivedAt);
        if (dueAt != null && dueAt.isBefore(receivedAt)) {
            throw new DemandRefused.InvalidField("dueAt", "dueAt " + dueAt + " is earlier than receivedAt " + receivedAt);
        }
    }

    /** An order's or a notice's occurredAt: a value no demand may have is a 400, unlike a disposition's. */
    private void checkOccurredAt(Instant occurredAt) {
        notInTheFuture("occurredAt", occurredAt);
        notBeforeReceipt("occurredAt", occurredAt);
    }

    private void notBeforeReceipt(String field, Instant instant) {
        if (instant.isBefore(receivedAt)) {
            throw new DemandRefused.InvalidField(field, field + " " + instant + " is earlier than the demand's receivedAt "
                    + receivedAt);
        }
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
        if (firstDisclosure != null) {
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
        dueAt = event.dueAt();
    }

    @EventSourcingHandler
    void on(SubscriberDataDisclosed event) {
        disclosedAt(event.occurredAt());
    }

    @EventSourcingHandler
    void on(ContentDisclosed event) {
        disclosedAt(event.occurredAt());
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

    @EventSourcingHandler
    void on(DeadlineSet event) {
        dueAt = event.dueAt();
    }

    @EventSourcingHandler
    void on(NonDisclosureOrderRecorded event) {
        orderFrom = event.occurredAt();
        orderUntil = event.until();
        earliestOrder = earlier(earliestOrder, event.occurredAt());
    }

    @EventSourcingHandler
    void on(UserNotified event) {
        notified = true;
    }

    private void disclosedAt(Instant occurredAt) {
        firstDisclosure = earlier(firstDisclosure, occurredAt);
        disposedAt(occurredAt);
    }

    private static Instant earlier(Instant a, Instant b) {
        return a == null || b.isBefore(a) ? b : a;
    }

    private void disposedAt(Instant occurredAt) {
        earliestDisposition = earlier(earliestDisposition, occurredAt);
    }

}
