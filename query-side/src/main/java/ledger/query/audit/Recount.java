package ledger.query.audit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import ledger.query.figures.DemandState;
import ledger.query.figures.Outcome;
import ledger.query.figures.Period;
import ledger.query.figures.PeriodFigures;
import ledger.query.figures.Row;

/**
 * The figures recomputed from the raw events, folded in memory: shares nothing with the projection but the
 * counting rules (DemandState, Period, Outcome, Row, PeriodFigures). Each demand's events must be given in
 * sequence order; across demands the order does not matter.
 */
public final class Recount {

    private final Map<String, DemandState> demands = new HashMap<>();

    public void apply(String demandId, Object event) {
        DemandState next = DemandState.apply(demands.get(demandId), event);
        if (next == null) {
            demands.remove(demandId);
        } else {
            demands.put(demandId, next);
        }
    }

    /** An independent copy (demand states are immutable, so the map is all there is to copy). */
    public Recount copy() {
        Recount copy = new Recount();
        copy.demands.putAll(demands);
        return copy;
    }

    public Map<String, DemandState> demands() {
        return demands;
    }

    public PeriodFigures figures(Period period) {
        Map<String, long[]> counts = new TreeMap<>();
        Map<String, Set<String>> accounts = new HashMap<>();
        for (DemandState d : demands.values()) {
            if (!d.period().equals(period)) {
                continue;
            }
            long[] c = counts.computeIfAbsent(d.jurisdiction(), j -> new long[Outcome.values().length]);
            c[d.outcome().ordinal()]++;
            accounts.computeIfAbsent(d.jurisdiction(), j -> new HashSet<>()).addAll(d.accounts());
        }
        List<Row> rows = new ArrayList<>();
        counts.forEach((jurisdiction, c) -> {
            Row row = Row.empty(jurisdiction);
            for (Outcome o : Outcome.values()) {
                row = row.plus(o, c[o.ordinal()], 0);
            }
            rows.add(row.plus(Outcome.PENDING, 0, accounts.get(jurisdiction).size()));
        });
        return PeriodFigures.of(period, rows);
    }
}
