package ledger.access;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/**
 * A problem detail written straight to the response, where no Spring MVC handler writes it (filters, the error path,
 * Tomcat's own refusals); and the one log line of an internal error.
 */
final class ProblemAnswer {

    static final String MEDIA_TYPE = "application/problem+json";
    private static final Logger LOG = LoggerFactory.getLogger("ledger.errors");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom IDS = new SecureRandom();

    private ProblemAnswer() {
    }

    static void write(HttpServletResponse response, int status, String title, String detail, String instance,
                      Map<String, ?> properties) throws IOException {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "about:blank");
        problem.put("title", title);
        problem.put("status", status);
        problem.put("detail", detail);
        if (instance != null) {
            problem.put("instance", instance);
        }
        if (properties != null) {
            problem.putAll(properties);
        }
        byte[] body = JSON.writeValueAsBytes(problem);
        response.setStatus(status);
        response.setContentType(MEDIA_TYPE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
        response.flushBuffer();
    }

    static void write(HttpServletResponse response, ProblemDetail problem) throws IOException {
        Map<String, Object> properties = problem.getProperties() == null ? Map.of() : problem.getProperties();
        write(response, problem.getStatus(), problem.getTitle() == null ? title(problem.getStatus()) : problem.getTitle(),
                problem.getDetail(), problem.getInstance() == null ? null : problem.getInstance().toString(), properties);
    }

    static String title(int status) {
        HttpStatus known = HttpStatus.resolve(status);
        return known == null ? "Error" : known.getReasonPhrase();
    }

    /**
     * Logs an internal error as one line under a fresh id and answers the id, for the 500's detail. The line names
     * the request, the exception's classes and where it was thrown, never a message: a message may quote what the
     * request carried (an account identifier, a token).
     */
    static String logInternalError(HttpServletRequest request, Throwable fault) {
        String id = HexFormat.of().formatHex(randomBytes());
        List<String> classes = new ArrayList<>();
        Throwable root = fault;
        for (Throwable t = fault; t != null && classes.size() < 8; t = t.getCause()) {
            classes.add(t.getClass().getName());
            root = t;
        }
        StringBuilder where = new StringBuilder();
        StackTraceElement[] frames = root == null ? new StackTraceElement[0] : root.getStackTrace();
        for (int i = 0; i < Math.min(6, frames.length); i++) {
            where.append(i == 0 ? "" : " < ").append(frames[i].getClassName()).append('.').append(frames[i].getMethodName())
                    .append(':').append(frames[i].getLineNumber());
        }
        Object forwarded = request == null ? null : request.getAttribute(jakarta.servlet.RequestDispatcher.ERROR_REQUEST_URI);
        LOG.error("internal error {}: {} {}: {} at {}", id, request == null ? "-" : request.getMethod(),
                request == null ? "-" : forwarded != null ? forwarded : request.getRequestURI(), String.join(" caused by ", classes), where);
        return id;
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[6];
        IDS.nextBytes(bytes);
        return bytes;
    }

    /** The detail of a 500: nothing of the fault itself, the id its log line has. */
    static String internalErrorDetail(String id) {
        return "internal error: the ledger's log has it under id " + id;
    }
}
