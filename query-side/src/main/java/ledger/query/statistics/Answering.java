package ledger.query.statistics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import ledger.query.Problems;
import ledger.query.audit.LogRecounter;
import ledger.query.audit.Periods;
import ledger.query.figures.Period;
import ledger.query.projection.FiguresStore;
import ledger.query.projection.Generations;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

/** What the tables' endpoints share: the period of a path, the counts as projected or as of a position, the answer. */
@Component
final class Answering {

    static final MediaType CSV = MediaType.parseMediaType("text/csv;charset=UTF-8");

    private final Generations figures;
    private final LogRecounter recounter;
    private final ObjectMapper mapper;

    Answering(Generations figures, LogRecounter recounter, ObjectMapper mapper) {
        this.figures = figures;
        this.recounter = recounter;
        this.mapper = mapper;
    }

    /** The period of {@code 2014-H1} or {@code 2014-H1.csv}. */
    static Period period(String requested) {
        return Periods.parse(csv(requested) ? requested.substring(0, requested.length() - 4) : requested);
    }

    static boolean csv(String requested) {
        return requested.endsWith(".csv");
    }

    /** A log position from {@code asOf}: a 400 naming the field when it is not one. */
    static long position(String text) {
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

    /**
     * The projected counts of a period, or with {@code asOf} those of exactly the events at or before that
     * position (counting rule 12), recounted from the log.
     */
    FiguresStore.Snapshot counts(Period period, String asOf) {
        if (asOf != null) {
            long reached = Math.min(position(asOf), recounter.head());
            return new FiguresStore.Snapshot(reached, recounter.upTo(reached).counts(period), true);
        }
        FiguresStore.Snapshot snapshot = figures.served().snapshot(period);
        if (!snapshot.byLegalProcess()) {
            throw Problems.figuresBeingRebuilt();
        }
        return snapshot;
    }

    /**
     * A table's answer: its canonical CSV when the path ends in {@code .csv}, else JSON of the period, the position
     * and the digest followed by what {@code fields} adds (its rows, its total).
     */
    ResponseEntity<byte[]> table(HttpServletRequest request, Period period, long position, String csv, String digest,
                                 Consumer<Map<String, Object>> fields) {
        if (csv(request.getRequestURI())) {
            return csv(csv.getBytes(StandardCharsets.UTF_8), position, digest);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("period", period.toString());
        body.put("position", position);
        body.put("digest", digest);
        fields.accept(body);
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(bytes(mapper, body));
    }

    /** An answer's JSON body (a map of plain values, which always serializes). */
    static byte[] bytes(ObjectMapper mapper, Map<String, Object> body) {
        try {
            return mapper.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static ResponseEntity<byte[]> csv(byte[] csv, long position, String digest) {
        return ResponseEntity.ok().contentType(CSV).header("X-Log-Position", Long.toString(position))
                .header("ETag", "\"" + digest + "\"").body(csv);
    }
}
