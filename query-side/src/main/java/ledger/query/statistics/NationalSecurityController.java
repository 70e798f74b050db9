package ledger.query.statistics;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import ledger.query.Problems;
import ledger.query.figures.NationalSecurityReport;
import ledger.query.figures.Period;
import ledger.query.projection.FiguresStore;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A period's national-security report (counting rules 16-17), in bands of 500, and only from 180 days after the
 * period's end ({@link NationalSecurityReport#availableFrom}) by the clock of this query side; before that a 409
 * saying from which date.
 */
@RestController
class NationalSecurityController {

    private final Answering answering;
    private final Clock clock;

    NationalSecurityController(Answering answering, Clock clock) {
        this.answering = answering;
        this.clock = clock;
    }

    @GetMapping({"/api/statistics/{period}/national-security", "/api/statistics/{period}/national-security.csv"})
    ResponseEntity<byte[]> report(@PathVariable("period") String requested,
                                  @RequestParam(name = "asOf", required = false) String asOf,
                                  jakarta.servlet.http.HttpServletRequest request) {
        Period period = Answering.period(requested);
        if (asOf != null) {
            Answering.position(asOf); // a malformed request is a 400 whatever the date
        }
        refuseBeforeAvailable(period, clock);
        FiguresStore.Snapshot snapshot = answering.counts(period, asOf);
        NationalSecurityReport report = snapshot.counts().nationalSecurity();
        return answering.table(request, period, snapshot.position(), report.csv(), report.digest(),
                body -> body.put("rows", report.lines().stream().map(line -> {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("kind", line.kind().name());
                    row.put("requests", line.requestsBand());
                    row.put("accounts", line.accountsBand());
                    return row;
                }).toList()));
    }

    /** A 409 with the date the report becomes available, until it is. */
    private static void refuseBeforeAvailable(Period period, Clock clock) {
        if (!NationalSecurityReport.availableAt(period, clock.instant())) {
            String from = NationalSecurityReport.availableFromDate(period).toString();
            ErrorResponseException refusal = Problems.refused(HttpStatus.CONFLICT, "Not yet available",
                    "the national-security report of " + period + " may be shown only from " + from
                            + ", 180 days after the period ended", "period");
            refusal.getBody().setProperty("availableFrom", from);
            throw refusal;
        }
    }
}
