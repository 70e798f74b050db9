package ledger.query.reports;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.nio.charset.StandardCharsets;
import ledger.access.AccessConfiguration;
import ledger.query.Problems;
import ledger.query.audit.Changes;
import ledger.query.audit.LogRecounter;
import ledger.query.audit.Periods;
import ledger.query.audit.Recount;
import ledger.query.figures.Period;
import ledger.query.log.LogChain;
import ledger.query.figures.PeriodFigures;
import ledger.query.projection.FiguresStore;
import ledger.query.projection.ProjectionTarget;
import org.bson.Document;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Published reports (counting rule 13): a version freezes a period's figures with their log position and
 * digest, in a collection of its own that no replay touches. A version is verified by recounting the log up
 * to its position; a restatement lists, demand by demand, what counts differently today.
 */
@RestController
class ReportController {

    private final MongoCollection<Document> reports;
    private final ProjectionTarget figures;
    private final LogRecounter recounter;
    private final LogChain chain;

    ReportController(MongoDatabase ledgerDatabase, ProjectionTarget figures, LogRecounter recounter, LogChain chain) {
        this.reports = ledgerDatabase.getCollection("published_reports");
        this.figures = figures;
        this.recounter = recounter;
        this.chain = chain;
    }

    @PostMapping("/api/reports/{period}")
    ResponseEntity<Map<String, Object>> publish(@PathVariable("period") String requested) {
        Period period = Periods.parse(requested);
        FiguresStore.Snapshot snapshot = figures.store().figures(period);
        int version = versions(period).size() + 1;
        while (true) {
            Document report = new Document("_id", period + "/" + version).append("period", period.toString())
                    .append("version", version).append("position", snapshot.position())
                    .append("digest", snapshot.figures().digest()).append("csv", snapshot.figures().csv())
                    .append("publishedAt", Instant.now().toString()).append("publishedBy", AccessConfiguration.actor())
                    .append("logHash", chain.hashAt(snapshot.position())); // log-bundle.md: the report pins the log
            try {
                reports.insertOne(report);
                return ResponseEntity.status(HttpStatus.CREATED)
                        .header("Location", "/api/reports/" + period + "/" + version).body(summary(report));
            } catch (MongoWriteException e) {
                if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
                    throw e;
                }
                version++; // published concurrently: take the next version
            }
        }
    }

    @GetMapping("/api/reports/{period}")
    List<Map<String, Object>> list(@PathVariable("period") String requested) {
        return versions(Periods.parse(requested)).stream().map(ReportController::summary).toList();
    }

    /** The CSV as it was published, byte for byte: public, like the report it is. */
    @GetMapping(path = "/api/reports/{period}/{version}.csv")
    ResponseEntity<byte[]> csv(@PathVariable("period") String requested, @PathVariable("version") String version) {
        Document report = report(Periods.parse(requested), version);
        return ResponseEntity.ok().contentType(new MediaType("text", "csv", StandardCharsets.UTF_8))
                .body(report.getString("csv").getBytes(StandardCharsets.UTF_8));
    }

    @GetMapping("/api/reports/{period}/{version}/verification")
    Map<String, Object> verify(@PathVariable("period") String requested, @PathVariable("version") String version) {
        Period period = Periods.parse(requested);
        Document report = report(period, version);
        PeriodFigures recomputed = recounter.upTo(position(report)).figures(period);
        Map<String, Object> answer = summary(report);
        answer.put("recomputedDigest", recomputed.digest());
        answer.put("matches", recomputed.digest().equals(report.getString("digest")));
        // the chain up to the report's position, and its hash there the one published (reports from before the chain have none)
        LogChain.Verification log = chain.verify(position(report));
        answer.put("chainValid", log.valid() && (!report.containsKey("logHash") || log.hash().equals(report.getString("logHash"))));
        answer.putIfAbsent("logHash", null);
        return answer;
    }

    @GetMapping("/api/reports/{period}/{version}/restatement")
    Map<String, Object> restatement(@PathVariable("period") String requested, @PathVariable("version") String version) {
        Period period = Periods.parse(requested);
        Document report = report(period, version);
        long today = figures.store().position();
        Recount then = recounter.upTo(position(report));
        // today's recount carries on from the version's, so the log up to the version is read once
        Recount now = today >= position(report) ? recounter.onwards(then, position(report), today) : recounter.upTo(today);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("period", period.toString());
        answer.put("version", report.getInteger("version"));
        answer.put("position", position(report));
        answer.put("digest", report.getString("digest"));
        answer.put("currentPosition", today);
        answer.put("currentDigest", now.figures(period).digest());
        answer.put("changes", Changes.between(then, now, period));
        return answer;
    }

    /** The versions of a period, found by exact lookups of their keys in windows. */
    private List<Document> versions(Period period) {
        List<Document> found = new ArrayList<>();
        for (int from = 1; ; from += 32) {
            List<String> keys = new ArrayList<>();
            for (int v = from; v < from + 32; v++) {
                keys.add(period + "/" + v);
            }
            Map<Integer, Document> window = new java.util.TreeMap<>();
            reports.find(new Document("_id", new Document("$in", keys))).forEach(d -> window.put(d.getInteger("version"), d));
            found.addAll(window.values());
            if (window.size() < 32) {
                return found;
            }
        }
    }

    private Document report(Period period, String version) {
        Document report = version.matches("[1-9][0-9]{0,8}") ? reports.find(new Document("_id", period + "/" + version)).first() : null;
        if (report == null) {
            throw Problems.refused(HttpStatus.NOT_FOUND, "Unknown report version", "no published version " + version + " of " + period, "version");
        }
        return report;
    }

    private static long position(Document report) {
        return ((Number) report.get("position")).longValue();
    }

    private static Map<String, Object> summary(Document report) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("period", report.getString("period"));
        m.put("version", report.getInteger("version"));
        m.put("position", position(report));
        m.put("digest", report.getString("digest"));
        m.put("publishedAt", report.getString("publishedAt"));
        if (report.containsKey("publishedBy")) {
            m.put("publishedBy", report.getString("publishedBy"));
        }
        if (report.containsKey("logHash")) {
            m.put("logHash", report.getString("logHash"));
        }
        return m;
    }
}
