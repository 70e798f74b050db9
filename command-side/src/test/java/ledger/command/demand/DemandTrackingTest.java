package ledger.command.demand;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import ledger.events.AccountPseudonym;
import ledger.events.ContentDisclosed;
import ledger.events.DeadlineSet;
import ledger.events.DemandAssigned;
import ledger.events.DemandCommands.AssignDemand;
import ledger.events.DemandCommands.CorrectDemand;
import ledger.events.DemandCommands.NotifyUser;
import ledger.events.DemandCommands.ReceiveDemand;
import ledger.events.DemandCommands.ReceiveNewDemand;
import ledger.events.DemandCommands.RecordNonDisclosureOrder;
import ledger.events.DemandCommands.SetDeadline;
import ledger.events.DemandCorrected;
import ledger.events.DemandReceived;
import ledger.events.DemandRejected;
import ledger.events.Jurisdiction;
import ledger.events.LegalProcess;
import ledger.events.NoDataFound;
import ledger.events.NonDisclosureOrderRecorded;
import ledger.events.RejectionReason;
import ledger.events.SubscriberDataDisclosed;
import ledger.events.UserNotified;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.hamcrest.Description;
import org.hamcrest.TypeSafeMatcher;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The tracking commands of a {@link Demand} (tracking.md, counting rules 18–20): due dates, owners, non-disclosure
 * orders and user notices. A refused command applies no event, so it stores nothing.
 */
class DemandTrackingTest extends DemandFixture {

    private static final String ID = "2025-H2-US-T00001";
    private static final Instant RECEIVED_AT = Instant.parse("2025-07-01T10:00:00Z");
    private static final Instant NANO_BEFORE_RECEIPT = RECEIVED_AT.minusNanos(1);
    private static final Instant DAY_1 = RECEIVED_AT.plus(Duration.ofDays(1));
    private static final Instant DAY_2 = RECEIVED_AT.plus(Duration.ofDays(2));
    private static final Instant DAY_3 = RECEIVED_AT.plus(Duration.ofDays(3));
    private static final Instant DAY_4 = RECEIVED_AT.plus(Duration.ofDays(4));
    private static final Instant DAY_5 = RECEIVED_AT.plus(Duration.ofDays(5));
    private static final Instant DAY_9 = RECEIVED_AT.plus(Duration.ofDays(9));
    private static final Jurisdiction US = new Jurisdiction("US");
    private static final List<AccountPseudonym> ACCOUNTS = List.of(new AccountPseudonym("a".repeat(64)));

    private static ReceiveDemand receive(Instant dueAt) {
        return new ReceiveDemand(ID, RECEIVED_AT, US, "FBI", LegalProcess.SUBPOENA, ACCOUNTS, dueAt);
    }

    private static DemandReceived received(Instant dueAt) {
        return new DemandReceived(ID, RECEIVED_AT, US, "FBI", LegalProcess.SUBPOENA, ACCOUNTS, dueAt);
    }

    private static DemandReceived received() {
        return received(null);
    }

    // ---------------------------------------------------------------------------------------------------------

    @Nested
    @DisplayName("a due date given at receipt")
    class DueAtReceipt {

        @Test
        void aReceiptCarriesItsDueDate() {
            fixture.givenNoPriorActivity()
                    .when(receive(DAY_3))
                    .expectSuccessfulHandlerExecution()
                    .expectEvents(received(DAY_3));
        }

        @Test
        void aDueDateAtTheMomentOfReceiptIsAccepted() {
            fixture.givenNoPriorActivity()
                    .when(receive(RECEIVED_AT))
                    .expectEvents(received(RECEIVED_AT));
        }

        @Test
        void aDueDateBeforeReceiptIsInvalid() {
            fixture.givenNoPriorActivity()
                    .when(receive(NANO_BEFORE_RECEIPT))
                    .expectNoEvents()
                    .expectException(invalid("dueAt"));
        }

        @Test
        void aDueDateBeforeReceiptIsInvalidForADemandBelievedNew() {
            fixture.givenNoPriorActivity()
                    .when(ReceiveNewDemand.of(receive(NANO_BEFORE_RECEIPT)))
                    .expectNoEvents()
                    .expectException(invalid("dueAt"));
        }

