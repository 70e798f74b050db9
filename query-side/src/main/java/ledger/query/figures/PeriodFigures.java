package ledger.query.figures;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * A period's figures in canonical form (counting rules 6, 10 and 11): rows with demands in ascending order of
 * jurisdiction, then TOTAL; the CSV's SHA-256 is the digest. Both the projection and the audit end here, so
 * two figures agree exactly when their digests do.
 */
public record PeriodFigures(Period period, List<Row> rows, Row total, String csv, String digest) {

    public static final String HEADER = "jurisdiction," + CanonicalCsv.COLUMNS;

    public static PeriodFigures of(Period period, Collection<Row> rows) {
        List<Row> printed = rows.stream().filter(r -> r.requests() > 0)
                .sorted(Comparator.comparing(Row::label)).toList();
        Row total = CanonicalCsv.total(printed);
        String text = CanonicalCsv.table("jurisdiction", printed, total);
        return new PeriodFigures(period, printed, total, text, digest(text));
    }

    public static String digest(String csv) {
        return CanonicalCsv.digest(csv);
    }
}
