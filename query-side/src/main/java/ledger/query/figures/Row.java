package ledger.query.figures;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * One row of a table of figures (counting rules 4, 8, 10 and 15): the counts of one jurisdiction or one legal
 * process, or the TOTAL, named by its label (the CSV's first column). Percentages are derived from the counts,
 * never stored.
 */
public record Row(String label, long requests, long accounts, long content, long subscriberOnly,
                  long noDataFound, long rejected, long pending) {

    public static Row empty(String label) {
        return new Row(label, 0, 0, 0, 0, 0, 0, 0);
    }

    /** The same counts under another label. */
    public Row labelled(String label) {
        return new Row(label, requests, accounts, content, subscriberOnly, noDataFound, rejected, pending);
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
        return new Row(label, requests + delta, accounts + accountsDelta,
                content + (outcome == Outcome.CONTENT ? delta : 0),
                subscriberOnly + (outcome == Outcome.SUBSCRIBER_ONLY ? delta : 0),
                noDataFound + (outcome == Outcome.NO_DATA_FOUND ? delta : 0),
                rejected + (outcome == Outcome.REJECTED ? delta : 0),
                pending + (outcome == Outcome.PENDING ? delta : 0));
    }

    /** Adds the counts of another row; the TOTAL's accounts are the sum of the rows' (rule 8). */
    public Row add(Row other) {
        return new Row(label, requests + other.requests, accounts + other.accounts, content + other.content,
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
