package ledger.query.figures;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import ledger.events.ContentDisclosed;
import ledger.events.DeadlineSet;
import ledger.events.DemandAssigned;
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
import ledger.query.audit.Recount;
import org.junit.jupiter.api.Test;

/** Counting rules 18 and 19 at their edges: the handling table as a recount of events prints it. */
class HandlingFiguresTest {

    private static final Period H1 = Period.parse("2025-H1");
    private static final Period H2 = Period.parse("2025-H2");
    private static final Instant T = Instant.parse("2025-08-01T09:00:00Z");
    private static final String HEADER = "jurisdiction,requests,withDeadline,onTime,late,open,medianHoursToResponse,"
            + "nonDisclosureOrders,usersNotified,onTimePct,nonDisclosurePct\n";

    private final Recount recount = new Recount();
    private final List<String> ids = new ArrayList<>();

    private String receive(String jurisdiction, Instant receivedAt, Instant dueAt) {
        return receive(jurisdiction, LegalProcess.SUBPOENA, receivedAt, dueAt);
    }

    private String receive(String jurisdiction, LegalProcess process, Instant receivedAt, Instant dueAt) {
        String id = "d" + ids.size();
        ids.add(id);
        recount.apply(id, new DemandReceived(id, receivedAt, new Jurisdiction(jurisdiction), "agency", process, List.of(), dueAt));
        return id;
    }

    private void apply(String id, Object event) {
        recount.apply(id, event);
    }

    private HandlingFigures table(Period period) {
        return recount.counts(period).byHandling();
    }

    private String line(Period period, String label) {
        String csv = table(period).csv();
        for (String line : csv.split("\n")) {
            if (line.startsWith(label + ",")) {
                return line;
            }
        }
        throw new AssertionError("no row " + label + " in\n" + csv);
    }

    @Test
    void aFirstResponseExactlyAtTheDueDateIsOnTimeASecondAfterIsLate() {
        String onTime = receive("US", T, T.plusSeconds(3600));
        apply(onTime, new SubscriberDataDisclosed(onTime, T.plusSeconds(3600)));
        String late = receive("US", T, T.plusSeconds(3600));
        apply(late, new NoDataFound(late, T.plusSeconds(3601)));
        String open = receive("US", T, T.plusSeconds(3600));
        String none = receive("US", T, null);
        apply(none, new DemandRejected(none, T.plusSeconds(7200), RejectionReason.OVERBROAD));

        assertThat(table(H2).csv()).isEqualTo(HEADER
                + "US,4,3,1,1,1,1,0,0,33.33,0.00\n"
                + "TOTAL,4,3,1,1,1,1,0,0,33.33,0.00\n");
        assertThat(open).isNotNull();
    }

    @Test
    void hoursAreWholeHoursRoundedDown() {
        String a = receive("DE", T, null);
        apply(a, new ContentDisclosed(a, T.plusSeconds(3599))); // 59m59s
        assertThat(line(H2, "DE")).isEqualTo("DE,1,0,0,0,0,0,0,0,,0.00");
        String b = receive("FR", T, null);
        apply(b, new ContentDisclosed(b, T.plusSeconds(3600))); // exactly an hour
        assertThat(line(H2, "FR")).isEqualTo("FR,1,0,0,0,0,1,0,0,,0.00");
        String c = receive("GB", T, null);
        apply(c, new ContentDisclosed(c, T.plusSeconds(2 * 3600 - 1).plusNanos(999_999_999))); // a nanosecond short of 2 hours
        assertThat(line(H2, "GB")).isEqualTo("GB,1,0,0,0,0,1,0,0,,0.00");
    }

    @Test
    void theFirstResponseIsTheEarliestDispositionWhateverOrderTheyWereLoggedIn() {
        String id = receive("US", T, T.plusSeconds(10 * 3600));
        apply(id, new ContentDisclosed(id, T.plusSeconds(20 * 3600)));      // after the due date
        apply(id, new SubscriberDataDisclosed(id, T.plusSeconds(5 * 3600))); // logged later, occurred earlier
        apply(id, new SubscriberDataDisclosed(id, T.plusSeconds(30 * 3600)));
        assertThat(line(H2, "US")).isEqualTo("US,1,1,1,0,0,5,0,0,100.00,0.00");
    }

