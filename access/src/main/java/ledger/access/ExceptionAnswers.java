package ledger.access;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;
import org.springframework.beans.TypeMismatchException;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Spring MVC's own refusals, with details that say what is accepted and name the field at fault, and never
 * quote the request (a parser's message may quote the body); in place of Boot's problem-details handler.
 */
@RestControllerAdvice
final class ExceptionAnswers extends ResponseEntityExceptionHandler {

    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
                                                             HttpStatusCode status, WebRequest request) {
        HttpServletRequest http = ((ServletWebRequest) request).getRequest();
        ErrorAnswers.BodyLimit.TooLarge tooLarge = ErrorAnswers.BodyLimit.tooLarge(ex);
        if (tooLarge != null) {
            ProblemDetail problem = ErrorAnswers.BodyLimit.problem(tooLarge.limit);
            return super.handleExceptionInternal(ex, problem, headers, HttpStatus.PAYLOAD_TOO_LARGE, request);
        }
        if (body == null && ex instanceof ErrorResponse answer) {
            body = answer.updateAndGetBody(getMessageSource(), LocaleContextHolder.getLocale());
        }
        if (body instanceof ProblemDetail problem && !(ex instanceof ErrorResponseException)) {
            refine(ex, problem, http);
            if (status.is5xxServerError()) {
                problem.setDetail(ProblemAnswer.internalErrorDetail(ProblemAnswer.logInternalError(http, ex)));
            }
        }
        return super.handleExceptionInternal(ex, body, headers, status, request);
    }

    private void refine(Exception ex, ProblemDetail problem, HttpServletRequest request) {
        String path = request.getRequestURI();
        if (ex instanceof HttpRequestMethodNotSupportedException e) {
            Collection<HttpMethod> allowed = e.getSupportedHttpMethods() == null ? List.of() : e.getSupportedHttpMethods();
            problem.setDetail(ErrorAnswers.notAllowed(e.getMethod(), path,
                    allowed.stream().map(HttpMethod::name).sorted().collect(Collectors.joining(", "))));
            problem.setProperty("field", "method");
        } else if (ex instanceof HttpMediaTypeNotSupportedException e) {
            problem.setDetail("the body must be " + types(e.getSupportedMediaTypes()) + " (the Content-Type header), not "
                    + (e.getContentType() == null ? "a body of no stated type" : e.getContentType().toString()));
            problem.setProperty("field", "Content-Type");
        } else if (ex instanceof HttpMediaTypeNotAcceptableException e) {
            problem.setDetail("this answer is " + types(e.getSupportedMediaTypes()) + "; the Accept header admits none of these");
            problem.setProperty("field", "Accept");
        } else if (ex instanceof NoResourceFoundException || ex instanceof NoHandlerFoundException) {
            problem.setDetail(ErrorAnswers.nothingAt(path));
            problem.setProperty("field", "path");
        } else if (ex instanceof HttpMessageNotReadableException e) {
            unreadable(e, problem);
        } else if (ex instanceof MissingServletRequestParameterException e) {
            problem.setDetail("the query parameter " + e.getParameterName() + " is required");
            problem.setProperty("field", e.getParameterName());
        } else if (ex instanceof MissingRequestHeaderException e) {
            problem.setDetail("the header " + e.getHeaderName() + " is required");
            problem.setProperty("field", e.getHeaderName());
        } else if (ex instanceof TypeMismatchException e) {
            String name = e instanceof MethodArgumentTypeMismatchException m ? m.getName() : e.getPropertyName();
            Class<?> type = e.getRequiredType();
            problem.setDetail(name + " must be " + (type == null ? "of another form" : "a " + type.getSimpleName()));
            problem.setProperty("field", name);
        }
    }

    private static void unreadable(HttpMessageNotReadableException e, ProblemDetail problem) {
        Throwable cause = e.getCause();
        problem.setProperty("field", "body");
        if (cause instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            String field = mapping.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining("."));
            problem.setDetail(field + " is not of the expected form");
            problem.setProperty("field", field);
        } else if (cause instanceof JsonProcessingException json) {
            JsonLocation at = json.getLocation();
            problem.setDetail("the body is not valid JSON" + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        } else if (cause == null && String.valueOf(e.getMessage()).startsWith("Required request body is missing")) {
            problem.setDetail("the request has no body; a JSON object is expected");
        } else {
            problem.setDetail("the body could not be read as JSON");
        }
    }

    private static String types(List<MediaType> types) {
        return types.isEmpty() ? "of no type this resource takes"
                : types.stream().map(MediaType::toString).collect(Collectors.joining(" or "));
    }
}
