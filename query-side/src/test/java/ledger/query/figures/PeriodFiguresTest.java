package ledger.query.figures;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Counting rules 6, 8, 10 and 11: the canonical CSV and its digest. */
class PeriodFiguresTest {

    private static final String HEADER = "jurisdiction,requests,accounts,content,subscriberOnly,noDataFound,rejected,"
            + "pending,contentPct,subscriberOnlyPct,noDataFoundPct,rejectedPct";

    private static final Period H1 = Period.parse("2014-H1");

    private static String sha256(String text) throws Exception {
        byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        StringBuilder hex = new StringBuilder();
        for (byte b : hash) {
            hex.append(String.format("%02x", b & 0xff));
        }
        return "sha256:" + hex;
    }

    @Test
    void headerIsExactlyAsInRule11() {
        assertThat(PeriodFigures.HEADER).isEqualTo(HEADER);
        assertThat(PeriodFigures.of(H1, List.of()).csv()).startsWith(HEADER + "\n");
    }

    @Test
    void emptyPeriodIsHeaderAndAnEmptyTotal() throws Exception {
        PeriodFigures figures = PeriodFigures.of(H1, List.of());
        assertThat(figures.csv()).isEqualTo(HEADER + "\nTOTAL,0,0,0,0,0,0,0,,,,\n");
        assertThat(figures.rows()).isEmpty();
        assertThat(figures.total()).isEqualTo(Row.empty("TOTAL"));
        assertThat(figures.period()).isEqualTo(H1);
        assertThat(figures.digest()).isEqualTo(sha256(figures.csv()));
    }

    @Test
    void rowsWithoutRequestsAreNotPrinted() {
        PeriodFigures figures = PeriodFigures.of(H1, List.of(Row.empty("FR"), new Row("DE", 1, 1, 1, 0, 0, 0, 0)));
        assertThat(figures.csv()).isEqualTo(HEADER + "\n"
                + "DE,1,1,1,0,0,0,0,100.00,0.00,0.00,0.00\n"
                + "TOTAL,1,1,1,0,0,0,0,100.00,0.00,0.00,0.00\n");
        assertThat(figures.rows()).extracting(Row::label).containsExactly("DE");
        assertThat(figures.csv()).doesNotContain("FR");
    }

    @Test
    void onlyEmptyRowsGiveTheEmptyPeriod() {
        PeriodFigures figures = PeriodFigures.of(H1, List.of(Row.empty("FR"), Row.empty("US")));
        assertThat(figures.csv()).isEqualTo(HEADER + "\nTOTAL,0,0,0,0,0,0,0,,,,\n");
        assertThat(figures.digest()).isEqualTo(PeriodFigures.of(H1, List.of()).digest());
    }

    @Test
    void rowsAreSortedByJurisdictionCodeWhateverTheInputOrder() {
        List<Row> rows = List.of(
                new Row("US", 2, 2, 0, 2, 0, 0, 0),
                new Row("AT", 1, 1, 0, 0, 1, 0, 0),
                new Row("GB", 1, 0, 0, 0, 0, 1, 0),
                new Row("DE", 1, 1, 1, 0, 0, 0, 0));
        PeriodFigures figures = PeriodFigures.of(H1, rows);
        assertThat(figures.rows()).extracting(Row::label).containsExactly("AT", "DE", "GB", "US");
        assertThat(figures.csv().lines().map(l -> l.substring(0, l.indexOf(','))).toList())
                .containsExactly("jurisdiction", "AT", "DE", "GB", "US", "TOTAL");
        List<Row> backwards = new java.util.ArrayList<>(rows);
        java.util.Collections.reverse(backwards);
        PeriodFigures reversed = PeriodFigures.of(H1, backwards);
        assertThat(reversed.csv()).isEqualTo(figures.csv());
        assertThat(reversed.digest()).isEqualTo(figures.digest());
    }

    @Test
    void totalSumsCountsAndAccountsOfRows() {
        PeriodFigures figures = PeriodFigures.of(H1, List.of(
                new Row("RU", 4, 3, 0, 2, 1, 1, 0),
                new Row("BR", 5, 7, 1, 1, 1, 1, 1)));
        assertThat(figures.total()).isEqualTo(new Row("TOTAL", 9, 10, 1, 3, 2, 2, 1));
        assertThat(figures.csv()).endsWith("TOTAL,9,10,1,3,2,2,1,11.11,33.33,22.22,22.22\n");
    }

    @Test
    void totalPercentagesComeFromTotalCountsNotFromRowPercentages() {
        // Row A: 1 of 1 content (100.00), row B: 0 of 3 content (0.00): total content 1/4 = 25.00.
        PeriodFigures figures = PeriodFigures.of(H1, List.of(
                new Row("AA", 1, 1, 1, 0, 0, 0, 0),
                new Row("BB", 3, 3, 0, 3, 0, 0, 0)));
        assertThat(figures.csv()).isEqualTo(HEADER + "\n"
                + "AA,1,1,1,0,0,0,0,100.00,0.00,0.00,0.00\n"
                + "BB,3,3,0,3,0,0,0,0.00,100.00,0.00,0.00\n"
                + "TOTAL,4,4,1,3,0,0,0,25.00,75.00,0.00,0.00\n");
    }

