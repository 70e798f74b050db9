package ledger.query.figures;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import ledger.events.LegalProcess;

/**
 * A period's table by legal process (counting rule 15), whole or narrowed to one jurisdiction: one row per
 * legal process with demands, in the order the legal processes are declared (SUBPOENA, COURT_ORDER,
 * SEARCH_WARRANT, EMERGENCY, OTHER), then TOTAL; national-security kinds are never in it (rule 16). Same
 * columns and rules as the per-jurisdiction table; its CSV's SHA-256 is its own digest.
 *
 * @param jurisdiction the jurisdiction it is narrowed to, or null for the whole period
 */
public record LegalProcessFigures(Period period, String jurisdiction, List<Row> rows, Row total, String csv, String digest) {

    public static final String HEADER = "legalProcess," + CanonicalCsv.COLUMNS;

    /** The table of these rows by legal process; rows of national-security kinds or without requests are left out. */
    public static LegalProcessFigures of(Period period, String jurisdiction, Map<LegalProcess, Row> byProcess) {
        List<Row> printed = new ArrayList<>();
        for (LegalProcess process : LegalProcess.values()) {
            Row row = byProcess.get(process);
            if (!process.nationalSecurity() && row != null && row.requests() > 0) {
                printed.add(row.labelled(process.name()));
            }
        }
        Row total = CanonicalCsv.total(printed);
        String text = CanonicalCsv.table("legalProcess", printed, total);
        return new LegalProcessFigures(period, jurisdiction, List.copyOf(printed), total, text, CanonicalCsv.digest(text));
    }
}
