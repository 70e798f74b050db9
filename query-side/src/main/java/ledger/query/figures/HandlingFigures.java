package ledger.query.figures;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * A period's handling table (counting rule 19) in canonical form: rows with demands in ascending order of
 * jurisdiction, then TOTAL, national-security demands in none (rule 16); rule 11's CSV, whose SHA-256 is the
 * digest. Both the projection and the audit end here.
 */
public record HandlingFigures(Period period, List<HandlingRow> rows, HandlingRow total, String csv, String digest) {

    public static final String COLUMNS = "requests,withDeadline,onTime,late,open,medianHoursToResponse,nonDisclosureOrders,"
            + "usersNotified,onTimePct,nonDisclosurePct";
    public static final String HEADER = "jurisdiction," + COLUMNS;

    public static HandlingFigures of(Period period, Collection<HandlingRow> rows) {
        List<HandlingRow> printed = rows.stream().filter(r -> r.requests() > 0).sorted(Comparator.comparing(HandlingRow::label)).toList();
        HandlingRow.Tally sum = new HandlingRow.Tally();
        printed.forEach(r -> sum.add(r, 1));
        HandlingRow total = sum.row("TOTAL");
        StringBuilder csv = new StringBuilder(HEADER).append('\n');
        printed.forEach(r -> line(csv, r));
        line(csv, total);
        String text = csv.toString();
        return new HandlingFigures(period, printed, total, text, CanonicalCsv.digest(text));
    }

    private static void line(StringBuilder csv, HandlingRow r) {
        Long median = r.medianHoursToResponse();
        csv.append(r.label()).append(',').append(r.requests()).append(',').append(r.withDeadline()).append(',').append(r.onTime())
                .append(',').append(r.late()).append(',').append(r.open()).append(',').append(median == null ? "" : median.toString())
                .append(',').append(r.nonDisclosureOrders()).append(',').append(r.usersNotified()).append(',')
                .append(CanonicalCsv.text(r.onTimePct())).append(',').append(CanonicalCsv.text(r.nonDisclosurePct())).append('\n');
    }
}
