package ledger.query.figures;

/**
 * The one column a demand counts in (counting rule 4), by precedence: content > subscriberOnly > noDataFound >
 * rejected > pending.
 */
public enum Outcome {
    CONTENT, SUBSCRIBER_ONLY, NO_DATA_FOUND, REJECTED, PENDING;

    public static Outcome of(boolean contentDisclosed, boolean subscriberDataDisclosed, boolean noDataFound, boolean rejected) {
        if (contentDisclosed) {
            return CONTENT;
        }
        if (subscriberDataDisclosed) {
            return SUBSCRIBER_ONLY;
        }
        if (noDataFound) {
            return NO_DATA_FOUND;
        }
        return rejected ? REJECTED : PENDING;
    }
}
