package ledger.query.statistics;

import java.util.LinkedHashMap;
import java.util.Map;
import ledger.query.figures.HandlingFigures;
import ledger.query.figures.HandlingRow;
import ledger.query.figures.Period;
import ledger.query.projection.FiguresStore;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A period's handling table (counting rules 18-19, tracking.md): JSON with position and digest, rows keyed by the
 * CSV's column names, or the canonical CSV; as projected, or with {@code asOf} recounted from the log.
 */
@RestController
class HandlingController {

    private final Answering answering;

    HandlingController(Answering answering) {
        this.answering = answering;
    }

    @GetMapping({"/api/statistics/{period}/handling", "/api/statistics/{period}/handling.csv"})
    ResponseEntity<byte[]> table(@PathVariable("period") String requested,
                                 @RequestParam(name = "asOf", required = false) String asOf,
                                 jakarta.servlet.http.HttpServletRequest request) {
        Period period = Answering.period(requested);
        FiguresStore.Snapshot snapshot = answering.counts(period, asOf);
        HandlingFigures table = snapshot.counts().byHandling();
        return answering.table(request, period, snapshot.position(), table.csv(), table.digest(), body -> {
            body.put("rows", table.rows().stream().map(HandlingController::json).toList());
            body.put("total", json(table.total()));
        });
    }

    /** A row as JSON, under the CSV's column names: the median and the percentages null where the CSV leaves them empty. */
    static Map<String, Object> json(HandlingRow row) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("jurisdiction", row.label());
        m.put("requests", row.requests());
        m.put("withDeadline", row.withDeadline());
        m.put("onTime", row.onTime());
        m.put("late", row.late());
        m.put("open", row.open());
        m.put("medianHoursToResponse", row.medianHoursToResponse());
        m.put("nonDisclosureOrders", row.nonDisclosureOrders());
        m.put("usersNotified", row.usersNotified());
        m.put("onTimePct", row.onTimePct());
        m.put("nonDisclosurePct", row.nonDisclosurePct());
        return m;
    }
}
