package ledger.access;

import java.io.IOException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;

/**
 * Tomcat's report of an error no servlet answered, as a problem detail instead of its HTML page: a request Tomcat
 * refuses before any filter sees it (an encoded slash or backslash in the path, a malformed request line or
 * header), or a fault that escaped even the error path. Public, with a constructor of no arguments, as Tomcat's
 * host instantiates its error report valve by class name.
 */
public class ProblemReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        String detail;
        if (throwable != null && status >= 500) {
            detail = ProblemAnswer.internalErrorDetail(ProblemAnswer.logInternalError(request.getRequest(), throwable));
        } else if (status == 400) {
            // Tomcat does not say which: the path, the request line or a header (too large, say)
            detail = "the request was refused before it was read: its path holds an encoded slash (%2F) or backslash (%5C), "
                    + "or another character or sequence HTTP does not allow there, or its request line or a header is malformed "
                    + "or too large";
        } else {
            detail = ProblemAnswer.title(status);
        }
        try {
            response.resetBuffer(); // nothing was written (checked above); a header a servlet set may stay
            ProblemAnswer.write(response.getResponse(), status, ProblemAnswer.title(status), detail, null, null);
        } catch (IOException | IllegalStateException e) {
            // the client went away, or the response could not be written: nothing more to answer
        }
    }
}
