package ledger.command.demand;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A demand's own path, the {@code Location} of its receipt: on the command side no method is allowed on it (405 with
 * an empty {@code Allow}), as commands go to its sub-resources and the demand is read on the query side. A handler
 * of a method here (the query side's GET, say) takes precedence over this one.
 */
@RestController
@io.swagger.v3.oas.annotations.Hidden // no operation of the API: what answers a request for none
class DemandLocation {

    /** Every command path below a demand, from the one vocabulary of command kinds. */
    private static final String SUB_RESOURCES = java.util.Arrays.stream(CommandKind.values())
            .filter(kind -> kind != CommandKind.RECEIVE).map(CommandKind::path).collect(java.util.stream.Collectors.joining(", "));

    @RequestMapping("/api/demands/{id}")
    ResponseEntity<ProblemDetail> noMethodHere(@PathVariable("id") String id, jakarta.servlet.http.HttpServletRequest request) {
        ProblemDetail problem = CommandErrors.problem(HttpStatus.METHOD_NOT_ALLOWED, "Method Not Allowed", request.getMethod()
                + " is not allowed on /api/demands/{id} on the command side, nor is any other method: commands are POSTed to the "
                + "demand's sub-resources (" + SUB_RESOURCES + "), and the demand is read with GET /api/demands/{id} on the query side",
                "method");
        return ResponseEntity.status(HttpStatus.METHOD_NOT_ALLOWED).header(HttpHeaders.ALLOW, "")
                .contentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }
}
