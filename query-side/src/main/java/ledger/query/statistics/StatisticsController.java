package ledger.query.statistics;

import java.util.LinkedHashMap;
import java.util.Map;
import ledger.query.Problems;
import ledger.query.audit.LogRecounter;
import ledger.query.audit.Periods;
import ledger.query.figures.Period;
import ledger.query.figures.PeriodFigures;
import ledger.query.figures.Row;
import ledger.query.projection.FiguresStore;
import ledger.query.projection.ProjectionTarget;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** Period figures as projected: JSON with position and digest, or the canonical CSV (api.md). */
@RestController
class StatisticsController {

    private static final MediaType CSV = MediaType.parseMediaType("text/csv;charset=UTF-8");

    private final ProjectionTarget figures;
    private final LogRecounter recounter;

    StatisticsController(ProjectionTarget figures, LogRecounter recounter) {
        this.figures = figures;
        this.recounter = recounter;
    }

    /**
     * The projected figures, or with {@code asOf} the figures of exactly the events at or before that log
     * position (counting rule 12), recounted from the log.
     */
    @GetMapping("/api/statistics/{period}")
    ResponseEntity<?> statistics(@PathVariable("period") String requested,
                                 @RequestParam(name = "asOf", required = false) String asOf) {
        boolean csv = requested.endsWith(".csv");
        Period period = Periods.parse(csv ? requested.substring(0, requested.length() - 4) : requested);
        FiguresStore.Snapshot snapshot;
        if (asOf == null) {
            snapshot = recent(period);
        } else {
            long position = position(asOf);
            long reached = Math.min(position, recounter.head());
            snapshot = new FiguresStore.Snapshot(reached, recounter.upTo(reached).figures(period));
        }
        PeriodFigures f = snapshot.figures();
        if (csv) {
            return ResponseEntity.ok().contentType(CSV).header("X-Log-Position", Long.toString(snapshot.position()))
                    .header("ETag", "\"" + f.digest() + "\"").body(f.csv());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("period", period.toString());
        body.put("position", snapshot.position());
        body.put("digest", f.digest());
        body.put("rows", f.rows().stream().map(StatisticsController::json).toList());
        body.put("total", json(f.total()));
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(body);
    }

    /**
     * Many clients asking for the same period within 50 ms share one read: the figures may lag the projection
     * by that much, never more, and their position says which events they include.
     */
    private FiguresStore.Snapshot recent(Period period) {
        long now = System.nanoTime();
        Recent cached = recent.get(period);
        if (cached != null && now - cached.readAt() < 50_000_000L) {
            return cached.snapshot();
        }
        FiguresStore.Snapshot snapshot = figures.store().figures(period);
        recent.put(period, new Recent(snapshot, now));
        return snapshot;
    }

    private record Recent(FiguresStore.Snapshot snapshot, long readAt) {
    }

    private final java.util.Map<Period, Recent> recent = new java.util.concurrent.ConcurrentHashMap<>();

    private static long position(String text) {
        try {
            long position = Long.parseLong(text);
            if (position >= 0) {
                return position;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw Problems.refused(HttpStatus.BAD_REQUEST, "Invalid asOf",
                "asOf '" + text + "' is not a log position (a whole number, 0 or more)", "asOf");
    }

    static Map<String, Object> json(Row row) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("jurisdiction", row.jurisdiction());
        m.put("requests", row.requests());
        m.put("accounts", row.accounts());
        m.put("content", row.content());
        m.put("subscriberOnly", row.subscriberOnly());
        m.put("noDataFound", row.noDataFound());
        m.put("rejected", row.rejected());
        m.put("pending", row.pending());
        m.put("contentPct", row.contentPct());
        m.put("subscriberOnlyPct", row.subscriberOnlyPct());
        m.put("noDataFoundPct", row.noDataFoundPct());
        m.put("rejectedPct", row.rejectedPct());
        return m;
    }


}
