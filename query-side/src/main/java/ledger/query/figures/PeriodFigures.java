package ledger.query.figures;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * A period's figures in canonical form (counting rules 6, 10 and 11): rows with demands in ascending order of
 * jurisdiction, then TOTAL; the CSV's SHA-256 is the digest. Both the projection and the audit end here, so
 * two figures agree exactly when their digests do.
 */
public record PeriodFigures(Period period, List<Row> rows, Row total, String csv, String digest) {

    public static final String HEADER = "jurisdiction,requests,accounts,content,subscriberOnly,noDataFound,rejected,"
            + "pending,contentPct,subscriberOnlyPct,noDataFoundPct,rejectedPct";

    public static PeriodFigures of(Period period, Collection<Row> rows) {
        List<Row> printed = rows.stream().filter(r -> r.requests() > 0)
                .sorted(Comparator.comparing(Row::jurisdiction)).toList();
        Row total = Row.empty("TOTAL");
        for (Row row : printed) {
            total = total.add(row);
        }
        StringBuilder csv = new StringBuilder(HEADER).append('\n');
        for (Row row : printed) {
            line(csv, row);
        }
        line(csv, total);
        String text = csv.toString();
        return new PeriodFigures(period, printed, total, text, digest(text));
    }

    private static void line(StringBuilder csv, Row row) {
        csv.append(row.jurisdiction()).append(',').append(row.requests()).append(',').append(row.accounts()).append(',')
                .append(row.content()).append(',').append(row.subscriberOnly()).append(',').append(row.noDataFound())
                .append(',').append(row.rejected()).append(',').append(row.pending()).append(',')
                .append(text(row.contentPct())).append(',').append(text(row.subscriberOnlyPct())).append(',')
                .append(text(row.noDataFoundPct())).append(',').append(text(row.rejectedPct())).append('\n');
    }

    private static String text(BigDecimal percent) {
        return percent == null ? "" : percent.toPlainString();
    }

    public static String digest(String csv) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(csv.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
