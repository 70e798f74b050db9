package ledger.query.audit;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import ledger.events.LegalProcess;
import ledger.query.figures.DemandState;
import ledger.query.figures.HandlingRow;
import ledger.query.figures.Outcome;
import ledger.query.figures.Period;
import ledger.query.figures.PeriodCounts;
import ledger.query.figures.PeriodFigures;
import ledger.query.figures.Row;

/**
 * The figures recomputed from the raw events, folded in memory: shares nothing with the projection but the
 * counting rules (DemandState, Period, Outcome, Row, and the tables printed from PeriodCounts). Each demand's
 * events must be given in sequence order; across demands the order does not matter.
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

    /** The per-jurisdiction table of a period. */
    public PeriodFigures figures(Period period) {
        return counts(period).byJurisdiction();
    }

    /**
     * Every count of a period (counting rules 4-8, 15, 16): a national-security demand counts only in its
     * kind's row across jurisdictions; any other in its jurisdiction's row, in that jurisdiction's row for its
     * legal process, and in its legal process's row. A row's accounts are the distinct pseudonyms its demands name.
     * Any but a national-security demand also counts in its jurisdiction's handling row (rules 18-19).
     */
    public PeriodCounts counts(Period period) {
        Map<String, Tally> jurisdictions = new HashMap<>();
        Map<String, Map<LegalProcess, Tally>> narrowed = new HashMap<>();
        Map<LegalProcess, Tally> processes = new EnumMap<>(LegalProcess.class);
        Map<String, HandlingRow.Tally> handling = new HashMap<>();
        for (DemandState d : demands.values()) {
            if (!d.period().equals(period)) {
                continue;
            }
            processes.computeIfAbsent(d.legalProcess(), p -> new Tally()).count(d);
            if (!d.nationalSecurity()) {
                jurisdictions.computeIfAbsent(d.jurisdiction(), j -> new Tally()).count(d);
                narrowed.computeIfAbsent(d.jurisdiction(), j -> new EnumMap<>(LegalProcess.class))
                        .computeIfAbsent(d.legalProcess(), p -> new Tally()).count(d);
                handling.computeIfAbsent(d.jurisdiction(), j -> new HandlingRow.Tally()).count(d, 1);
            }
        }
        Map<String, Row> jurisdictionRows = new HashMap<>();
        jurisdictions.forEach((j, t) -> jurisdictionRows.put(j, t.row(j)));
        Map<String, Map<LegalProcess, Row>> narrowedRows = new HashMap<>();
        narrowed.forEach((j, byProcess) -> narrowedRows.put(j, rows(byProcess)));
        Map<String, HandlingRow> handlingRows = new HashMap<>();
        handling.forEach((j, t) -> handlingRows.put(j, t.row(j)));
        return new PeriodCounts(period, jurisdictionRows, narrowedRows, rows(processes), handlingRows);
    }

    private static Map<LegalProcess, Row> rows(Map<LegalProcess, Tally> tallies) {
        Map<LegalProcess, Row> rows = new EnumMap<>(LegalProcess.class);
        tallies.forEach((process, t) -> rows.put(process, t.row(process.name())));
        return rows;
    }

    /** One row's demands by outcome and the distinct accounts they name. */
    private static final class Tally {
        private final long[] outcomes = new long[Outcome.values().length];
        private final Set<String> accounts = new HashSet<>();

        void count(DemandState d) {
            outcomes[d.outcome().ordinal()]++;
            accounts.addAll(d.accounts());
        }

        Row row(String label) {
            Row row = Row.empty(label);
            for (Outcome o : Outcome.values()) {
                row = row.plus(o, outcomes[o.ordinal()], 0);
            }
            return row.plus(Outcome.PENDING, 0, accounts.size());
        }
    }
}
