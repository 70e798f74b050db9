package ledger.query.figures;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Counting rules 4, 8 and 10: a row's counts and percentages. */
class RowTest {

    /** A row with {@code requests} requests of which {@code content} in content, the rest pending. */
    private static Row contentRow(long requests, long content) {
        return new Row("DE", requests, 0, content, 0, 0, 0, requests - content);
    }

    @ParameterizedTest(name = "{1}/{0} -> {2}")
    @CsvSource({
            "3,   1,   33.33",
            "3,   2,   66.67",
            "8,   1,   12.50",
            "200, 1,   0.50",
            "400, 1,   0.25",
            "800, 1,   0.13",
            "800, 3,   0.38",
            "1,   0,   0.00",
            "1,   1,   100.00",
            "7,   7,   100.00",
            "6,   1,   16.67",
            "16,  1,   6.25",
            "32,  1,   3.13",
            "34494, 903, 2.62",
            "34494, 25916, 75.13",
            "34494, 5638, 16.34",
            "34494, 2037, 5.91",
    })
    void percentRoundsHalfUpToExactlyTwoDecimals(long requests, long count, String expected) {
        BigDecimal pct = contentRow(requests, count).contentPct();
        assertThat(pct.toPlainString()).isEqualTo(expected);
        assertThat(pct.scale()).isEqualTo(2);
        assertThat(pct).isEqualTo(new BigDecimal(expected)); // equals() checks scale too
    }

    @Test
    void exactHalfRoundsUp() {
        // 1/800 = 0.125% exactly, half up -> 0.13 (half-even would give 0.12)
        assertThat(contentRow(800, 1).contentPct().toPlainString()).isEqualTo("0.13");
        // 5/800 = 0.625% -> 0.63 (half-even would give 0.62)
        assertThat(contentRow(800, 5).contentPct().toPlainString()).isEqualTo("0.63");
        // 1/8 = 12.5% exactly is printed 12.50
        assertThat(contentRow(8, 1).contentPct().toPlainString()).isEqualTo("12.50");
    }

    @Test
    void noPercentagesWithoutRequests() {
        Row empty = Row.empty("TOTAL");
        assertThat(empty.contentPct()).isNull();
        assertThat(empty.subscriberOnlyPct()).isNull();
        assertThat(empty.noDataFoundPct()).isNull();
        assertThat(empty.rejectedPct()).isNull();
    }

    @Test
    void eachPercentageUsesItsOwnColumn() {
        Row row = new Row("US", 8, 5, 1, 2, 3, 1, 1);
        assertThat(row.contentPct().toPlainString()).isEqualTo("12.50");
        assertThat(row.subscriberOnlyPct().toPlainString()).isEqualTo("25.00");
        assertThat(row.noDataFoundPct().toPlainString()).isEqualTo("37.50");
        assertThat(row.rejectedPct().toPlainString()).isEqualTo("12.50");
    }

    @Test
    void zeroCountIsZeroPointZeroZero() {
        Row row = new Row("US", 5, 0, 0, 0, 0, 0, 5);
        assertThat(row.contentPct().toPlainString()).isEqualTo("0.00");
        assertThat(row.rejectedPct().toPlainString()).isEqualTo("0.00");
    }

    @Test
    void emptyRowHasZeroCounts() {
        assertThat(Row.empty("FR")).isEqualTo(new Row("FR", 0, 0, 0, 0, 0, 0, 0));
    }

    @Test
    void plusCountsInExactlyOneColumn() {
        Row row = Row.empty("FR");
        for (Outcome outcome : Outcome.values()) {
            row = row.plus(outcome, 1, 2);
        }
        assertThat(row).isEqualTo(new Row("FR", 5, 10, 1, 1, 1, 1, 1));
        for (Outcome outcome : Outcome.values()) {
            assertThat(row.count(outcome)).isEqualTo(1);
        }
        Row moved = row.plus(Outcome.PENDING, -1, 0).plus(Outcome.CONTENT, 1, 0);
        assertThat(moved).isEqualTo(new Row("FR", 5, 10, 2, 1, 1, 1, 0));
        assertThat(moved.requests()).isEqualTo(moved.content() + moved.subscriberOnly() + moved.noDataFound()
                + moved.rejected() + moved.pending());
    }

    @Test
    void addSumsEveryCountAndKeepsItsJurisdiction() {
        Row total = Row.empty("TOTAL").add(new Row("DE", 4, 3, 1, 1, 1, 1, 0)).add(new Row("FR", 2, 2, 0, 0, 0, 0, 2));
        assertThat(total).isEqualTo(new Row("TOTAL", 6, 5, 1, 1, 1, 1, 2));
    }
}
