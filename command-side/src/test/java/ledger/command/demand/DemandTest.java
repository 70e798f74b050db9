package ledger.command.demand;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BiFunction;

import ledger.events.AccountPseudonym;
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
import ledger.events.Jurisdiction;
import ledger.events.LegalProcess;
import ledger.events.NoDataFound;
import ledger.events.RejectionReason;
import ledger.events.SubscriberDataDisclosed;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.hamcrest.Description;
import org.hamcrest.TypeSafeMatcher;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every allowed and every forbidden transition of a {@link Demand} (counting rules 1–4 and 7): a refused
 * command applies no event, so it stores nothing.
 */
class DemandTest extends DemandFixture {

    private static final String ID = "FBI-2014-0001";
    private static final Instant RECEIVED_AT = Instant.parse("2014-03-02T10:15:00Z");
    private static final Instant BEFORE_RECEIPT = RECEIVED_AT.minus(Duration.ofHours(1));
    private static final Instant DAY_1 = RECEIVED_AT.plus(Duration.ofDays(1));
    private static final Instant DAY_2 = RECEIVED_AT.plus(Duration.ofDays(2));
    private static final Instant DAY_3 = RECEIVED_AT.plus(Duration.ofDays(3));
    private static final Instant DAY_4 = RECEIVED_AT.plus(Duration.ofDays(4));

    private static final Jurisdiction US = new Jurisdiction("US");
    private static final Jurisdiction DE = new Jurisdiction("DE");
    private static final String AGENCY = "FBI";
    private static final AccountPseudonym ACCOUNT_A = new AccountPseudonym("a".repeat(64));
    private static final AccountPseudonym ACCOUNT_B = new AccountPseudonym("b".repeat(64));
    private static final List<AccountPseudonym> ACCOUNTS = List.of(ACCOUNT_A);

    // ---------------------------------------------------------------------------------------------------------
    // helpers

    private static ReceiveDemand receive() {
        return new ReceiveDemand(ID, RECEIVED_AT, US, AGENCY, LegalProcess.SUBPOENA, ACCOUNTS);
    }

    private static DemandReceived received() {
        return new DemandReceived(ID, RECEIVED_AT, US, AGENCY, LegalProcess.SUBPOENA, ACCOUNTS);
    }

    private static CorrectDemand correctReceivedAt(Instant receivedAt) {
        return new CorrectDemand(ID, receivedAt, null, null, null, null);
    }

    private static DemandCorrected correctedReceivedAt(Instant receivedAt) {
        return new DemandCorrected(ID, receivedAt, null, null, null, null);
    }

    /** The four dispositions, as the command that asks for one and the event that records it. */
    enum Disposition {
        SUBSCRIBER_DATA_DISCLOSED(DiscloseSubscriberData::new, SubscriberDataDisclosed::new),
        CONTENT_DISCLOSED(DiscloseContent::new, ContentDisclosed::new),
        NO_DATA_FOUND(RecordNoDataFound::new, NoDataFound::new),
        REJECTED((id, at) -> new RejectDemand(id, at, RejectionReason.OVERBROAD),
                (id, at) -> new DemandRejected(id, at, RejectionReason.OVERBROAD));

        private final BiFunction<String, Instant, Object> command;
        private final BiFunction<String, Instant, Object> event;

        Disposition(BiFunction<String, Instant, Object> command, BiFunction<String, Instant, Object> event) {
            this.command = command;
            this.event = event;
        }

        Object command(Instant occurredAt) {
            return command.apply(ID, occurredAt);
        }