        @Test
        void aDemandBelievedNewCarriesItsDueDate() {
            fixture.givenNoPriorActivity()
                    .when(ReceiveNewDemand.of(receive(DAY_3)))
                    .expectEvents(received(DAY_3));
        }

        @Test
        void aDueDateMayAlreadyHavePassed() {
            Instant receivedAt = Instant.now().minus(Duration.ofDays(30));
            fixture.givenNoPriorActivity()
                    .when(new ReceiveDemand(ID, receivedAt, US, "FBI", LegalProcess.SUBPOENA, ACCOUNTS, receivedAt.plusSeconds(60)))
                    .expectSuccessfulHandlerExecution();
        }

        @Test
        void theSameReceiptWithItsDueDateAgainIsIdempotent() {
            fixture.given(received(DAY_3))
                    .when(receive(DAY_3))
                    .expectSuccessfulHandlerExecution()
                    .expectNoEvents();
        }

        @Test
        void theSameReceiptAgainIsIdempotentAfterItsDueDateWasMoved() {
            fixture.given(received(DAY_3), new DeadlineSet(ID, DAY_5))
                    .when(receive(DAY_3))
                    .expectSuccessfulHandlerExecution()
                    .expectNoEvents();
        }

        @Test
        void theSameReceiptWithAnotherDueDateIsAConflict() {
            fixture.given(received(DAY_3))
                    .when(receive(DAY_4))
                    .expectNoEvents()
                    .expectException(conflict("demandId"));
        }

        @Test
        void theSameReceiptWithoutItsDueDateIsAConflict() {
            fixture.given(received(DAY_3))
                    .when(receive(null))
                    .expectNoEvents()
                    .expectException(conflict("demandId"));
        }

        @Test
        void aReceiptWithADueDateRepeatingOneWithoutIsAConflict() {
            fixture.given(received())
                    .when(receive(DAY_3))
                    .expectNoEvents()
                    .expectException(conflict("demandId"));
        }
    }

    @Nested
    @DisplayName("deadline")
    class Deadline {

        @Test
        void aDeadlineIsSet() {
            fixture.given(received())
                    .when(new SetDeadline(ID, DAY_3))
                    .expectSuccessfulHandlerExecution()
                    .expectEvents(new DeadlineSet(ID, DAY_3));
        }

        @Test
        void aDeadlineAtTheMomentOfReceiptIsAccepted() {
            fixture.given(received())
                    .when(new SetDeadline(ID, RECEIVED_AT))
                    .expectEvents(new DeadlineSet(ID, RECEIVED_AT));
        }

        @Test
        void aDeadlineBeforeReceiptIsInvalid() {
            fixture.given(received())
                    .when(new SetDeadline(ID, NANO_BEFORE_RECEIPT))
                    .expectNoEvents()
                    .expectException(invalid("dueAt"));
        }

        @Test
        void aDeadlineMayBeMovedEarlierOrLater() {
            fixture.given(received(DAY_3), new DeadlineSet(ID, DAY_5))
                    .when(new SetDeadline(ID, DAY_1))
                    .expectEvents(new DeadlineSet(ID, DAY_1));
        }

        @Test
        void theSameDeadlineAgainIsRecorded() {
            fixture.given(received(), new DeadlineSet(ID, DAY_3))
                    .when(new SetDeadline(ID, DAY_3))
                    .expectEvents(new DeadlineSet(ID, DAY_3));
        }

        @Test
        void aDeadlineIsJudgedAgainstTheCorrectedReceivedAt() {
            fixture.given(received(), new DemandCorrected(ID, DAY_2, null, null, null, null))
                    .when(new SetDeadline(ID, DAY_1))
                    .expectNoEvents()
                    .expectException(invalid("dueAt"));
        }

        @Test
        void aDeadlineBeforeTheOriginalReceiptIsAcceptedAfterAnEarlierReceivedAt() {
            fixture.given(received(), new DemandCorrected(ID, RECEIVED_AT.minus(Duration.ofDays(2)), null, null, null, null))
                    .when(new SetDeadline(ID, NANO_BEFORE_RECEIPT))
                    .expectEvents(new DeadlineSet(ID, NANO_BEFORE_RECEIPT));
        }

