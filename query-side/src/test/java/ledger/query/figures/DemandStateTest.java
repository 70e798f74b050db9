package ledger.query.figures;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import ledger.events.AccountPseudonym;
import ledger.events.ContentDisclosed;
import ledger.events.DemandCorrected;
import ledger.events.DemandReceived;
import ledger.events.DemandRejected;
import ledger.events.Jurisdiction;
import ledger.events.LegalProcess;
import ledger.events.NoDataFound;
import ledger.events.RejectionReason;
import ledger.events.SubscriberDataDisclosed;
import org.junit.jupiter.api.Test;

/** Counting rules 4, 5, 7, 8 and 16 as seen by one demand. */
class DemandStateTest {

    private static final String ID = "LERR-2014-0001";
    private static final Instant RECEIVED = Instant.parse("2014-06-30T10:00:00Z");
    private static final Instant LATER = Instant.parse("2014-08-15T12:00:00Z");

    private static AccountPseudonym account(String identifier) {
        try {
            return new AccountPseudonym(HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(identifier.getBytes(StandardCharsets.UTF_8))));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<AccountPseudonym> accounts(String... identifiers) {
        return Arrays.stream(identifiers).map(DemandStateTest::account).toList();
    }

    private static List<String> values(String... identifiers) {
        return Arrays.stream(identifiers).map(i -> account(i).value()).sorted().distinct().toList();
    }

    private static DemandReceived received(String jurisdiction, String... identifiers) {
        return new DemandReceived(ID, RECEIVED, new Jurisdiction(jurisdiction), "Agency", LegalProcess.SUBPOENA,
                accounts(identifiers));
    }

    private static DemandState replay(Object... events) {
        DemandState state = null;
        for (Object event : events) {
            state = DemandState.apply(state, event);
        }
        return state;
    }

    @Test
    void receiptStartsAPendingDemand() {
        DemandState state = DemandState.apply(null, received("DE", "a@example.com", "b@example.com"));
        assertThat(state.demandId()).isEqualTo(ID);
        assertThat(state.receivedAt()).isEqualTo(RECEIVED);
        assertThat(state.jurisdiction()).isEqualTo("DE");
        assertThat(state.accounts()).isEqualTo(values("a@example.com", "b@example.com"));
        assertThat(state.content()).isFalse();
        assertThat(state.subscriber()).isFalse();
        assertThat(state.noData()).isFalse();
        assertThat(state.rejected()).isFalse();
        assertThat(state.outcome()).isEqualTo(Outcome.PENDING);
        assertThat(state.period()).isEqualTo(Period.parse("2014-H1"));
    }

    @Test
    void receiptWithoutAccounts() {
        DemandState state = DemandState.apply(null, received("FR"));
        assertThat(state.accounts()).isEmpty();
    }

    @Test
    void subscriberDataDisclosed() {
        DemandState state = replay(received("DE", "a"), new SubscriberDataDisclosed(ID, LATER));
        assertThat(state.subscriber()).isTrue();
        assertThat(state.content()).isFalse();
        assertThat(state.noData()).isFalse();
        assertThat(state.rejected()).isFalse();
        assertThat(state.outcome()).isEqualTo(Outcome.SUBSCRIBER_ONLY);
    }

    @Test
    void contentDisclosed() {
        DemandState state = replay(received("DE", "a"), new ContentDisclosed(ID, LATER));
        assertThat(state.content()).isTrue();
        assertThat(state.subscriber()).isFalse();
        assertThat(state.noData()).isFalse();
        assertThat(state.rejected()).isFalse();
        assertThat(state.outcome()).isEqualTo(Outcome.CONTENT);
    }

    @Test
    void noDataFound() {
        DemandState state = replay(received("DE", "a"), new NoDataFound(ID, LATER));
        assertThat(state.noData()).isTrue();
        assertThat(state.content()).isFalse();
        assertThat(state.subscriber()).isFalse();
        assertThat(state.rejected()).isFalse();
        assertThat(state.outcome()).isEqualTo(Outcome.NO_DATA_FOUND);
    }

    @Test
    void rejected() {
        DemandState state = replay(received("DE", "a"), new DemandRejected(ID, LATER, RejectionReason.OVERBROAD));
        assertThat(state.rejected()).isTrue();
        assertThat(state.content()).isFalse();
        assertThat(state.subscriber()).isFalse();
        assertThat(state.noData()).isFalse();
        assertThat(state.outcome()).isEqualTo(Outcome.REJECTED);
    }

    @Test
    void subscriberThenContentEscalatesToContentAndRepeatsAreHarmless() {
        DemandState state = replay(received("DE", "a"), new SubscriberDataDisclosed(ID, LATER),
                new SubscriberDataDisclosed(ID, LATER), new ContentDisclosed(ID, LATER), new ContentDisclosed(ID, LATER));
        assertThat(state.subscriber()).isTrue();
        assertThat(state.content()).isTrue();
        assertThat(state.outcome()).isEqualTo(Outcome.CONTENT);
    }

    @Test
    void dispositionsDoNotMoveTheDemand() {
        // rule 5: received 30 June, answered in August: still 2014-H1
        DemandState state = replay(received("DE", "a"), new ContentDisclosed(ID, LATER));
        assertThat(state.receivedAt()).isEqualTo(RECEIVED);
        assertThat(state.period()).isEqualTo(Period.parse("2014-H1"));
        assertThat(state.jurisdiction()).isEqualTo("DE");
        assertThat(state.accounts()).isEqualTo(values("a"));
    }

    @Test
    void correctionReplacesReceivedAtOnly() {
        Instant corrected = Instant.parse("2014-07-01T00:00:00Z");
        DemandState state = replay(received("DE", "a", "b"), new SubscriberDataDisclosed(ID, LATER),
                new DemandCorrected(ID, corrected, null, null, null, null));
        assertThat(state.receivedAt()).isEqualTo(corrected);
        assertThat(state.period()).isEqualTo(Period.parse("2014-H2"));
        assertThat(state.jurisdiction()).isEqualTo("DE");
        assertThat(state.accounts()).isEqualTo(values("a", "b"));
        assertThat(state.subscriber()).isTrue();
        assertThat(state.outcome()).isEqualTo(Outcome.SUBSCRIBER_ONLY);
        assertThat(state.demandId()).isEqualTo(ID);
    }

    @Test
    void correctionReplacesJurisdictionOnly() {
        DemandState state = replay(received("DE", "a"), new NoDataFound(ID, LATER),
                new DemandCorrected(ID, null, new Jurisdiction("AT"), null, null, null));
        assertThat(state.jurisdiction()).isEqualTo("AT");
        assertThat(state.receivedAt()).isEqualTo(RECEIVED);
        assertThat(state.accounts()).isEqualTo(values("a"));
        assertThat(state.outcome()).isEqualTo(Outcome.NO_DATA_FOUND);
    }

    @Test
    void correctionReplacesTheWholeAccountList() {
        DemandState state = replay(received("DE", "a", "b", "c"),
                new DemandCorrected(ID, null, null, null, null, accounts("d", "a")));
        assertThat(state.accounts()).isEqualTo(values("a", "d"));
        assertThat(state.jurisdiction()).isEqualTo("DE");
        assertThat(state.receivedAt()).isEqualTo(RECEIVED);
    }

    @Test
    void correctionToNoAccounts() {
        DemandState state = replay(received("DE", "a", "b"), new DemandCorrected(ID, null, null, null, null, List.of()));
        assertThat(state.accounts()).isEmpty();
    }

    @Test
    void correctionWithOnlyAgencyChangesNothingThatCounts() {
        DemandState before = replay(received("DE", "a", "b"), new ContentDisclosed(ID, LATER));
        DemandState after = DemandState.apply(before, new DemandCorrected(ID, null, null, "Other agency", null, null));
        assertThat(after).isEqualTo(before);
    }

    @Test
    void correctionOfLegalProcessMovesTheDemandIntoAndOutOfNationalSecurity() {
        DemandState subpoena = replay(received("US", "a"), new ContentDisclosed(ID, LATER));
        assertThat(subpoena.legalProcess()).isEqualTo(LegalProcess.SUBPOENA);
        assertThat(subpoena.nationalSecurity()).isFalse();
        DemandState letter = DemandState.apply(subpoena,
                new DemandCorrected(ID, null, null, null, LegalProcess.NATIONAL_SECURITY_LETTER, null));
        assertThat(letter.nationalSecurity()).isTrue();
        assertThat(letter.outcome()).isEqualTo(Outcome.CONTENT);
        DemandState warrant = DemandState.apply(letter, new DemandCorrected(ID, null, null, null, LegalProcess.SEARCH_WARRANT, null));
        assertThat(warrant.nationalSecurity()).isFalse();
        assertThat(warrant).isEqualTo(replay(new DemandReceived(ID, RECEIVED, new Jurisdiction("US"), "Agency",
                LegalProcess.SEARCH_WARRANT, accounts("a")), new ContentDisclosed(ID, LATER)));
    }

    @Test
    void correctionOfAllFieldsAtOnceCountsAsIfLoggedThatWay() {
        Instant corrected = Instant.parse("2013-12-31T23:59:59Z");
        DemandState corrected1 = replay(received("DE", "a"), new DemandRejected(ID, LATER, RejectionReason.OTHER),
                new DemandCorrected(ID, corrected, new Jurisdiction("US"), "X", LegalProcess.COURT_ORDER,
                        accounts("x", "y")));
        DemandState loggedThatWay = replay(
                new DemandReceived(ID, corrected, new Jurisdiction("US"), "X", LegalProcess.COURT_ORDER,
                        accounts("y", "x")),
                new DemandRejected(ID, LATER, RejectionReason.OTHER));
        assertThat(corrected1).isEqualTo(loggedThatWay);
        assertThat(corrected1.period()).isEqualTo(Period.parse("2013-H2"));
    }

    @Test
    void successiveCorrectionsApplyInOrder() {
        DemandState state = replay(received("DE", "a"),
                new DemandCorrected(ID, null, new Jurisdiction("FR"), null, null, null),
                new DemandCorrected(ID, null, new Jurisdiction("IT"), null, null, accounts("b")),
                new DemandCorrected(ID, null, null, null, null, null));
        assertThat(state.jurisdiction()).isEqualTo("IT");
        assertThat(state.accounts()).isEqualTo(values("b"));
    }

    @Test
    void duplicateAccountsInOneDemandCountOnce() {
        DemandState state = DemandState.apply(null, received("RU", "a", "b", "a", "c", "b"));
        assertThat(state.accounts()).hasSize(3).doesNotHaveDuplicates().isSorted();
        assertThat(state.accounts()).isEqualTo(values("a", "b", "c"));
        DemandState corrected = DemandState.apply(state,
                new DemandCorrected(ID, null, null, null, null, accounts("d", "d", "a")));
        assertThat(corrected.accounts()).hasSize(2).doesNotHaveDuplicates().isSorted();
    }

    @Test
    void accountsAreSortedWhateverTheOrderLogged() {
        DemandState one = DemandState.apply(null, received("RU", "a", "b", "c"));
        DemandState two = DemandState.apply(null, received("RU", "c", "a", "b"));
        assertThat(one.accounts()).isSorted().isEqualTo(two.accounts());
        assertThat(one).isEqualTo(two);
    }

    @Test
    void accountsListIsImmutable() {
        DemandState state = DemandState.apply(null, received("RU", "a"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> state.accounts().add("x"))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void eventsBeforeReceiptLeaveTheDemandUnreceived() {
        assertThat(DemandState.apply(null, new SubscriberDataDisclosed(ID, LATER))).isNull();
        assertThat(DemandState.apply(null, new ContentDisclosed(ID, LATER))).isNull();
        assertThat(DemandState.apply(null, new NoDataFound(ID, LATER))).isNull();
        assertThat(DemandState.apply(null, new DemandRejected(ID, LATER, RejectionReason.OVERBROAD))).isNull();
        assertThat(DemandState.apply(null,
                new DemandCorrected(ID, RECEIVED, new Jurisdiction("DE"), "A", LegalProcess.OTHER, accounts("a"))))
                .isNull();
    }

    @Test
    void unknownEventsChangeNothing() {
        DemandState state = DemandState.apply(null, received("DE", "a"));
        assertThat(DemandState.apply(state, "something else")).isSameAs(state);
        assertThat(DemandState.apply(null, "something else")).isNull();
    }
}
