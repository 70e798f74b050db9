package ledger.query.demand;

import java.time.Instant;
import ledger.events.ContentDisclosed;
import ledger.events.DeadlineSet;
import ledger.events.DemandAssigned;
import ledger.events.DemandReceived;
import ledger.events.NonDisclosureOrderRecorded;
import ledger.events.SubscriberDataDisclosed;
import ledger.events.UserNotified;

/**
 * What the team records of a demand besides what counts (tracking.md): its due date (the latest given, counting
 * rule 18), its owner, its non-disclosure order (the latest recorded replaces any earlier one, rule 20), its first
 * disclosure and when its user was notified. Every field may be null; {@code ordered} tells an indefinite order
 * (null {@code orderUntil}) from none.
 */
record Tracking(Instant dueAt, String assignee, boolean ordered, Instant orderUntil, Instant firstDisclosure, Instant userNotifiedAt) {

    static final Tracking NONE = new Tracking(null, null, false, null, null, null);

    /** The tracking after one more event of the demand; events that record none of it leave it as it was. */
    static Tracking apply(Tracking before, Object event) {
        Tracking t = before == null ? NONE : before;
        if (event instanceof DemandReceived e) {
            return new Tracking(e.dueAt(), null, false, null, null, null);
        }
        if (event instanceof DeadlineSet e) {
            return new Tracking(e.dueAt(), t.assignee, t.ordered, t.orderUntil, t.firstDisclosure, t.userNotifiedAt);
        }
        if (event instanceof DemandAssigned e) {
            return new Tracking(t.dueAt, e.assignee(), t.ordered, t.orderUntil, t.firstDisclosure, t.userNotifiedAt);
        }
        if (event instanceof NonDisclosureOrderRecorded e) {
            return new Tracking(t.dueAt, t.assignee, true, e.until(), t.firstDisclosure, t.userNotifiedAt);
        }
        if (event instanceof UserNotified e) {
            return new Tracking(t.dueAt, t.assignee, t.ordered, t.orderUntil, t.firstDisclosure,
                    t.userNotifiedAt == null ? e.occurredAt() : t.userNotifiedAt);
        }
        Instant disclosed = event instanceof SubscriberDataDisclosed e ? e.occurredAt()
                : event instanceof ContentDisclosed e ? e.occurredAt() : null;
        if (disclosed != null && (t.firstDisclosure == null || disclosed.isBefore(t.firstDisclosure))) {
            return new Tracking(t.dueAt, t.assignee, t.ordered, t.orderUntil, disclosed, t.userNotifiedAt);
        }
        return t;
    }

    /**
     * When the user may first be told (tracking.md's notices due): the first disclosure, or the order's end if
     * later; null when the user cannot be told yet for ever (nothing disclosed, an indefinite order) or was told.
     */
    Instant noticePossibleSince() {
        if (firstDisclosure == null || userNotifiedAt != null || (ordered && orderUntil == null)) {
            return null;
        }
        return ordered && orderUntil.isAfter(firstDisclosure) ? orderUntil : firstDisclosure;
    }
}
