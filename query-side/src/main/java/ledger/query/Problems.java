package ledger.query;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** A refusal as an RFC 9457 problem detail that names the field at fault (api.md). */
public final class Problems {

    private Problems() {
    }

    public static ErrorResponseException refused(HttpStatus status, String title, String detail, String field) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        problem.setProperty("field", field);
        return new ErrorResponseException(status, problem, null);
    }
}
