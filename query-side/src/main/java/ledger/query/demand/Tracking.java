package ledger.query.demand;

import java.time.Instant;
import ledger.events.ContentDisclosed;
import ledger.events.DemandAssigned;
import ledger.events.DemandReceived;
import ledger.events.NonDisclosureOrderRecorded;
import ledger.events.SubscriberDataDisclosed;
import ledger.events.UserNotified;

/**
 * What the team records of a demand besides what {@link ledger.query.figures.DemandState} keeps (tracking.md): its
 * owner, its non-disclosure order's end (the latest recorded replaces any earlier one, rule 20), its first disclosure
 * and when its user was notified. Every field may be null; whether an order exists at all (null {@code orderUntil}:
 * an indefinite one) is the state's {@code nonDisclosureOrder}, its due date the state's {@code dueAt}.
 */
record Tracking(String assignee, Instant orderUntil, Instant firstDisclosure, Instant userNotifiedAt) {

    static final Tracking NONE = new Tracking(null, null, null, null);

    /** The tracking after one more event of the demand; events that record none of it leave it as it was. */
    static Tracking apply(Tracking before, Object event) {
        Tracking t = before == null ? NONE : before;
        if (event instanceof DemandReceived) {
            return NONE;
        }
        if (event instanceof DemandAssigned e) {
            return new Tracking(e.assignee(), t.orderUntil, t.firstDisclosure, t.userNotifiedAt);
        }
        if (event instanceof NonDisclosureOrderRecorded e) {
            return new Tracking(t.assignee, e.until(), t.firstDisclosure, t.userNotifiedAt);
        }
        if (event instanceof UserNotified e) {
            return new Tracking(t.assignee, t.orderUntil, t.firstDisclosure, t.userNotifiedAt == null ? e.occurredAt() : t.userNotifiedAt);
        }
        Instant disclosed = event instanceof SubscriberDataDisclosed e ? e.occurredAt()
                : event instanceof ContentDisclosed e ? e.occurredAt() : null;
        if (disclosed != null && (t.firstDisclosure == null || disclosed.isBefore(t.firstDisclosure))) {
            return new Tracking(t.assignee, t.orderUntil, disclosed, t.userNotifiedAt);
        }
        return t;
    }

    /**
     * When the user may first be told (tracking.md's notices due): the first disclosure, or the order's end if
     * later; null when the user cannot be told yet for ever (nothing disclosed, an indefinite order) or was told.
     * {@code ordered}: whether a non-disclosure order was recorded.
     */
    Instant noticePossibleSince(boolean ordered) {
        if (firstDisclosure == null || userNotifiedAt != null || (ordered && orderUntil == null)) {
            return null;
        }
        return ordered && orderUntil.isAfter(firstDisclosure) ? orderUntil : firstDisclosure;
    }
}