    @Test
    void totalPercentagesAreRoundedFromTotalCountsNotSummedRoundedRowPercentages() {
        // 1/3 (33.33) and 1/6 (16.67): total 2/9 = 22.22, not the sum 50.00 nor the mean 25.00.
        PeriodFigures figures = PeriodFigures.of(H1, List.of(
                new Row("DE", 3, 0, 1, 0, 0, 0, 2),
                new Row("FR", 6, 0, 1, 0, 0, 0, 5)));
        assertThat(figures.csv()).isEqualTo(HEADER + "\n"
                + "DE,3,0,1,0,0,0,2,33.33,0.00,0.00,0.00\n"
                + "FR,6,0,1,0,0,0,5,16.67,0.00,0.00,0.00\n"
                + "TOTAL,9,0,2,0,0,0,7,22.22,0.00,0.00,0.00\n");
        // rounding matters: 1/800 + 1/800 per row = 0.13 + 0.13 = 0.26, but total 2/1600 = 0.125 -> 0.13
        PeriodFigures rounding = PeriodFigures.of(H1, List.of(
                new Row("DE", 800, 0, 1, 0, 0, 0, 799),
                new Row("FR", 800, 0, 1, 0, 0, 0, 799)));
        assertThat(rounding.csv()).endsWith("TOTAL,1600,0,2,0,0,0,1598,0.13,0.00,0.00,0.00\n");
    }

    @Test
    void microsoftTotalRowOf2014H1() {
        PeriodFigures figures = PeriodFigures.of(H1, List.of(new Row("US", 34494, 58562, 903, 25916, 5638, 2037, 0)));
        assertThat(figures.csv()).endsWith("\nTOTAL,34494,58562,903,25916,5638,2037,0,2.62,75.13,16.34,5.91\n");
        assertThat(figures.csv()).contains("\nUS,34494,58562,903,25916,5638,2037,0,2.62,75.13,16.34,5.91\n");
    }

    @Test
    void microsoftTotalRowFromSplitRows() {
        // the same totals split over two rows: counts and accounts add, percentages from the sums
        PeriodFigures figures = PeriodFigures.of(H1, List.of(
                new Row("GB", 4494, 8562, 3, 916, 3538, 1037, 0),
                new Row("DE", 30000, 50000, 900, 25000, 2100, 1000, 0)));
        assertThat(figures.total()).isEqualTo(new Row("TOTAL", 34494, 58562, 903, 25916, 5638, 2037, 0));
        assertThat(figures.csv()).endsWith("\nTOTAL,34494,58562,903,25916,5638,2037,0,2.62,75.13,16.34,5.91\n");
    }

    @Test
    void csvFormat() {
        PeriodFigures figures = PeriodFigures.of(H1, List.of(
                new Row("US", 2, 2, 0, 2, 0, 0, 0),
                new Row("DE", 1, 1, 1, 0, 0, 0, 0)));
        String csv = figures.csv();
        assertThat(csv).endsWith("\n").doesNotEndWith("\n\n").doesNotContain("\r").doesNotContain(" ")
                .doesNotContain("\"");
        String[] lines = csv.split("\n", -1);
        assertThat(lines).hasSize(5); // header, DE, US, TOTAL, "" after the final newline
        assertThat(lines[4]).isEmpty();
        for (int i = 0; i < 4; i++) {
            assertThat(lines[i].split(",", -1)).hasSize(12);
        }
    }

    @Test
    void digestIsSha256OfTheCsvBytes() throws Exception {
        PeriodFigures figures = PeriodFigures.of(H1, List.of(
                new Row("RU", 4, 3, 0, 2, 1, 1, 0),
                new Row("US", 34494, 58562, 903, 25916, 5638, 2037, 0)));
        assertThat(figures.digest()).isEqualTo(sha256(figures.csv()));
        assertThat(figures.digest()).matches("sha256:[0-9a-f]{64}");
        assertThat(PeriodFigures.digest(figures.csv())).isEqualTo(figures.digest());
        String viaHexFormat = "sha256:" + HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(figures.csv().getBytes(StandardCharsets.UTF_8)));
        assertThat(figures.digest()).isEqualTo(viaHexFormat);
    }

    @Test
    void digestOfEmptyPeriodIsAFixedValue() throws Exception {
        String csv = HEADER + "\nTOTAL,0,0,0,0,0,0,0,,,,\n";
        assertThat(PeriodFigures.of(H1, List.of()).digest()).isEqualTo(sha256(csv));
        // the period itself is not part of the canonical form
        assertThat(PeriodFigures.of(Period.parse("2013-H2"), List.of()).digest()).isEqualTo(sha256(csv));
    }

    @Test
    void differentFiguresGiveDifferentDigests() {
        PeriodFigures a = PeriodFigures.of(H1, List.of(new Row("DE", 1, 1, 1, 0, 0, 0, 0)));
        PeriodFigures b = PeriodFigures.of(H1, List.of(new Row("DE", 1, 2, 1, 0, 0, 0, 0)));
        assertThat(a.digest()).isNotEqualTo(b.digest());
    }
}
