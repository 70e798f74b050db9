package ledger.query.audit;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import ledger.events.LegalProcess;
import ledger.query.Problems;
import ledger.query.figures.DemandState;
import ledger.query.figures.HandlingRow;
import ledger.query.figures.NationalSecurityReport;
import ledger.query.figures.Period;
import ledger.query.figures.PeriodCounts;
import ledger.query.figures.Row;
import ledger.query.projection.FiguresStore;
import ledger.query.projection.Generations;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * An audit (counting rule 14): the period's figures recomputed from the raw log up to the projection's
 * position, beside the projected ones, for every table of the period; where they differ, the rows that differ
 * (each row of each table, exact counts), and the demands whose projected document counts them otherwise than
 * the log does. Before the national-security report may be shown, its digests and exact counts are left out:
 * the audit says only whether they agree.
 */
@RestController
class AuditController {

    private final Generations figures;
    private final LogRecounter recounter;
    private final Clock clock;

    AuditController(Generations figures, LogRecounter recounter, Clock clock) {
        this.figures = figures;
        this.recounter = recounter;
        this.clock = clock;
    }

    @GetMapping("/api/audits/{period}")
    Map<String, Object> audit(@PathVariable("period") String requested) {
        Period period = Periods.parse(requested);
        FiguresStore store = figures.served();
        FiguresStore.Snapshot projected = store.snapshot(period);
        if (!projected.byLegalProcess()) {
            throw Problems.figuresBeingRebuilt();
        }
        Recount recount = recounter.upTo(projected.position());
        PeriodCounts recomputed = recount.counts(period);
        boolean nationalSecurityShown = NationalSecurityReport.availableAt(period, clock.instant());

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

        PeriodCounts rows = store.rows(period);
        List<Map<String, Object>> rowDifferences = new ArrayList<>();
        for (String j : new TreeSet<>(union(rows.jurisdictions().keySet(), recomputed.jurisdictions().keySet()))) {
            compare(rowDifferences, j, null, rows.jurisdictions().get(j), recomputed.jurisdictions().get(j), true);
        }
        for (String j : new TreeSet<>(union(rows.processesByJurisdiction().keySet(), recomputed.processesByJurisdiction().keySet()))) {
            Map<LegalProcess, Row> mine = rows.processesByJurisdiction().getOrDefault(j, Map.of());
            Map<LegalProcess, Row> theirs = recomputed.processesByJurisdiction().getOrDefault(j, Map.of());
            for (LegalProcess process : LegalProcess.values()) {
                compare(rowDifferences, j, process, mine.get(process), theirs.get(process), true);
            }
        }
        for (LegalProcess process : LegalProcess.values()) {
            compare(rowDifferences, null, process, rows.processes().get(process), recomputed.processes().get(process),
                    !process.nationalSecurity() || nationalSecurityShown);
        }
        for (String j : new TreeSet<>(union(rows.handling().keySet(), recomputed.handling().keySet()))) {
            HandlingRow mine = rows.handling().get(j);
            HandlingRow theirs = recomputed.handling().get(j);
            if (!Objects.equals(mine, theirs)) {
                Map<String, Object> difference = new LinkedHashMap<>();
                difference.put("table", "handling");
                difference.put("jurisdiction", j);
                difference.put("projected", mine);
                difference.put("recomputed", theirs);
                rowDifferences.add(difference);
            }
        }

        Map<String, Object> tables = new LinkedHashMap<>();
        tables.put("legal-process", table(projected.counts().byLegalProcess().digest(), recomputed.byLegalProcess().digest(), true, period));
        tables.put("handling", table(projected.counts().byHandling().digest(), recomputed.byHandling().digest(), true, period));
        tables.put("national-security", table(projected.counts().nationalSecurity().digest(), recomputed.nationalSecurity().digest(),
                nationalSecurityShown, period));
        String projectedDigest = projected.figures().digest();
        String recomputedDigest = recomputed.byJurisdiction().digest();
        boolean tablesMatch = tables.values().stream().allMatch(t -> Boolean.TRUE.equals(((Map<?, ?>) t).get("matches")));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("period", period.toString());
        answer.put("position", projected.position());
        answer.put("projectedDigest", projectedDigest);
        answer.put("recomputedDigest", recomputedDigest);
        answer.put("matches", projectedDigest.equals(recomputedDigest) && tablesMatch && differences.isEmpty() && rowDifferences.isEmpty());
        answer.put("tables", tables);
        answer.put("differences", differences);
        answer.put("rowDifferences", rowDifferences);
        return answer;
    }

    /** A row (of a jurisdiction, of its legal process, or of a legal process across jurisdictions) that differs. */
    private static void compare(List<Map<String, Object>> differences, String jurisdiction, LegalProcess process,
                                Row projected, Row recomputed, boolean shown) {
        // a row left without demands is kept with nothing in it; the recount has no such row
        Row mine = projected == null || projected.equals(Row.empty(projected.label())) ? null : projected;
        Row theirs = recomputed;
        if (Objects.equals(mine, theirs)) {
            return;
        }
        Map<String, Object> difference = new LinkedHashMap<>();
        if (jurisdiction != null) {
            difference.put("jurisdiction", jurisdiction);
        }
        if (process != null) {
            difference.put("legalProcess", process.name());
        }
        if (shown) {
            difference.put("projected", mine);
            difference.put("recomputed", theirs);
        }
        differences.add(difference);
    }

    private static Map<String, Object> table(String projected, String recomputed, boolean shown, Period period) {
        Map<String, Object> table = new LinkedHashMap<>();
        if (shown) {
            table.put("projectedDigest", projected);
            table.put("recomputedDigest", recomputed);
        } else {
            table.put("availableFrom", NationalSecurityReport.availableFromDate(period).toString());
        }
        table.put("matches", projected.equals(recomputed));
        return table;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new HashSet<>(a);
        all.addAll(b);
        return all;
    }
}