        @Test
        void aClosedDemandMayStillGetADeadline() {
            fixture.given(received(), new NoDataFound(ID, DAY_1))
                    .when(new SetDeadline(ID, DAY_3))
                    .expectEvents(new DeadlineSet(ID, DAY_3));
            fixture.given(received(), new DemandRejected(ID, DAY_1, RejectionReason.OVERBROAD))
                    .when(new SetDeadline(ID, DAY_3))
                    .expectEvents(new DeadlineSet(ID, DAY_3));
        }

        @Test
        void aDeadlineMayFollowTheResponse() {
            fixture.given(received(), new SubscriberDataDisclosed(ID, DAY_2))
                    .when(new SetDeadline(ID, DAY_1))
                    .expectEvents(new DeadlineSet(ID, DAY_1));
        }

        @Test
        void aDeadlineMayBeInTheFuture() {
            Instant later = future().plus(Duration.ofDays(365));
            fixture.given(received())
                    .when(new SetDeadline(ID, later))
                    .expectEvents(new DeadlineSet(ID, later));
        }

        @Test
        void noDeadlineForADemandNeverReceived() {
            fixture.givenNoPriorActivity()
                    .when(new SetDeadline(ID, DAY_3))
                    .expectNoEvents()
                    .expectException(AggregateNotFoundException.class);
        }
    }

    @Nested
    @DisplayName("assignment")
    class Assignment {

        @Test
        void aDemandIsAssigned() {
            fixture.given(received())
                    .when(new AssignDemand(ID, "alice"))
                    .expectEvents(new DemandAssigned(ID, "alice"));
        }

        @Test
        void aDemandIsReassignedAndUnassigned() {
            fixture.given(received(), new DemandAssigned(ID, "alice"))
                    .when(new AssignDemand(ID, "bob"))
                    .expectEvents(new DemandAssigned(ID, "bob"));
            fixture.given(received(), new DemandAssigned(ID, "alice"))
                    .when(new AssignDemand(ID, null))
                    .expectEvents(new DemandAssigned(ID, null));
        }

        @Test
        void theCurrentOwnerAgainIsRecorded() {
            fixture.given(received(), new DemandAssigned(ID, "alice"))
                    .when(new AssignDemand(ID, "alice"))
                    .expectEvents(new DemandAssigned(ID, "alice"));
        }

        @Test
        void noOwnerForADemandWithoutOneIsRecorded() {
            fixture.given(received())
                    .when(new AssignDemand(ID, null))
                    .expectEvents(new DemandAssigned(ID, null));
        }

        @Test
        void anEmptyOrBlankAssigneeIsInvalid() {
            fixture.given(received())
                    .when(new AssignDemand(ID, ""))
                    .expectNoEvents()
                    .expectException(invalid("assignee"));
            fixture.given(received())
                    .when(new AssignDemand(ID, "  "))
                    .expectNoEvents()
                    .expectException(invalid("assignee"));
        }

        @Test
        void anAssigneeMayHaveAHundredCharactersAndNoMore() {
            fixture.given(received())
                    .when(new AssignDemand(ID, "x".repeat(100)))
                    .expectEvents(new DemandAssigned(ID, "x".repeat(100)));
            fixture.given(received())
                    .when(new AssignDemand(ID, "x".repeat(101)))
                    .expectNoEvents()
                    .expectException(invalid("assignee"));
        }

        @Test
        void charactersAreCountedAsCodePoints() {
            String hundred = "\uD83D\uDE00".repeat(100); // 100 characters, 200 UTF-16 units
            fixture.given(received())
                    .when(new AssignDemand(ID, hundred))
                    .expectEvents(new DemandAssigned(ID, hundred));
        }

        @Test
        void aClosedDemandMayStillGetAnOwner() {
            fixture.given(received(), new NoDataFound(ID, DAY_1))
                    .when(new AssignDemand(ID, "alice"))
                    .expectEvents(new DemandAssigned(ID, "alice"));
        }

        @Test
        void noOwnerForADemandNeverReceived() {
            fixture.givenNoPriorActivity()
                    .when(new AssignDemand(ID, "alice"))
                    .expectNoEvents()
                    .expectException(AggregateNotFoundException.class);
        }
    }

    @Nested
    @DisplayName("non-disclosure order")
    class Order {

        @Test
        void anOrderWithAnEndIsRecorded() {
            fixture.given(received())
                    .when(new RecordNonDisclosureOrder(ID, DAY_1, DAY_9))
                    .expectEvents(new NonDisclosureOrderRecorded(ID, DAY_1, DAY_9));
        }

