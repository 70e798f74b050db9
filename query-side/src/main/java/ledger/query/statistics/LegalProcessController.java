package ledger.query.statistics;

import ledger.events.Jurisdiction;
import ledger.query.Problems;
import ledger.query.figures.LegalProcessFigures;
import ledger.query.figures.Period;
import ledger.query.projection.FiguresStore;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** A period's table by legal process (counting rule 15), whole or narrowed to a jurisdiction: JSON or canonical CSV. */
@RestController
class LegalProcessController {

    private final Answering answering;

    LegalProcessController(Answering answering) {
        this.answering = answering;
    }

    @GetMapping({"/api/statistics/{period}/legal-process", "/api/statistics/{period}/legal-process.csv"})
    ResponseEntity<byte[]> table(@PathVariable("period") String requested,
                                 @RequestParam(name = "jurisdiction", required = false) String jurisdiction,
                                 @RequestParam(name = "asOf", required = false) String asOf,
                                 jakarta.servlet.http.HttpServletRequest request) {
        Period period = Answering.period(requested);
        if (jurisdiction != null && !Jurisdiction.isKnown(jurisdiction)) {
            throw Problems.refused(HttpStatus.BAD_REQUEST, "Invalid jurisdiction",
                    "jurisdiction '" + jurisdiction + "' is not an ISO 3166-1 alpha-2 code in upper case", "jurisdiction");
        }
        FiguresStore.Snapshot snapshot = answering.counts(period, asOf);
        LegalProcessFigures table = jurisdiction == null ? snapshot.counts().byLegalProcess()
                : snapshot.counts().byLegalProcess(jurisdiction);
        return answering.table(request, period, snapshot.position(), table.csv(), table.digest(), body -> {
            body.put("jurisdiction", jurisdiction);
            body.put("rows", table.rows().stream().map(row -> StatisticsController.json("legalProcess", row)).toList());
            body.put("total", StatisticsController.json("legalProcess", table.total()));
        });
    }
}
