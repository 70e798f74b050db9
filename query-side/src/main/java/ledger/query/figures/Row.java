package ledger.query.figures;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * One row of a period's figures (counting rules 4, 8 and 10): the counts of one jurisdiction, or the TOTAL.
 * Percentages are derived from the counts, never stored.
 */
public record Row(String jurisdiction, long requests, long accounts, long content, long subscriberOnly,
                  long noDataFound, long rejected, long pending) {

    public static Row empty(String jurisdiction) {
        return new Row(jurisdiction, 0, 0, 0, 0, 0, 0, 0);
    }

    public long count(Outcome outcome) {
        return switch (outcome) {
            case CONTENT -> content;
            case SUBSCRIBER_ONLY -> subscriberOnly;
            case NO_DATA_FOUND -> noDataFound;
            case REJECTED -> rejected;
            case PENDING -> pending;
        };
    }

    /** This row with {@code delta} more demands in {@code outcome} and {@code accountsDelta} more distinct accounts. */
    public Row plus(Outcome outcome, long delta, long accountsDelta) {
        return new Row(jurisdiction, requests + delta, accounts + accountsDelta,
                content + (outcome == Outcome.CONTENT ? delta : 0),
                subscriberOnly + (outcome == Outcome.SUBSCRIBER_ONLY ? delta : 0),
                noDataFound + (outcome == Outcome.NO_DATA_FOUND ? delta : 0),
                rejected + (outcome == Outcome.REJECTED ? delta : 0),
                pending + (outcome == Outcome.PENDING ? delta : 0));
    }

    /** Adds the counts of another row; the TOTAL's accounts are the sum of the rows' (rule 8). */
    public Row add(Row other) {
        return new Row(jurisdiction, requests + other.requests, accounts + other.accounts, content + other.content,
                subscriberOnly + other.subscriberOnly, noDataFound + other.noDataFound, rejected + other.rejected,
                pending + other.pending);
    }

    public BigDecimal contentPct() {
        return percent(content);
    }

    public BigDecimal subscriberOnlyPct() {
        return percent(subscriberOnly);
    }

    public BigDecimal noDataFoundPct() {
        return percent(noDataFound);
    }

    public BigDecimal rejectedPct() {
        return percent(rejected);
    }

    /** {@code 100 * count / requests}, from integers, rounded half up to two decimals; none without requests. */
    BigDecimal percent(long count) {
        if (requests == 0) {
            return null;
        }
        return BigDecimal.valueOf(100L * count).divide(BigDecimal.valueOf(requests), 2, RoundingMode.HALF_UP);
    }
}