        @Test
        void anIndefiniteOrderIsRecorded() {
            fixture.given(received())
                    .when(new RecordNonDisclosureOrder(ID, DAY_1, null))
                    .expectEvents(new NonDisclosureOrderRecorded(ID, DAY_1, null));
        }

        @Test
        void anOrderMayEndInTheFuture() {
            Instant until = future();
            fixture.given(received())
                    .when(new RecordNonDisclosureOrder(ID, DAY_1, until))
                    .expectEvents(new NonDisclosureOrderRecorded(ID, DAY_1, until));
        }

        @Test
        void anOrderEndingWhenItBeginsOrBeforeIsInvalid() {
            fixture.given(received())
                    .when(new RecordNonDisclosureOrder(ID, DAY_2, DAY_2))
                    .expectNoEvents()
                    .expectException(invalid("until"));
            fixture.given(received())
                    .when(new RecordNonDisclosureOrder(ID, DAY_2, DAY_1))
                    .expectNoEvents()
                    .expectException(invalid("until"));
        }

        @Test
        void anOrderBeforeReceiptIsInvalidNotAConflict() {
            fixture.given(received())
                    .when(new RecordNonDisclosureOrder(ID, NANO_BEFORE_RECEIPT, DAY_1))
                    .expectNoEvents()
                    .expectException(invalid("occurredAt"));
        }

        @Test
        void anOrderAtTheMomentOfReceiptIsAccepted() {
            fixture.given(received())
                    .when(new RecordNonDisclosureOrder(ID, RECEIVED_AT, null))
                    .expectEvents(new NonDisclosureOrderRecorded(ID, RECEIVED_AT, null));
        }

        @Test
        void anOrderInTheFutureIsInvalid() {
            fixture.given(received())
                    .when(new RecordNonDisclosureOrder(ID, future(), null))
                    .expectNoEvents()
                    .expectException(invalid("occurredAt"));
        }

        @Test
        void aLaterOrderReplacesAnEarlierOne() {
            fixture.given(received(), new NonDisclosureOrderRecorded(ID, DAY_1, null))
                    .when(new RecordNonDisclosureOrder(ID, DAY_2, DAY_3))
                    .expectEvents(new NonDisclosureOrderRecorded(ID, DAY_2, DAY_3));
        }

        @Test
        void aClosedDemandMayStillGetAnOrder() {
            fixture.given(received(), new DemandRejected(ID, DAY_1, RejectionReason.OTHER))
                    .when(new RecordNonDisclosureOrder(ID, DAY_1, null))
                    .expectEvents(new NonDisclosureOrderRecorded(ID, DAY_1, null));
        }

        @Test
        void anOrderMayFollowTheNotice() {
            fixture.given(received(), new SubscriberDataDisclosed(ID, DAY_1), new UserNotified(ID, DAY_2))
                    .when(new RecordNonDisclosureOrder(ID, DAY_1, null))
                    .expectEvents(new NonDisclosureOrderRecorded(ID, DAY_1, null));
        }

        @Test
        void noOrderForADemandNeverReceived() {
            fixture.givenNoPriorActivity()
                    .when(new RecordNonDisclosureOrder(ID, DAY_1, null))
                    .expectNoEvents()
                    .expectException(AggregateNotFoundException.class);
        }
    }

    @Nested
    @DisplayName("user notice (counting rule 20)")
    class Notice {

        @Test
        void aNoticeAfterADisclosureIsRecorded() {
            fixture.given(received(), new SubscriberDataDisclosed(ID, DAY_1))
                    .when(new NotifyUser(ID, DAY_2))
                    .expectEvents(new UserNotified(ID, DAY_2));
            fixture.given(received(), new ContentDisclosed(ID, DAY_1))
                    .when(new NotifyUser(ID, DAY_1.plusNanos(1)))
                    .expectEvents(new UserNotified(ID, DAY_1.plusNanos(1)));
        }

        @Test
        void aNoticeWithoutADisclosureIsAConflict() {
            fixture.given(received())
                    .when(new NotifyUser(ID, DAY_2))
                    .expectNoEvents()
                    .expectException(conflict("occurredAt"));
        }

