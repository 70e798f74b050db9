package ledger.query.figures;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import ledger.events.LegalProcess;

/**
 * Everything counted of one period, from which each of its tables is printed: per jurisdiction its row and its
 * rows by legal process (counting rules 4-8 and 15; national-security demands are in neither), and per legal
 * process its row across jurisdictions (national-security kinds included, rule 16). Each row's accounts are the
 * distinct accounts of its own demands. Per jurisdiction also its handling row (rule 19; national security left out).
 */
public record PeriodCounts(Period period, Map<String, Row> jurisdictions, Map<String, Map<LegalProcess, Row>> processesByJurisdiction,
                           Map<LegalProcess, Row> processes, Map<String, HandlingRow> handling) {

    /** Counts without handling rows (tables of rules 4-17 only). */
    public PeriodCounts(Period period, Map<String, Row> jurisdictions, Map<String, Map<LegalProcess, Row>> processesByJurisdiction,
                        Map<LegalProcess, Row> processes) {
        this(period, jurisdictions, processesByJurisdiction, processes, Map.of());
    }

    public PeriodCounts {
        jurisdictions = Collections.unmodifiableMap(new TreeMap<>(jurisdictions));
        handling = Collections.unmodifiableMap(new TreeMap<>(handling));
        Map<String, Map<LegalProcess, Row>> narrowed = new TreeMap<>();
        processesByJurisdiction.forEach((j, rows) -> narrowed.put(j, byProcess(rows)));
        processesByJurisdiction = Collections.unmodifiableMap(narrowed);
        processes = byProcess(processes);
    }

    private static Map<LegalProcess, Row> byProcess(Map<LegalProcess, Row> rows) {
        return Collections.unmodifiableMap(rows.isEmpty() ? new EnumMap<>(LegalProcess.class) : new EnumMap<>(rows));
    }

    public static PeriodCounts empty(Period period) {
        return new PeriodCounts(period, Map.of(), Map.of(), Map.of(), Map.of());
    }

    /** The handling table (rules 18-19). */
    public HandlingFigures byHandling() {
        return HandlingFigures.of(period, handling.values());
    }

    /** The per-jurisdiction table (rules 6-11). */
    public PeriodFigures byJurisdiction() {
        return PeriodFigures.of(period, jurisdictions.values());
    }

    /** The table by legal process of the whole period (rule 15). */
    public LegalProcessFigures byLegalProcess() {
        return LegalProcessFigures.of(period, null, processes);
    }

    /** The table by legal process narrowed to one jurisdiction: the TOTAL row alone where it has no demands. */
    public LegalProcessFigures byLegalProcess(String jurisdiction) {
        return LegalProcessFigures.of(period, jurisdiction, processesByJurisdiction.getOrDefault(jurisdiction, Map.of()));
    }

    /** The national-security report (rules 16-17). */
    public NationalSecurityReport nationalSecurity() {
        return NationalSecurityReport.of(period, processes);
    }
}
