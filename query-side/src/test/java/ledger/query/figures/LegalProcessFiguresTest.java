package ledger.query.figures;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumMap;
import java.util.Map;
import ledger.events.LegalProcess;
import org.junit.jupiter.api.Test;

/** Counting rule 15: the table by legal process, whole or narrowed, in canonical form. */
class LegalProcessFiguresTest {

    private static final Period H1 = Period.parse("2014-H1");
    private static final String HEADER = "legalProcess,requests,accounts,content,subscriberOnly,noDataFound,rejected,"
            + "pending,contentPct,subscriberOnlyPct,noDataFoundPct,rejectedPct";

    private static Map<LegalProcess, Row> rows(Object... processAndRow) {
        Map<LegalProcess, Row> rows = new EnumMap<>(LegalProcess.class);
        for (int i = 0; i < processAndRow.length; i += 2) {
            rows.put((LegalProcess) processAndRow[i], (Row) processAndRow[i + 1]);
        }
        return rows;
    }

    @Test
    void rowsComeInTheRulesOrderThenTotalWhateverTheirLabels() {
        LegalProcessFigures table = LegalProcessFigures.of(H1, null, rows(
                LegalProcess.OTHER, new Row("x", 1, 1, 0, 0, 0, 0, 1),
                LegalProcess.EMERGENCY, new Row("x", 1, 1, 0, 0, 0, 1, 0),
                LegalProcess.SEARCH_WARRANT, new Row("x", 2, 3, 1, 1, 0, 0, 0),
                LegalProcess.COURT_ORDER, new Row("x", 1, 1, 0, 0, 1, 0, 0),
                LegalProcess.SUBPOENA, new Row("x", 4, 2, 0, 3, 0, 0, 1)));
        assertThat(table.csv()).isEqualTo(HEADER + "\n"
                + "SUBPOENA,4,2,0,3,0,0,1,0.00,75.00,0.00,0.00\n"
                + "COURT_ORDER,1,1,0,0,1,0,0,0.00,0.00,100.00,0.00\n"
                + "SEARCH_WARRANT,2,3,1,1,0,0,0,50.00,50.00,0.00,0.00\n"
                + "EMERGENCY,1,1,0,0,0,1,0,0.00,0.00,0.00,100.00\n"
                + "OTHER,1,1,0,0,0,0,1,0.00,0.00,0.00,0.00\n"
                // accounts: the sum of the rows' (rule 15), percentages from the TOTAL's counts (rule 10)
                + "TOTAL,9,8,1,4,1,1,2,11.11,44.44,11.11,11.11\n");
        assertThat(table.digest()).isEqualTo(PeriodFigures.digest(table.csv()));
        assertThat(table.rows()).extracting(Row::label)
                .containsExactly("SUBPOENA", "COURT_ORDER", "SEARCH_WARRANT", "EMERGENCY", "OTHER");
    }

    @Test
    void nationalSecurityKindsAndRowsWithoutDemandsAreNotPrinted() {
        LegalProcessFigures table = LegalProcessFigures.of(H1, "US", rows(
                LegalProcess.NATIONAL_SECURITY_LETTER, new Row("x", 7, 7, 0, 0, 0, 0, 7),
                LegalProcess.FISA_ORDER, new Row("x", 3, 9, 0, 0, 0, 0, 3),
                LegalProcess.COURT_ORDER, Row.empty("x"),
                LegalProcess.EMERGENCY, new Row("x", 2, 1, 0, 2, 0, 0, 0)));
        assertThat(table.csv()).isEqualTo(HEADER + "\n"
                + "EMERGENCY,2,1,0,2,0,0,0,0.00,100.00,0.00,0.00\n"
                + "TOTAL,2,1,0,2,0,0,0,0.00,100.00,0.00,0.00\n");
        assertThat(table.jurisdiction()).isEqualTo("US");
    }

    @Test
    void theEmptyTableIsTheTotalRowAlone() {
        LegalProcessFigures table = LegalProcessFigures.of(H1, "NL", Map.of());
        assertThat(table.csv()).isEqualTo(HEADER + "\nTOTAL,0,0,0,0,0,0,0,,,,\n");
        assertThat(table.rows()).isEmpty();
        assertThat(table.digest()).isNotEqualTo(PeriodFigures.of(H1, java.util.List.of()).digest());
    }

    /** The narrowed table's TOTAL is the jurisdiction's own counts; its accounts the sum of its rows' (rule 15). */
    @Test
    void narrowingKeepsOneJurisdictionsRowsAndAddsTheirAccounts() {
        PeriodCounts counts = new PeriodCounts(H1,
                Map.of("US", new Row("US", 3, 2, 0, 3, 0, 0, 0), "DE", new Row("DE", 1, 1, 0, 1, 0, 0, 0)),
                Map.of("US", rows(LegalProcess.SUBPOENA, new Row("SUBPOENA", 2, 2, 0, 2, 0, 0, 0),
                                LegalProcess.COURT_ORDER, new Row("COURT_ORDER", 1, 1, 0, 1, 0, 0, 0)),
                        "DE", rows(LegalProcess.SUBPOENA, new Row("SUBPOENA", 1, 1, 0, 1, 0, 0, 0))),
                rows(LegalProcess.SUBPOENA, new Row("SUBPOENA", 3, 2, 0, 3, 0, 0, 0),
                        LegalProcess.COURT_ORDER, new Row("COURT_ORDER", 1, 1, 0, 1, 0, 0, 0)));
        assertThat(counts.byLegalProcess("US").csv()).endsWith("\n"
                + "SUBPOENA,2,2,0,2,0,0,0,0.00,100.00,0.00,0.00\n"
                + "COURT_ORDER,1,1,0,1,0,0,0,0.00,100.00,0.00,0.00\n"
                + "TOTAL,3,3,0,3,0,0,0,0.00,100.00,0.00,0.00\n");
        assertThat(counts.byLegalProcess().total()).isEqualTo(new Row("TOTAL", 4, 3, 0, 4, 0, 0, 0));
        assertThat(counts.byLegalProcess("FR").csv()).isEqualTo(HEADER + "\nTOTAL,0,0,0,0,0,0,0,,,,\n");
    }
}