        @Test
        void aNoticeOnAClosedDemandIsAConflictForItHadNoDisclosure() {
            fixture.given(received(), new NoDataFound(ID, DAY_1))
                    .when(new NotifyUser(ID, DAY_2))
                    .expectNoEvents()
                    .expectException(conflict("occurredAt"));
        }

        @Test
        void aNoticeAtTheInstantOfTheFirstDisclosureIsAConflict() {
            fixture.given(received(), new SubscriberDataDisclosed(ID, DAY_2))
                    .when(new NotifyUser(ID, DAY_2))
                    .expectNoEvents()
                    .expectException(conflict("occurredAt"));
        }

        @Test
        void aNoticeBeforeTheFirstDisclosureIsAConflict() {
            fixture.given(received(), new SubscriberDataDisclosed(ID, DAY_2))
                    .when(new NotifyUser(ID, DAY_1))
                    .expectNoEvents()
                    .expectException(conflict("occurredAt"));
        }

        @Test
        void theFirstDisclosureIsTheEarliestByOccurredAtNotByLogging() {
            fixture.given(received(), new SubscriberDataDisclosed(ID, DAY_3), new ContentDisclosed(ID, DAY_1))
                    .when(new NotifyUser(ID, DAY_2))
                    .expectEvents(new UserNotified(ID, DAY_2));
        }

        @Test
        void aSecondNoticeIsAConflict() {
            fixture.given(received(), new SubscriberDataDisclosed(ID, DAY_1), new UserNotified(ID, DAY_2))
                    .when(new NotifyUser(ID, DAY_3))
                    .expectNoEvents()
                    .expectException(conflict("demandId"));
        }

        @Test
        void aNoticeWhileAnIndefiniteOrderIsInForceIsAConflict() {
            fixture.given(received(), new NonDisclosureOrderRecorded(ID, DAY_1, null), new SubscriberDataDisclosed(ID, DAY_1))
                    .when(new NotifyUser(ID, DAY_9))
                    .expectNoEvents()
                    .expectException(conflict("occurredAt"));
        }

        @Test
        void aNoticeWhileAnOrderIsInForceIsAConflict() {
            fixture.given(received(), new SubscriberDataDisclosed(ID, DAY_1), new NonDisclosureOrderRecorded(ID, DAY_1, DAY_4))
                    .when(new NotifyUser(ID, DAY_4.minusNanos(1)))
                    .expectNoEvents()
                    .expectException(conflict("occurredAt"));
        }

        @Test
        void anOrderIsInForceFromItsOccurredAt() {
            fixture.given(received(), new SubscriberDataDisclosed(ID, DAY_1), new NonDisclosureOrderRecorded(ID, DAY_2, DAY_4))
                    .when(new NotifyUser(ID, DAY_2))
                    .expectNoEvents()
                    .expectException(conflict("occurredAt"));
        }

        @Test
        void aNoticeExactlyAtTheOrdersEndIsRecorded() {
            fixture.given(received(), new SubscriberDataDisclosed(ID, DAY_1), new NonDisclosureOrderRecorded(ID, DAY_1, DAY_4))
                    .when(new NotifyUser(ID, DAY_4))
                    .expectEvents(new UserNotified(ID, DAY_4));
        }

        @Test
        void aNoticeBeforeTheOrderBeganIsRecorded() {
            fixture.given(received(), new SubscriberDataDisclosed(ID, DAY_1), new NonDisclosureOrderRecorded(ID, DAY_3, null))
                    .when(new NotifyUser(ID, DAY_2))
                    .expectEvents(new UserNotified(ID, DAY_2));
        }

        @Test
        void aReplacedOrderNoLongerForbidsANotice() {
            fixture.given(received(), new SubscriberDataDisclosed(ID, DAY_1), new NonDisclosureOrderRecorded(ID, DAY_1, null),
                            new NonDisclosureOrderRecorded(ID, DAY_1, DAY_3))
                    .when(new NotifyUser(ID, DAY_4))
                    .expectEvents(new UserNotified(ID, DAY_4));
        }

        @Test
        void aReplacingOrderForbidsANoticeTheEarlierOneAllowed() {
            fixture.given(received(), new SubscriberDataDisclosed(ID, DAY_1), new NonDisclosureOrderRecorded(ID, DAY_1, DAY_2),
                            new NonDisclosureOrderRecorded(ID, DAY_1, null))
                    .when(new NotifyUser(ID, DAY_4))
                    .expectNoEvents()
                    .expectException(conflict("occurredAt"));
        }

