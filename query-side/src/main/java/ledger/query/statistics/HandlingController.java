package ledger.query.statistics;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import ledger.query.audit.LogRecounter;
import ledger.query.figures.HandlingFigures;
import ledger.query.figures.HandlingRow;
import ledger.query.figures.Period;
import ledger.query.projection.FiguresStore;
import ledger.query.projection.Generations;
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

    private final Generations figures;
    private final LogRecounter recounter;
    private final ObjectMapper mapper;

    HandlingController(Generations figures, LogRecounter recounter, ObjectMapper mapper) {
        this.figures = figures;
        this.recounter = recounter;
        this.mapper = mapper;
    }

    @GetMapping({"/api/statistics/{period}/handling", "/api/statistics/{period}/handling.csv"})
    ResponseEntity<byte[]> table(@PathVariable("period") String requested,
                                 @RequestParam(name = "asOf", required = false) String asOf,
                                 jakarta.servlet.http.HttpServletRequest request) {
        Period period = Answering.period(requested);
        FiguresStore.Snapshot snapshot = Answering.counts(figures, recounter, period, asOf);
        HandlingFigures table = snapshot.counts().byHandling();
        if (Answering.csv(request.getRequestURI())) {
            return Answering.csv(table.csv(), snapshot.position(), table.digest());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("period", period.toString());
        body.put("position", snapshot.position());
        body.put("digest", table.digest());
        body.put("rows", table.rows().stream().map(HandlingController::json).toList());
        body.put("total", json(table.total()));
        return Answering.json(mapper, body);
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
