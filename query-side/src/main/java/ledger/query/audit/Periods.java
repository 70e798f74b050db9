package ledger.query.audit;

import ledger.query.Problems;
import ledger.query.figures.Period;
import org.springframework.http.HttpStatus;

/** A period from a path: a 400 naming the field when it is not YYYY-H1 or YYYY-H2. */
public final class Periods {

    private Periods() {
    }

    public static Period parse(String text) {
        try {
            return Period.parse(text);
        } catch (IllegalArgumentException e) {
            throw Problems.refused(HttpStatus.BAD_REQUEST, "Invalid period", e.getMessage(), "period");
        }
    }

}