    @Test
    void theMedianIsTheLowerOneOfAnEvenCount() {
        for (int hours : new int[] {4, 1, 3, 2}) {
            String id = receive("US", T, null);
            apply(id, new NoDataFound(id, T.plusSeconds(hours * 3600L)));
        }
        assertThat(line(H2, "US")).isEqualTo("US,4,0,0,0,0,2,0,0,,0.00"); // (1,2,3,4): index (4-1)//2 = 1
        String fifth = receive("US", T, null);
        apply(fifth, new NoDataFound(fifth, T.plusSeconds(100 * 3600L)));
        assertThat(line(H2, "US")).isEqualTo("US,5,0,0,0,0,3,0,0,,0.00");
    }

    @Test
    void theTotalsMedianIsOverAllTheDemandsNeverAMedianOfMedians() {
        for (int i = 0; i < 3; i++) {
            String id = receive("BR", T, null);
            apply(id, new NoDataFound(id, T));
        }
        String de = receive("DE", T, null);
        apply(de, new NoDataFound(de, T.plusSeconds(10 * 3600L)));
        String fr = receive("FR", T, null);
        apply(fr, new NoDataFound(fr, T.plusSeconds(20 * 3600L)));
        // the rows' medians are 0, 10 and 20 (their median 10); the period's five responses 0,0,0,10,20
        assertThat(table(H2).csv()).isEqualTo(HEADER
                + "BR,3,0,0,0,0,0,0,0,,0.00\n"
                + "DE,1,0,0,0,0,10,0,0,,0.00\n"
                + "FR,1,0,0,0,0,20,0,0,,0.00\n"
                + "TOTAL,5,0,0,0,0,0,0,0,,0.00\n");
    }

    @Test
    void noResponseLeavesTheMedianEmptyAndNoDenominatorLeavesAPercentageEmpty() {
        receive("JP", T, null);
        assertThat(table(H2).csv()).isEqualTo(HEADER
                + "JP,1,0,0,0,0,,0,0,,0.00\n"
                + "TOTAL,1,0,0,0,0,,0,0,,0.00\n");
        assertThat(table(H1).csv()).as("a period without demands").isEqualTo(HEADER + "TOTAL,0,0,0,0,0,,0,0,,\n");
        HandlingRow total = table(H1).total();
        assertThat(total.medianHoursToResponse()).isNull();
        assertThat(total.onTimePct()).isNull();
        assertThat(total.nonDisclosurePct()).isNull();
    }

    @Test
    void percentagesAreRoundedHalfUpFromTheRowsOwnCounts() {
        for (int i = 0; i < 3; i++) {
            String id = receive("IN", T, T.plusSeconds(3600));
            apply(id, new SubscriberDataDisclosed(id, T.plusSeconds(i == 2 ? 7200 : 60)));
        }
        String ordered = ids.get(0);
        apply(ordered, new NonDisclosureOrderRecorded(ordered, T, null));
        String other = receive("US", T, T.plusSeconds(3600));
        apply(other, new NonDisclosureOrderRecorded(other, T, null));
        for (int i = 0; i < 7; i++) {
            receive("US", T, null);
        }
        assertThat(line(H2, "IN")).isEqualTo("IN,3,3,2,1,0,0,1,0,66.67,33.33");
        assertThat(line(H2, "US")).isEqualTo("US,8,1,0,0,1,,1,0,0.00,12.50");
        // TOTAL: 2 of 4 due dates kept, 2 orders of 11 demands; never the rows' percentages added
        assertThat(line(H2, "TOTAL")).isEqualTo("TOTAL,11,4,2,1,1,0,2,0,50.00,18.18");
    }

    @Test
    void aCorrectedReceiptChangesTheHoursAndMovesTheDemand() {
        String id = receive("US", Instant.parse("2025-06-30T12:00:00Z"), Instant.parse("2025-07-01T12:00:00Z"));
        apply(id, new SubscriberDataDisclosed(id, Instant.parse("2025-07-01T12:00:00Z")));
        assertThat(line(H1, "US")).isEqualTo("US,1,1,1,0,0,24,0,0,100.00,0.00");
        assertThat(table(H2).rows()).isEmpty();

        apply(id, new DemandCorrected(id, Instant.parse("2025-07-01T00:00:00.5Z"), new Jurisdiction("GB"), null, null, null));
        assertThat(table(H1).csv()).isEqualTo(HEADER + "TOTAL,0,0,0,0,0,,0,0,,\n");
        assertThat(line(H2, "GB")).as("11h59m59.5s").isEqualTo("GB,1,1,1,0,0,11,0,0,100.00,0.00");
    }

