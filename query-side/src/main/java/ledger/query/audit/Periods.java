package ledger.query.audit;

import ledger.query.figures.Period;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

/** A period from a path: a 400 naming the field when it is not YYYY-H1 or YYYY-H2. */
public final class Periods {

    private Periods() {
    }

    public static Period parse(String text) {
        try {
            return Period.parse(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidPeriod(e.getMessage());
        }
    }

    /** Answered as a 400 problem detail naming the field {@code period}. */
    public static final class InvalidPeriod extends ResponseStatusException {
        public InvalidPeriod(String message) {
            super(HttpStatus.BAD_REQUEST, message);
            getBody().setTitle("Invalid period");
            getBody().setProperty("field", "period");
        }
    }

}