        Object event(Instant occurredAt) {
            return event.apply(ID, occurredAt);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // receipt (rule 1)

    @Nested
    @DisplayName("receipt")
    class Receipt {

        @Test
        void aNewDemandIsReceived() {
            fixture.givenNoPriorActivity()
                    .when(receive())
                    .expectSuccessfulHandlerExecution()
                    .expectEvents(received());
        }

        @Test
        void receivingTheIdenticalDemandAgainIsIdempotent() {
            fixture.given(received())
                    .when(receive())
                    .expectSuccessfulHandlerExecution()
                    .expectNoEvents();
        }

        @Test
        void receivingTheIdenticalDemandAgainAfterADispositionIsStillIdempotent() {
            fixture.given(received(), new SubscriberDataDisclosed(ID, DAY_1))
                    .when(receive())
                    .expectSuccessfulHandlerExecution()
                    .expectNoEvents();
        }

        @Test
        void receivingTheSameIdWithAnotherAgencyIsAConflict() {
            fixture.given(received())
                    .when(new ReceiveDemand(ID, RECEIVED_AT, US, "DEA", LegalProcess.SUBPOENA, ACCOUNTS))
                    .expectNoEvents()
                    .expectException(DemandRefused.Conflict.class)
                    .expectException(conflict("demandId"));
        }

        @Test
        void receivingTheSameIdWithAnotherReceivedAtIsAConflict() {
            fixture.given(received())
                    .when(new ReceiveDemand(ID, DAY_1, US, AGENCY, LegalProcess.SUBPOENA, ACCOUNTS))
                    .expectNoEvents()
                    .expectException(conflict("demandId"));
        }

        @Test
        void receivingTheSameIdWithOtherAccountsIsAConflict() {
            fixture.given(received())
                    .when(new ReceiveDemand(ID, RECEIVED_AT, US, AGENCY, LegalProcess.SUBPOENA,
                            List.of(ACCOUNT_A, ACCOUNT_B)))
                    .expectNoEvents()
                    .expectException(conflict("demandId"));
        }

        @Test
        void receivingTheSameIdWithAnotherJurisdictionIsAConflict() {
            fixture.given(received())
                    .when(new ReceiveDemand(ID, RECEIVED_AT, DE, AGENCY, LegalProcess.SUBPOENA, ACCOUNTS))
                    .expectNoEvents()
                    .expectException(conflict("demandId"));
        }

        @Test
        void receivingTheSameIdWithAnotherLegalProcessIsAConflict() {
            fixture.given(received())
                    .when(new ReceiveDemand(ID, RECEIVED_AT, US, AGENCY, LegalProcess.SEARCH_WARRANT, ACCOUNTS))
                    .expectNoEvents()
                    .expectException(conflict("demandId"));
        }

        @Test
        void aReceivedAtInTheFutureIsInvalid() {
            fixture.givenNoPriorActivity()
                    .when(new ReceiveDemand(ID, future(), US, AGENCY, LegalProcess.SUBPOENA, ACCOUNTS))
                    .expectNoEvents()
                    .expectException(DemandRefused.InvalidField.class)
                    .expectException(invalid("receivedAt"));
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // receipt of a demand believed new: created without reading the log (AggregateCreationPolicy.ALWAYS)

    @Nested
    @DisplayName("receipt of a demand believed new")
    class ReceiptOfANewDemand {

        @Test
        void aNewDemandIsReceivedAsByAnyReceipt() {
            fixture.givenNoPriorActivity()
                    .when(ReceiveNewDemand.of(receive()))
                    .expectSuccessfulHandlerExecution()
                    .expectEvents(received());
        }

        @Test
        void theReceiptIsTheDemandsFirstEvent() {
            fixture.givenNoPriorActivity()
                    .when(ReceiveNewDemand.of(receive()))
                    .expectEventsMatching(org.axonframework.test.matchers.Matchers.exactSequenceOf(
                            new TypeSafeMatcher<org.axonframework.eventhandling.EventMessage<?>>() {
                                @Override
                                protected boolean matchesSafely(org.axonframework.eventhandling.EventMessage<?> event) {
                                    return event instanceof org.axonframework.eventhandling.DomainEventMessage<?> d
                                            && d.getSequenceNumber() == 0 && ID.equals(d.getAggregateIdentifier());
                                }

                                @Override
                                public void describeTo(Description description) {
                                    description.appendText("the first event of demand " + ID);
                                }
                            },
                            org.axonframework.test.matchers.Matchers.andNoMore()));
        }

        /**
         * The receipt is not judged against a demand received before: its first event collides with the stored
         * one (here the fixture's check of sequence numbers stands in for the log's unique stream key), nothing is
         * stored, and the command side sends the {@link ReceiveDemand} instead (see "receipt").
         */
        @Test
        void aDemandReceivedBeforeCollidesWithItsStoredReceipt() {
            fixture.given(received())
                    .when(ReceiveNewDemand.of(receive()))
                    .expectNoEvents()
                    .expectException(org.axonframework.eventsourcing.eventstore.EventStoreException.class)
                    .expectExceptionMessage(org.hamcrest.Matchers.containsString("Unexpected sequence number"));
        }

        @Test
        void aReceivedAtInTheFutureIsInvalid() {
            fixture.givenNoPriorActivity()
                    .when(ReceiveNewDemand.of(new ReceiveDemand(ID, future(), US, AGENCY, LegalProcess.SUBPOENA, ACCOUNTS)))
                    .expectNoEvents()
                    .expectException(DemandRefused.InvalidField.class)
                    .expectException(invalid("receivedAt"));
        }

        @Test
        void aDemandReceivedAsNewTakesItsDispositions() {
            fixture.givenCommands(ReceiveNewDemand.of(receive()))
                    .when(new DiscloseSubscriberData(ID, DAY_1))
                    .expectSuccessfulHandlerExecution()
                    .expectEvents(new SubscriberDataDisclosed(ID, DAY_1));
        }

        @Test
        void aDemandReceivedAsNewTakesTheSameReceiptAgain() {
            fixture.givenCommands(ReceiveNewDemand.of(receive()))
                    .when(receive())
                    .expectSuccessfulHandlerExecution()
                    .expectNoEvents();
        }

        @Test
        void aDemandReceivedAsNewRefusesAnotherBody() {
            fixture.givenCommands(ReceiveNewDemand.of(receive()))
                    .when(new ReceiveDemand(ID, RECEIVED_AT, DE, AGENCY, LegalProcess.SUBPOENA, ACCOUNTS))
                    .expectNoEvents()
                    .expectException(conflict("demandId"));
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // a demand never received (rule 3: nothing can happen to it)

    @Nested
    @DisplayName("never received")
    class NeverReceived {

        @ParameterizedTest
        @EnumSource(Disposition.class)
        void noDispositionOnADemandNeverReceived(Disposition disposition) {
            fixture.givenNoPriorActivity()
                    .when(disposition.command(DAY_1))
                    .expectNoEvents()
                    .expectException(AggregateNotFoundException.class);
        }

        @Test
        void noCorrectionOnADemandNeverReceived() {
            fixture.givenNoPriorActivity()
                    .when(new CorrectDemand(ID, null, DE, null, null, null))
                    .expectNoEvents()
                    .expectException(AggregateNotFoundException.class);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // disclosures (rule 3: may repeat and may follow each other)

    @Nested
    @DisplayName("disclosures")
    class Disclosures {

        @Test
        void subscriberDataMayBeDisclosedAfterReceipt() {
            fixture.given(received())
                    .when(new DiscloseSubscriberData(ID, DAY_1))
                    .expectSuccessfulHandlerExecution()
                    .expectEvents(new SubscriberDataDisclosed(ID, DAY_1));
        }

        @Test
        void contentMayBeDisclosedAfterReceipt() {
            fixture.given(received())
                    .when(new DiscloseContent(ID, DAY_1))
                    .expectSuccessfulHandlerExecution()
                    .expectEvents(new ContentDisclosed(ID, DAY_1));
        }

        @Test
        void subscriberDataDisclosureMayRepeat() {
            fixture.given(received(), new SubscriberDataDisclosed(ID, DAY_1))
                    .when(new DiscloseSubscriberData(ID, DAY_2))
                    .expectSuccessfulHandlerExecution()
                    .expectEvents(new SubscriberDataDisclosed(ID, DAY_2));
        }

        @Test
        void contentDisclosureMayRepeat() {
            fixture.given(received(), new ContentDisclosed(ID, DAY_1))
                    .when(new DiscloseContent(ID, DAY_2))
                    .expectSuccessfulHandlerExecution()
                    .expectEvents(new ContentDisclosed(ID, DAY_2));
        }

        @Test
        void contentMayFollowSubscriberData() {
            fixture.given(received(), new SubscriberDataDisclosed(ID, DAY_1))
                    .when(new DiscloseContent(ID, DAY_2))
                    .expectSuccessfulHandlerExecution()
                    .expectEvents(new ContentDisclosed(ID, DAY_2));
        }

        @Test
        void subscriberDataMayFollowContent() {
            fixture.given(received(), new ContentDisclosed(ID, DAY_1))
                    .when(new DiscloseSubscriberData(ID, DAY_2))
                    .expectSuccessfulHandlerExecution()
                    .expectEvents(new SubscriberDataDisclosed(ID, DAY_2));
        }

        @Test
        void aDisclosureMayBeLoggedOutOfOrder() {
            // occurredAt is only bounded by receivedAt and now, not by earlier dispositions
            fixture.given(received(), new ContentDisclosed(ID, DAY_2))
                    .when(new DiscloseSubscriberData(ID, DAY_1))
                    .expectSuccessfulHandlerExecution()
                    .expectEvents(new SubscriberDataDisclosed(ID, DAY_1));
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // closing dispositions (rule 3: close the demand, never after a disclosure)

    @Nested
    @DisplayName("closing dispositions")
    class Closing {

        @Test
        void noDataFoundIsAllowedAfterReceipt() {
            fixture.given(received())
                    .when(new RecordNoDataFound(ID, DAY_1))
                    .expectSuccessfulHandlerExecution()
                    .expectEvents(new NoDataFound(ID, DAY_1));
        }

        @Test
        void rejectionIsAllowedAfterReceipt() {
            fixture.given(received())
                    .when(new RejectDemand(ID, DAY_1, RejectionReason.WRONG_JURISDICTION))
                    .expectSuccessfulHandlerExecution()
                    .expectEvents(new DemandRejected(ID, DAY_1, RejectionReason.WRONG_JURISDICTION));
        }

        @Test
        void noDataFoundMayNotFollowASubscriberDataDisclosure() {
            fixture.given(received(), new SubscriberDataDisclosed(ID, DAY_1))
                    .when(new RecordNoDataFound(ID, DAY_2))
                    .expectNoEvents()
                    .expectException(DemandRefused.Conflict.class)
                    .expectException(conflict("demandId"));
        }

        @Test
        void noDataFoundMayNotFollowAContentDisclosure() {
            fixture.given(received(), new ContentDisclosed(ID, DAY_1))
                    .when(new RecordNoDataFound(ID, DAY_2))
                    .expectNoEvents()
                    .expectException(conflict("demandId"));
        }

        @Test
        void rejectionMayNotFollowASubscriberDataDisclosure() {
            fixture.given(received(), new SubscriberDataDisclosed(ID, DAY_1))
                    .when(new RejectDemand(ID, DAY_2, RejectionReason.OVERBROAD))
                    .expectNoEvents()
                    .expectException(conflict("demandId"));
        }

        @Test
        void rejectionMayNotFollowAContentDisclosure() {
            fixture.given(received(), new ContentDisclosed(ID, DAY_1))
                    .when(new RejectDemand(ID, DAY_2, RejectionReason.OVERBROAD))
                    .expectNoEvents()
                    .expectException(conflict("demandId"));
        }

        @Test
        void aClosingDispositionMayNotFollowADisclosureEvenIfDatedEarlier() {
            fixture.given(received(), new ContentDisclosed(ID, DAY_2))
                    .when(new RecordNoDataFound(ID, DAY_1))
                    .expectNoEvents()
                    .expectException(conflict("demandId"));
        }

        @Test
        void aClosingDispositionMayNotFollowADisclosureEvenAfterACorrection() {
            fixture.given(received(), new SubscriberDataDisclosed(ID, DAY_1), new DemandCorrected(ID, null, DE,
                            null, null, null))
                    .when(new RejectDemand(ID, DAY_2, RejectionReason.OVERBROAD))
                    .expectNoEvents()
                    .expectException(conflict("demandId"));
        }

        @Test
        void noDataFoundMayNotFollowNoDataFound() {
            fixture.given(received(), new NoDataFound(ID, DAY_1))
                    .when(new RecordNoDataFound(ID, DAY_2))
                    .expectNoEvents()
                    .expectException(conflict("demandId"));
        }

        @Test
        void rejectionMayNotFollowRejection() {
            fixture.given(received(), new DemandRejected(ID, DAY_1, RejectionReason.OVERBROAD))
                    .when(new RejectDemand(ID, DAY_2, RejectionReason.OTHER))
                    .expectNoEvents()
                    .expectException(conflict("demandId"));
        }

        @Test
        void noDataFoundMayNotFollowRejection() {
            fixture.given(received(), new DemandRejected(ID, DAY_1, RejectionReason.OVERBROAD))
                    .when(new RecordNoDataFound(ID, DAY_2))
                    .expectNoEvents()
                    .expectException(conflict("demandId"));
        }

        @Test
        void rejectionMayNotFollowNoDataFound() {
            fixture.given(received(), new NoDataFound(ID, DAY_1))
                    .when(new RejectDemand(ID, DAY_2, RejectionReason.OVERBROAD))
                    .expectNoEvents()
                    .expectException(conflict("demandId"));
        }

        @Test
        void subscriberDataMayNotBeDisclosedAfterNoDataFound() {
            fixture.given(received(), new NoDataFound(ID, DAY_1))
                    .when(new DiscloseSubscriberData(ID, DAY_2))
                    .expectNoEvents()
                    .expectException(conflict("demandId"));
        }

        @Test
        void contentMayNotBeDisclosedAfterNoDataFound() {
            fixture.given(received(), new NoDataFound(ID, DAY_1))
                    .when(new DiscloseContent(ID, DAY_2))
                    .expectNoEvents()
                    .expectException(conflict("demandId"));
        }

        @Test
        void subscriberDataMayNotBeDisclosedAfterRejection() {
            fixture.given(received(), new DemandRejected(ID, DAY_1, RejectionReason.OVERBROAD))
                    .when(new DiscloseSubscriberData(ID, DAY_2))
                    .expectNoEvents()
                    .expectException(conflict("demandId"));
        }

        @Test
        void contentMayNotBeDisclosedAfterRejection() {
            fixture.given(received(), new DemandRejected(ID, DAY_1, RejectionReason.OVERBROAD))
                    .when(new DiscloseContent(ID, DAY_2))
                    .expectNoEvents()
                    .expectException(conflict("demandId"));
        }

        @Test
        void aClosedDemandStaysClosedAfterACorrection() {
            fixture.given(received(), new NoDataFound(ID, DAY_1), correctedReceivedAt(BEFORE_RECEIPT))
                    .when(new DiscloseContent(ID, DAY_2))
                    .expectNoEvents()
                    .expectException(conflict("demandId"));
        }

        @Test
        void aCorrectionMayFollowNoDataFound() {
            fixture.given(received(), new NoDataFound(ID, DAY_1))
                    .when(new CorrectDemand(ID, null, DE, null, null, null))
                    .expectSuccessfulHandlerExecution()
                    .expectEvents(new DemandCorrected(ID, null, DE, null, null, null));
        }

        @Test
        void aCorrectionMayFollowRejection() {
            fixture.given(received(), new DemandRejected(ID, DAY_1, RejectionReason.OVERBROAD))
                    .when(new CorrectDemand(ID, null, null, null, LegalProcess.COURT_ORDER, null))
                    .expectSuccessfulHandlerExecution()
                    .expectEvents(new DemandCorrected(ID, null, null, null, LegalProcess.COURT_ORDER, null));
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // occurredAt bounds (rule 3: not before receivedAt, not in the future)

    @Nested
    @DisplayName("occurredAt")
    class OccurredAt {

        @ParameterizedTest
        @EnumSource(Disposition.class)
        void aDispositionBeforeReceiptIsAConflict(Disposition disposition) {
            fixture.given(received())
                    .when(disposition.command(BEFORE_RECEIPT))
                    .expectNoEvents()
                    .expectException(DemandRefused.Conflict.class)
                    .expectException(conflict("occurredAt"));
        }

        @ParameterizedTest
        @EnumSource(Disposition.class)
        void aDispositionOneNanosecondBeforeReceiptIsAConflict(Disposition disposition) {
            fixture.given(received())
                    .when(disposition.command(RECEIVED_AT.minusNanos(1)))
                    .expectNoEvents()
                    .expectException(conflict("occurredAt"));
        }

        @ParameterizedTest
        @EnumSource(Disposition.class)
        void aDispositionInTheFutureIsInvalid(Disposition disposition) {
            fixture.given(received())
                    .when(disposition.command(future()))
                    .expectNoEvents()
                    .expectException(DemandRefused.InvalidField.class)
                    .expectException(invalid("occurredAt"));
        }

        @ParameterizedTest
        @EnumSource(Disposition.class)
        void aDispositionAtTheMomentOfReceiptIsAllowed(Disposition disposition) {
            fixture.given(received())
                    .when(disposition.command(RECEIVED_AT))
                    .expectSuccessfulHandlerExecution()
                    .expectEvents(disposition.event(RECEIVED_AT));
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // corrections (rule 7)

    @Nested
    @DisplayName("corrections")
    class Corrections {

        @Test
        void receivedAtAloneMayBeCorrected() {
            fixture.given(received())
                    .when(correctReceivedAt(DAY_1))
                    .expectSuccessfulHandlerExecution()
                    .expectEvents(correctedReceivedAt(DAY_1));
        }

        @Test
        void jurisdictionAloneMayBeCorrected() {
            fixture.given(received())
                    .when(new CorrectDemand(ID, null, DE, null, null, null))
                    .expectSuccessfulHandlerExecution()
                    .expectEvents(new DemandCorrected(ID, null, DE, null, null, null));
        }

        @Test
        void agencyAloneMayBeCorrected() {
            fixture.given(received())
                    .when(new CorrectDemand(ID, null, null, "DEA", null, null))
                    .expectSuccessfulHandlerExecution()
                    .expectEvents(new DemandCorrected(ID, null, null, "DEA", null, null));
        }

        @Test
        void legalProcessAloneMayBeCorrected() {
            fixture.given(received())
                    .when(new CorrectDemand(ID, null, null, null, LegalProcess.SEARCH_WARRANT, null))
                    .expectSuccessfulHandlerExecution()
                    .expectEvents(new DemandCorrected(ID, null, null, null, LegalProcess.SEARCH_WARRANT, null));
        }

        @Test
        void accountsAloneMayBeCorrected() {
            fixture.given(received())
                    .when(new CorrectDemand(ID, null, null, null, null, List.of(ACCOUNT_A, ACCOUNT_B)))
                    .expectSuccessfulHandlerExecution()
                    .expectEvents(new DemandCorrected(ID, null, null, null, null, List.of(ACCOUNT_A, ACCOUNT_B)));
        }

        @Test
        void accountsMayBeCorrectedToNone() {
            fixture.given(received())
                    .when(new CorrectDemand(ID, null, null, null, null, List.of()))
                    .expectSuccessfulHandlerExecution()
                    .expectEvents(new DemandCorrected(ID, null, null, null, null, List.of()));
        }

        @Test
        void allFieldsMayBeCorrectedAtOnce() {
            fixture.given(received())
                    .when(new CorrectDemand(ID, DAY_1, DE, "BKA", LegalProcess.COURT_ORDER, List.of(ACCOUNT_B)))
                    .expectSuccessfulHandlerExecution()
                    .expectEvents(new DemandCorrected(ID, DAY_1, DE, "BKA", LegalProcess.COURT_ORDER,
                            List.of(ACCOUNT_B)));
        }

        @Test
        void anEmptyCorrectionIsInvalid() {
            fixture.given(received())
                    .when(new CorrectDemand(ID, null, null, null, null, null))
                    .expectNoEvents()
                    .expectException(DemandRefused.InvalidField.class)
                    .expectException(invalid("body"));
        }

        @ParameterizedTest
        @EnumSource(Disposition.class)
        void aCorrectedReceivedAtLaterThanADispositionIsAConflict(Disposition disposition) {
            fixture.given(received(), disposition.event(DAY_1))
                    .when(correctReceivedAt(DAY_2))
                    .expectNoEvents()
                    .expectException(DemandRefused.Conflict.class)
                    .expectException(conflict("receivedAt"));
        }

        @Test
        void aCorrectedReceivedAtLaterThanTheEarliestOfSeveralDispositionsIsAConflict() {
            fixture.given(received(), new SubscriberDataDisclosed(ID, DAY_1), new ContentDisclosed(ID, DAY_3))
                    .when(correctReceivedAt(DAY_2))
                    .expectNoEvents()
                    .expectException(conflict("receivedAt"));
        }

        @Test
        void aCorrectedReceivedAtLaterThanADispositionLoggedOutOfOrderIsAConflict() {
            // the later-dated disclosure is logged first; the earliest one still bounds the correction
            fixture.given(received(), new ContentDisclosed(ID, DAY_3), new SubscriberDataDisclosed(ID, DAY_1))
                    .when(correctReceivedAt(DAY_2))
                    .expectNoEvents()
                    .expectException(conflict("receivedAt"));
        }

        @Test
        void aCorrectedReceivedAtEqualToTheEarliestDispositionIsAllowed() {
            fixture.given(received(), new SubscriberDataDisclosed(ID, DAY_1), new ContentDisclosed(ID, DAY_3))
                    .when(correctReceivedAt(DAY_1))
                    .expectSuccessfulHandlerExecution()
                    .expectEvents(correctedReceivedAt(DAY_1));
        }

        @Test
        void aCorrectedReceivedAtEarlierThanTheDispositionsIsAllowed() {
            fixture.given(received(), new NoDataFound(ID, DAY_2))
                    .when(correctReceivedAt(DAY_1))
                    .expectSuccessfulHandlerExecution()
                    .expectEvents(correctedReceivedAt(DAY_1));
        }

        @Test
        void aCorrectedReceivedAtEarlierThanTheOriginalIsAllowed() {
            fixture.given(received(), new ContentDisclosed(ID, DAY_1))
                    .when(correctReceivedAt(BEFORE_RECEIPT))
                    .expectSuccessfulHandlerExecution()
                    .expectEvents(correctedReceivedAt(BEFORE_RECEIPT));
        }

        @Test
        void aCorrectionWithoutReceivedAtIsNotBoundByTheDispositions() {
            fixture.given(received(), new ContentDisclosed(ID, DAY_1))
                    .when(new CorrectDemand(ID, null, DE, null, null, null))
                    .expectSuccessfulHandlerExecution()
                    .expectEvents(new DemandCorrected(ID, null, DE, null, null, null));
        }

        @Test
        void aCorrectedReceivedAtInTheFutureIsInvalid() {
            fixture.given(received())
                    .when(correctReceivedAt(future()))
                    .expectNoEvents()
                    .expectException(DemandRefused.InvalidField.class)
                    .expectException(invalid("receivedAt"));
        }

        @ParameterizedTest
        @EnumSource(Disposition.class)
        void afterALaterReceivedAtADispositionBeforeTheNewReceivedAtIsAConflict(Disposition disposition) {
            // DAY_1 is after the original receivedAt but before the corrected one
            fixture.given(received(), correctedReceivedAt(DAY_2))
                    .when(disposition.command(DAY_1))
                    .expectNoEvents()
                    .expectException(conflict("occurredAt"));
        }

        @ParameterizedTest
        @EnumSource(Disposition.class)
        void afterALaterReceivedAtADispositionAfterTheNewReceivedAtIsAllowed(Disposition disposition) {
            fixture.given(received(), correctedReceivedAt(DAY_2))
                    .when(disposition.command(DAY_3))
                    .expectSuccessfulHandlerExecution()
                    .expectEvents(disposition.event(DAY_3));
        }

        @ParameterizedTest
        @EnumSource(Disposition.class)
        void afterAnEarlierReceivedAtADispositionBeforeTheOriginalReceivedAtIsAllowed(Disposition disposition) {
            fixture.given(received(), correctedReceivedAt(BEFORE_RECEIPT.minus(Duration.ofHours(1))))
                    .when(disposition.command(BEFORE_RECEIPT))
                    .expectSuccessfulHandlerExecution()
                    .expectEvents(disposition.event(BEFORE_RECEIPT));
        }

        @Test
        void aCorrectionWithoutReceivedAtKeepsTheCorrectedReceivedAt() {
            fixture.given(received(), correctedReceivedAt(DAY_2), new DemandCorrected(ID, null, DE, null, null,
                            null))
                    .when(new DiscloseContent(ID, DAY_1))
                    .expectNoEvents()
                    .expectException(conflict("occurredAt"));
        }

        @Test
        void theLatestCorrectedReceivedAtCounts() {
            fixture.given(received(), correctedReceivedAt(DAY_3), correctedReceivedAt(DAY_1))
                    .when(new DiscloseContent(ID, DAY_2))
                    .expectSuccessfulHandlerExecution()
                    .expectEvents(new ContentDisclosed(ID, DAY_2));
        }

        @Test
        void correctionsMayRepeat() {
            fixture.given(received(), new DemandCorrected(ID, null, DE, null, null, null))
                    .when(new CorrectDemand(ID, null, US, null, null, null))
                    .expectSuccessfulHandlerExecution()
                    .expectEvents(new DemandCorrected(ID, null, US, null, null, null));
        }

        @Test
        void laterDispositionsStillBoundALaterCorrection() {
            fixture.given(received(), correctedReceivedAt(DAY_1), new SubscriberDataDisclosed(ID, DAY_2))
                    .when(correctReceivedAt(DAY_3))
                    .expectNoEvents()
                    .expectException(conflict("receivedAt"));
        }
    }

    @Test
    void aWholeLifecycleIsAccepted() {
        fixture.given(received(), new SubscriberDataDisclosed(ID, DAY_1), new ContentDisclosed(ID, DAY_2),
                        new SubscriberDataDisclosed(ID, DAY_3))
                .when(new DiscloseContent(ID, DAY_4))
                .expectSuccessfulHandlerExecution()
                .expectEvents(new ContentDisclosed(ID, DAY_4));
    }
}
