package ledger.query.figures;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Counting rule 11's form, shared by every table: a header, one line per row, the TOTAL line; commas, no
 * quoting, {@code \n} line ends, a final newline. Its SHA-256 is the table's digest.
 */
final class CanonicalCsv {

    /** The columns after a table's first one (jurisdiction, legal process). */
    static final String COLUMNS = "requests,accounts,content,subscriberOnly,noDataFound,rejected,"
            + "pending,contentPct,subscriberOnlyPct,noDataFoundPct,rejectedPct";

    private CanonicalCsv() {
    }

    static String table(String firstColumn, List<Row> rows, Row total) {
        StringBuilder csv = new StringBuilder(firstColumn).append(',').append(COLUMNS).append('\n');
        for (Row row : rows) {
            line(csv, row);
        }
        line(csv, total);
        return csv.toString();
    }

    private static void line(StringBuilder csv, Row row) {
        csv.append(row.label()).append(',').append(row.requests()).append(',').append(row.accounts()).append(',')
                .append(row.content()).append(',').append(row.subscriberOnly()).append(',').append(row.noDataFound())
                .append(',').append(row.rejected()).append(',').append(row.pending()).append(',')
                .append(text(row.contentPct())).append(',').append(text(row.subscriberOnlyPct())).append(',')
                .append(text(row.noDataFoundPct())).append(',').append(text(row.rejectedPct())).append('\n');
    }

    /** A percentage as the CSVs print it: two decimals, empty where there is none. */
    static String text(BigDecimal percent) {
        return percent == null ? "" : percent.toPlainString();
    }

    /** The TOTAL of the printed rows; its accounts are the sum of theirs (rules 8 and 15). */
    static Row total(List<Row> rows) {
        Row total = Row.empty("TOTAL");
        for (Row row : rows) {
            total = total.add(row);
        }
        return total;
    }

    static String digest(String csv) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(csv.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
