package ledger.access;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.web.servlet.error.ErrorController;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.RequestMapping;

/**
 * The error path, instead of Boot's: what a filter or the container sent as an error (or an exception that
 * escaped a filter), as a problem detail whatever the request's Accept header says.
 */
@Controller
final class ErrorPath implements ErrorController {
    private final ObjectProvider<KnownFault> faults;

    ErrorPath(ObjectProvider<KnownFault> faults) {
        this.faults = faults;
    }

    @RequestMapping("${server.error.path:${error.path:/error}}")
    void error(HttpServletRequest request, HttpServletResponse response) throws IOException {
        // only ever an error dispatch, which sets the status: no access rule names the error path, so no request reaches it
        int status = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE) instanceof Integer code ? code : 500;
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        String path = uri == null ? request.getRequestURI() : uri.toString();
        if (response.isCommitted()) {
            return;
        }
        response.resetBuffer();
        Throwable fault = (Throwable) request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
        if (fault != null) {
            ErrorAnswers.LastResort.answer(request, response, fault, faults, path);
            return;
        }
        String detail = switch (status) {
            case 400 -> "the request is malformed";
            case 404 -> ErrorAnswers.nothingAt(path);
            case 405 -> request.getMethod() + " is not allowed at " + path;
            case 413 -> "the body is larger than this side accepts";
            default -> ProblemAnswer.title(status);
        };
        if (status >= 500) {
            detail = ProblemAnswer.internalErrorDetail(ProblemAnswer.logInternalError(request, new IllegalStateException("error " + status)));
        }
        ProblemAnswer.write(response, status, ProblemAnswer.title(status), detail, path, null);
    }
}
