package ledger.query.statistics;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import ledger.query.figures.Period;
import ledger.query.figures.PeriodFigures;
import ledger.query.figures.Row;
import ledger.query.projection.FiguresStore;
import ledger.query.projection.Generations;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Period figures as projected: JSON with position and digest, or the canonical CSV (api.md). */
@RestController
class StatisticsController {

    private final Generations figures;
    private final Answering answering;
    private final ObjectMapper mapper;
    private final Map<Period, Answers> recent = new ConcurrentHashMap<>();
    private final Map<Period, AtomicBoolean> refreshing = new ConcurrentHashMap<>();

    StatisticsController(Generations figures, Answering answering, ObjectMapper mapper) {
        this.figures = figures;
        this.answering = answering;
        this.mapper = mapper;
    }

    /**
     * The projected figures, or with {@code asOf} the figures of exactly the events at or before that log
     * position (counting rule 12), recounted from the log.
     */
    @GetMapping("/api/statistics/{period}")
    ResponseEntity<byte[]> statistics(@PathVariable("period") String requested,
                                      @RequestParam(name = "asOf", required = false) String asOf) {
        Period period = Answering.period(requested);
        Answers answers;
        if (asOf == null) {
            answers = recent(period);
        } else {
            FiguresStore.Snapshot recounted = answering.counts(period, asOf);
            answers = new Answers(period, recounted.position(), recounted.figures(), 0);
        }
        if (Answering.csv(requested)) {
            return Answering.csv(answers.csv(), answers.position, answers.digest());
        }
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(answers.json(mapper));
    }

    /**
     * Many clients asking for the same period within 50 ms share one read, and one rendering of it; while one of
     * them reads again, the others answer the figures read before. The position of an answer always says exactly
     * which events its figures include.
     */
    private Answers recent(Period period) {
        long now = System.nanoTime();
        Answers cached = recent.get(period);
        if (cached != null && now - cached.readAt < 50_000_000L) {
            return cached;
        }
        AtomicBoolean reading = refreshing.computeIfAbsent(period, p -> new AtomicBoolean());
        if (cached != null && !reading.compareAndSet(false, true)) {
            // one reader refreshes; the others answer the figures just read, with the position they include
            return cached;
        }
        try {
            return refresh(period, cached, now);
        } finally {
            if (cached != null) {
                reading.set(false);
            }
        }
    }

    private Answers refresh(Period period, Answers cached, long now) {
        FiguresStore.Snapshot snapshot = figures.served().snapshot(period);
        PeriodFigures read = snapshot.figures();
        Answers fresh = cached != null && cached.position == snapshot.position() && cached.figures.digest().equals(read.digest())
                ? cached.readAgainAt(now) : new Answers(period, snapshot.position(), read, now);
        recent.put(period, fresh);
        return fresh;
    }

    /** The answers of a period's figures at a position, each rendered once, when first asked for. */
    private static final class Answers {
        final Period period;
        final long position;
        final PeriodFigures figures;
        final long readAt;
        private volatile byte[] json;
        private volatile byte[] csv;

        Answers(Period period, long position, PeriodFigures figures, long readAt) {
            this.period = period;
            this.position = position;
            this.figures = figures;
            this.readAt = readAt;
        }

        Answers readAgainAt(long now) {
            Answers again = new Answers(period, position, figures, now);
            again.json = json;
            again.csv = csv;
            return again;
        }

        String digest() {
            return figures.digest();
        }

        byte[] csv() {
            byte[] c = csv;
            if (c == null) {
                c = figures.csv().getBytes(StandardCharsets.UTF_8);
                csv = c;
            }
            return c;
        }

        byte[] json(ObjectMapper mapper) {
            byte[] j = json;
            if (j == null) {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("period", period.toString());
                body.put("position", position);
                body.put("digest", digest());
                body.put("rows", figures.rows().stream().map(row -> StatisticsController.json("jurisdiction", row)).toList());
                body.put("total", StatisticsController.json("jurisdiction", figures.total()));
                j = Answering.bytes(mapper, body);
                json = j;
            }
            return j;
        }
    }

    /** A row as JSON, its label under the table's first column ({@code jurisdiction}, {@code legalProcess}). */
    static Map<String, Object> json(String column, Row row) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(column, row.label());
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
