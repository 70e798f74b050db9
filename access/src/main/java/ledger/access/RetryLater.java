package ledger.access;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponse;
import org.springframework.web.ErrorResponseException;

/**
 * The answer to a request refused for a while (a store that takes no writes, a {@link KnownFault}): a problem with
 * its status, title and detail, a {@code reason} property naming the refusal, and a {@code Retry-After}.
 */
public final class RetryLater {

    private RetryLater() {
    }

    public static ErrorResponse answer(int status, String title, String detail, String reason, int retryAfterSeconds) {
        HttpStatusCode code = HttpStatusCode.valueOf(status);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(code, detail);
        problem.setTitle(title);
        problem.setProperty("reason", reason);
        ErrorResponseException answer = new ErrorResponseException(code, problem, null);
        answer.getHeaders().set(HttpHeaders.RETRY_AFTER, Integer.toString(retryAfterSeconds));
        return answer;
    }
}
