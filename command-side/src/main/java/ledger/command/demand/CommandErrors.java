package ledger.command.demand;

import org.axonframework.modelling.command.AggregateNotFoundException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Refusals as RFC 9457 problem details that name the field at fault. */
@RestControllerAdvice
class CommandErrors {

    @ExceptionHandler(DemandRefused.InvalidField.class)
    ProblemDetail invalidField(DemandRefused.InvalidField e) {
        return problem(HttpStatus.BAD_REQUEST, "Invalid request", e.getMessage(), e.field());
    }

    @ExceptionHandler(DemandRefused.Conflict.class)
    ProblemDetail conflict(DemandRefused.Conflict e) {
        return problem(HttpStatus.CONFLICT, "Refused by the demand's lifecycle", e.getMessage(), e.field());
    }

    @ExceptionHandler(AggregateNotFoundException.class)
    ProblemDetail unknown(AggregateNotFoundException e) {
        return problem(HttpStatus.NOT_FOUND, "Unknown demand",
                "no demand with id " + e.getAggregateIdentifier() + " was ever received", "id");
    }

    @ExceptionHandler(CommandSender.IdempotencyKeyReused.class)
    ProblemDetail keyReused(CommandSender.IdempotencyKeyReused e) {
        return problem(HttpStatus.UNPROCESSABLE_ENTITY, "Idempotency-Key reused", e.getMessage(), "Idempotency-Key");
    }

    static ProblemDetail problem(HttpStatus status, String title, String detail, String field) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        problem.setProperty("field", field);
        return problem;
    }
}
