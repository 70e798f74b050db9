package ledger.query.audit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import ledger.query.figures.DemandState;
import ledger.query.figures.Period;
import ledger.query.figures.PeriodFigures;
import ledger.query.figures.Row;
import ledger.query.projection.FiguresStore;
import ledger.query.projection.ProjectionTarget;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * An audit (counting rule 14): the period's figures recomputed from the raw log up to the projection's
 * position, beside the projected ones; where they differ, the rows that differ, and the demands whose
 * projected document counts them otherwise than the log does.
 */
@RestController
class AuditController {

    private final ProjectionTarget figures;
    private final LogRecounter recounter;

    AuditController(ProjectionTarget figures, LogRecounter recounter) {
        this.figures = figures;
        this.recounter = recounter;
    }

    @GetMapping("/api/audits/{period}")
    Map<String, Object> audit(@PathVariable("period") String requested) {
        Period period = Periods.parse(requested);
        FiguresStore store = figures.store();
        FiguresStore.Snapshot projected = store.figures(period);
        Recount recount = recounter.upTo(projected.position());
        PeriodFigures recomputed = recount.figures(period);

        List<Map<String, Object>> differences = new ArrayList<>();
        Map<String, DemandState> inPeriod = new HashMap<>();
        recount.demands().forEach((id, d) -> {
            if (d.period().equals(period)) {
                inPeriod.put(id, d);
            }
        });
        // a generation built by a replay holds documents only for demands it folded one by one since
        Map<String, DemandState> projectedDemands = store.demands(inPeriod.keySet());
        for (String id : new TreeSet<>(projectedDemands.keySet())) {
            Map<String, Object> before = Changes.describe(projectedDemands.get(id));
            Map<String, Object> after = Changes.describe(inPeriod.get(id));
            if (!Objects.equals(before, after)) {
                Map<String, Object> difference = new LinkedHashMap<>();
                difference.put("demandId", id);
                difference.put("projected", before);
                difference.put("recomputed", after);
                differences.add(difference);
            }
        }
        List<Map<String, Object>> rowDifferences = new ArrayList<>();
        Map<String, Row> projectedRows = new HashMap<>();
        store.rows(period).stream().filter(r -> r.requests() > 0).forEach(r -> projectedRows.put(r.jurisdiction(), r));
        Map<String, Row> recomputedRows = new HashMap<>();
        recomputed.rows().forEach(r -> recomputedRows.put(r.jurisdiction(), r));
        for (String j : new TreeSet<>(union(projectedRows.keySet(), recomputedRows.keySet()))) {
            if (!Objects.equals(projectedRows.get(j), recomputedRows.get(j))) {
                Map<String, Object> difference = new LinkedHashMap<>();
                difference.put("jurisdiction", j);
                difference.put("projected", projectedRows.get(j));
                difference.put("recomputed", recomputedRows.get(j));
                rowDifferences.add(difference);
            }
        }
        String projectedDigest = projected.figures().digest();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("period", period.toString());
        answer.put("position", projected.position());
        answer.put("projectedDigest", projectedDigest);
        answer.put("recomputedDigest", recomputed.digest());
        answer.put("matches", projectedDigest.equals(recomputed.digest()) && differences.isEmpty() && rowDifferences.isEmpty());
        answer.put("differences", differences);
        answer.put("rowDifferences", rowDifferences);
        return answer;
    }

    private static java.util.Set<String> union(java.util.Set<String> a, java.util.Set<String> b) {
        java.util.Set<String> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return all;
    }
}