        @Test
        void aNoticeInTheFutureOrBeforeReceiptIsInvalid() {
            fixture.given(received(), new SubscriberDataDisclosed(ID, DAY_1))
                    .when(new NotifyUser(ID, future()))
                    .expectNoEvents()
                    .expectException(invalid("occurredAt"));
            // the value is at fault before the demand's state is: a 400, though there is no disclosure either
            fixture.given(received())
                    .when(new NotifyUser(ID, NANO_BEFORE_RECEIPT))
                    .expectNoEvents()
                    .expectException(invalid("occurredAt"));
        }

        @Test
        void noNoticeForADemandNeverReceived() {
            fixture.givenNoPriorActivity()
                    .when(new NotifyUser(ID, DAY_1))
                    .expectNoEvents()
                    .expectException(AggregateNotFoundException.class);
        }
    }

    /**
     * Every instant recorded of a demand is at or after its receipt: a correction that would move the receipt past
     * its due date or an order already logged is refused, as one past a disposition is; earlier is always allowed.
     */
    @Nested
    @DisplayName("a corrected receivedAt and what was recorded")
    class CorrectedReceipt {

        @Test
        void aCorrectedReceivedAtLaterThanTheDueDateIsAConflict() {
            fixture.given(received(DAY_2))
                    .when(new CorrectDemand(ID, DAY_2.plusNanos(1), null, null, null, null))
                    .expectNoEvents()
                    .expectException(conflict("receivedAt"));
        }

        @Test
        void aCorrectedReceivedAtLaterThanAMovedDueDateIsAConflict() {
            fixture.given(received(DAY_9), new DeadlineSet(ID, DAY_2))
                    .when(new CorrectDemand(ID, DAY_3, null, null, null, null))
                    .expectNoEvents()
                    .expectException(conflict("receivedAt"));
        }

        @Test
        void aCorrectedReceivedAtAtTheDueDateIsAllowed() {
            fixture.given(received(DAY_2))
                    .when(new CorrectDemand(ID, DAY_2, null, null, null, null))
                    .expectEvents(new DemandCorrected(ID, DAY_2, null, null, null, null));
        }

        @Test
        void aCorrectedReceivedAtIsAllowedOnceTheDueDateWasMovedLater() {
            fixture.given(received(DAY_2), new DeadlineSet(ID, DAY_9))
                    .when(new CorrectDemand(ID, DAY_3, null, null, null, null))
                    .expectEvents(new DemandCorrected(ID, DAY_3, null, null, null, null));
        }

        @Test
        void anEarlierReceivedAtIsAlwaysAllowed() {
            Instant earlier = RECEIVED_AT.minus(Duration.ofDays(3));
            fixture.given(received(RECEIVED_AT), new NonDisclosureOrderRecorded(ID, RECEIVED_AT, null))
                    .when(new CorrectDemand(ID, earlier, null, null, null, null))
                    .expectEvents(new DemandCorrected(ID, earlier, null, null, null, null));
        }

        @Test
        void aCorrectedReceivedAtLaterThanAnOrderIsAConflict() {
            fixture.given(received(), new NonDisclosureOrderRecorded(ID, DAY_1, null))
                    .when(new CorrectDemand(ID, DAY_2, null, null, null, null))
                    .expectNoEvents()
                    .expectException(conflict("receivedAt"));
        }

        @Test
        void aReplacedOrderStillBoundsTheReceipt() {
            fixture.given(received(), new NonDisclosureOrderRecorded(ID, DAY_1, null), new NonDisclosureOrderRecorded(ID, DAY_4, null))
                    .when(new CorrectDemand(ID, DAY_2, null, null, null, null))
                    .expectNoEvents()
                    .expectException(conflict("receivedAt"));
        }

        @Test
        void aCorrectionWithoutReceivedAtIsNotBoundByTheDueDate() {
            fixture.given(received(RECEIVED_AT))
                    .when(new CorrectDemand(ID, null, new Jurisdiction("DE"), null, null, null))
                    .expectEvents(new DemandCorrected(ID, null, new Jurisdiction("DE"), null, null, null));
        }
    }
}
