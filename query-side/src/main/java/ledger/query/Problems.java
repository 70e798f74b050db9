package ledger.query;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** A refusal as an RFC 9457 problem detail that names the field at fault (api.md). */
public final class Problems {

    private Problems() {
    }

    /**
     * The served figures were projected by an earlier build, without the tables by legal process or the handling
     * table, and are being rebuilt from the log: a 503 to ask again in a moment.
     */
    public static ErrorResponseException figuresBeingRebuilt() {
        ErrorResponseException e = refused(HttpStatus.SERVICE_UNAVAILABLE, "Figures being rebuilt",
                "the figures were projected by an earlier build, without the tables by legal process or the handling table, "
                        + "and are being rebuilt "
                        + "from the log; ask again in a moment", "period");
        e.getHeaders().set("Retry-After", "1");
        return e;
    }

    public static ErrorResponseException refused(HttpStatus status, String title, String detail, String field) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        problem.setProperty("field", field);
        return new ErrorResponseException(status, problem, null);
    }
}