    @Test
    void nationalSecurityDemandsAreLeftOutAndComeInWhenCorrectedOutOfIt() {
        String letter = receive("US", LegalProcess.NATIONAL_SECURITY_LETTER, T, T.plusSeconds(3600));
        apply(letter, new SubscriberDataDisclosed(letter, T.plusSeconds(60)));
        apply(letter, new NonDisclosureOrderRecorded(letter, T, null));
        String fisa = receive("US", LegalProcess.FISA_ORDER, T, T.plusSeconds(3600));
        String ordinary = receive("US", LegalProcess.COURT_ORDER, T, null);
        assertThat(table(H2).csv()).isEqualTo(HEADER
                + "US,1,0,0,0,0,,0,0,,0.00\n"
                + "TOTAL,1,0,0,0,0,,0,0,,0.00\n");

        apply(letter, new DemandCorrected(letter, null, null, null, LegalProcess.SUBPOENA, null));
        apply(ordinary, new DemandCorrected(ordinary, null, null, null, LegalProcess.FISA_ORDER, null));
        assertThat(table(H2).csv()).isEqualTo(HEADER
                + "US,1,1,1,0,0,0,1,0,100.00,100.00\n"
                + "TOTAL,1,1,1,0,0,0,1,0,100.00,100.00\n");
        assertThat(fisa).isNotNull();
    }

    @Test
    void anOrderReplacedCountsOnceAndANoticeOnce() {
        String id = receive("US", T, null);
        apply(id, new SubscriberDataDisclosed(id, T.plusSeconds(60)));
        apply(id, new NonDisclosureOrderRecorded(id, T, T.plusSeconds(3600)));
        apply(id, new NonDisclosureOrderRecorded(id, T.plusSeconds(60), null));
        apply(id, new NonDisclosureOrderRecorded(id, T.plusSeconds(120), T.plusSeconds(240)));
        apply(id, new UserNotified(id, T.plusSeconds(300)));
        apply(id, new DemandAssigned(id, "alice"));
        assertThat(line(H2, "US")).isEqualTo("US,1,0,0,0,0,0,1,1,,100.00");
    }

    @Test
    void theLatestDeadlineRulesEvenWhenMovedAfterTheResponseOrEarlierThanTheReceipts() {
        String id = receive("US", T, T.plusSeconds(10 * 3600));
        apply(id, new SubscriberDataDisclosed(id, T.plusSeconds(5 * 3600)));
        assertThat(line(H2, "US")).startsWith("US,1,1,1,0,0,");
        apply(id, new DeadlineSet(id, T.plusSeconds(5 * 3600 - 1))); // moved after the response, to a second before it
        assertThat(line(H2, "US")).startsWith("US,1,1,0,1,0,");
        apply(id, new DeadlineSet(id, T.plusSeconds(5 * 3600)));
        assertThat(line(H2, "US")).startsWith("US,1,1,1,0,0,");

        String given = receive("GB", T, null);
        apply(given, new DeadlineSet(given, T.plusSeconds(3600)));
        assertThat(line(H2, "GB")).isEqualTo("GB,1,1,0,0,1,,0,0,0.00,0.00");
        apply(given, new NoDataFound(given, T.plusSeconds(7200)));
        assertThat(line(H2, "GB")).isEqualTo("GB,1,1,0,1,0,2,0,0,0.00,0.00");
    }

    @Test
    void theRowsMedianFromItsHourCountsAddsUpAcrossRows() {
        HandlingRow a = new HandlingRow("A", 3, 0, 0, 0, 0, 0, 0, new java.util.TreeMap<>(java.util.Map.of(0L, 3L)));
        HandlingRow b = new HandlingRow("B", 2, 0, 0, 0, 0, 0, 0, new java.util.TreeMap<>(java.util.Map.of(10L, 1L, 20L, 1L)));
        HandlingRow total = new HandlingRow.Tally().add(a, 1).add(b, 1).row("TOTAL"); // as HandlingFigures adds its TOTAL
        assertThat(total.hours()).containsExactly(java.util.Map.entry(0L, 3L), java.util.Map.entry(10L, 1L), java.util.Map.entry(20L, 1L));
        assertThat(total.medianHoursToResponse()).isZero();
        assertThat(b.medianHoursToResponse()).isEqualTo(10L);
        assertThat(new HandlingRow.Tally().add(b, 1).add(b, -1).isZero()).isTrue();
    }
}
