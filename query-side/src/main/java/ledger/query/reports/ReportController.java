package ledger.query.reports;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import java.time.Clock;
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
import ledger.query.figures.HandlingFigures;
import ledger.query.figures.LegalProcessFigures;
import ledger.query.figures.NationalSecurityReport;
import ledger.query.figures.PeriodCounts;
import ledger.query.log.LogChain;
import ledger.query.log.Repairs;
import ledger.query.figures.PeriodFigures;
import ledger.query.figures.Row;
import ledger.query.projection.FiguresStore;
import ledger.query.projection.Generations;
import org.bson.Document;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Published reports (counting rule 13): a version freezes every table of a period (per jurisdiction, by legal
 * process whole and narrowed to each jurisdiction with demands, the handling table, the national-security report), all as of one
 * log position, each with its CSV and digest, in a collection of its own that no replay touches. A version is
 * verified by recounting the log up to its position; a restatement lists, demand by demand, what counts
 * differently today. The national-security report's digest is not shown before the report may be (counting
 * rule 17): it would give its bands away.
 */
@RestController
class ReportController {

    private final MongoCollection<Document> reports;
    private final Generations figures;
    private final LogRecounter recounter;
    private final LogChain chain;
    private final Repairs repairs;

    private final Clock clock;

    ReportController(MongoDatabase ledgerDatabase, Generations figures, LogRecounter recounter, Clock clock, LogChain chain,
                     Repairs repairs) {
        this.reports = ledgerDatabase.getCollection("published_reports");
        this.figures = figures;
        this.recounter = recounter;
        this.clock = clock;
        this.chain = chain;
        this.repairs = repairs;
    }

    private static final String NATIONAL_SECURITY = "national-security";
    private static final String HANDLING = "handling";

    /**
     * Every table of a period besides the per-jurisdiction one, named as the fixtures name their files:
     * {@code legal-process}, {@code legal-process-CC} for each jurisdiction with demands, {@code handling} (counting
     * rule 19), {@code national-security}.
     */
    static Map<String, Frozen> tables(PeriodCounts counts) {
        Map<String, Frozen> tables = new LinkedHashMap<>();
        LegalProcessFigures whole = counts.byLegalProcess();
        tables.put("legal-process", new Frozen(whole.csv(), whole.digest()));
        for (Row row : counts.byJurisdiction().rows()) {
            LegalProcessFigures narrowed = counts.byLegalProcess(row.label());
            tables.put("legal-process-" + row.label(), new Frozen(narrowed.csv(), narrowed.digest()));
        }
        HandlingFigures handling = counts.byHandling();
        tables.put(HANDLING, new Frozen(handling.csv(), handling.digest()));
        NationalSecurityReport nationalSecurity = counts.nationalSecurity();
        tables.put(NATIONAL_SECURITY, new Frozen(nationalSecurity.csv(), nationalSecurity.digest()));
        return tables;
    }

    record Frozen(String csv, String digest) {
    }

    @PostMapping("/api/reports/{period}")
    ResponseEntity<Map<String, Object>> publish(@PathVariable("period") String requested) {
        Period period = Periods.parse(requested);
        FiguresStore.Snapshot snapshot = figures.served().snapshot(period);
        if (!snapshot.byLegalProcess()) {
            throw Problems.figuresBeingRebuilt();
        }
        PeriodFigures byJurisdiction = snapshot.figures();
        Document tables = new Document();
        tables(snapshot.counts()).forEach((name, table) -> tables.append(name, new Document("csv", table.csv()).append("digest", table.digest())));
        int version = versions(period).size() + 1;
        while (true) {
            Document report = new Document("_id", period + "/" + version).append("period", period.toString())
                    .append("version", version).append("position", snapshot.position())
                    .append("digest", byJurisdiction.digest()).append("csv", byJurisdiction.csv())
                    .append("tables", tables).append("publishedAt", Instant.now().toString())
                    .append("publishedBy", AccessConfiguration.actor())
                    .append("logHash", chain.hashAt(snapshot.position())); // log-bundle.md: the report pins the log
            try {
                reports.insertOne(report);
                return ResponseEntity.status(HttpStatus.CREATED)
                        .header("Location", "/api/reports/" + period + "/" + version).body(summary(report, period));
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
        Period period = Periods.parse(requested);
        List<Repairs.Repair> known = repairs.all();
        return versions(period).stream().map(report -> summary(report, period, known)).toList();
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
        PeriodCounts recomputed = recounter.upTo(position(report)).counts(period);
        Map<String, Object> answer = summary(report, period);
        String digest = recomputed.byJurisdiction().digest();
        answer.put("recomputedDigest", digest);
        // a version published before the tables by legal process froze the per-jurisdiction table alone
        Map<String, String> frozen = digests(report);
        Map<String, String> recomputedDigests = new LinkedHashMap<>();
        if (!frozen.isEmpty()) {
            tables(recomputed).forEach((name, table) -> recomputedDigests.put(name, table.digest()));
            if (!frozen.containsKey(HANDLING)) {
                recomputedDigests.remove(HANDLING); // a version published before the handling table
            }
        }
        answer.put("recomputedDigests", shown(recomputedDigests, period));
        answer.put("matches", digest.equals(report.getString("digest")) && recomputedDigests.equals(frozen));
        // the chain up to the report's position, and its hash there the one published (reports from before the chain have none)
        LogChain.Verification log = chain.verify(position(report));
        answer.put("chainValid", log.valid() && (!report.containsKey("logHash") || log.hash().equals(report.getString("logHash"))));
        answer.putIfAbsent("logHash", null);
        if (answer.containsKey("brokenByRepair")) {
            // the events it was pinned to were dropped: whatever stands at those positions now is not what it counted
            answer.put("chainValid", false);
            answer.put("matches", false);
        }
        return answer;
    }

    @GetMapping("/api/reports/{period}/{version}/restatement")
    Map<String, Object> restatement(@PathVariable("period") String requested, @PathVariable("version") String version) {
        Period period = Periods.parse(requested);
        Document report = report(period, version);
        long today = figures.served().position();
        Recount then = recounter.upTo(position(report));
        // today's recount carries on from the version's, so the log up to the version is read once
        Recount now = today >= position(report) ? recounter.onwards(then, position(report), today) : recounter.upTo(today);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("period", period.toString());
        answer.put("version", report.getInteger("version"));
        answer.put("position", position(report));
        answer.put("digest", report.getString("digest"));
        answer.put("currentPosition", today);
        PeriodCounts current = now.counts(period);
        answer.put("currentDigest", current.byJurisdiction().digest());
        Map<String, String> currentDigests = new LinkedHashMap<>();
        tables(current).forEach((name, table) -> currentDigests.put(name, table.digest()));
        answer.put("digests", shown(digests(report), period));
        answer.put("currentDigests", shown(currentDigests, period));
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

    private Map<String, Object> summary(Document report, Period period) {
        return summary(report, period, repairs.all());
    }

    /** A version as answered, judged against the repairs on record (read once for a whole listing). */
    private Map<String, Object> summary(Document report, Period period, List<Repairs.Repair> known) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("period", report.getString("period"));
        m.put("version", report.getInteger("version"));
        m.put("position", position(report));
        m.put("digest", report.getString("digest"));
        m.put("digests", shown(digests(report), period));
        if (!NationalSecurityReport.availableAt(period, clock.instant())) {
            m.put("nationalSecurityAvailableFrom", NationalSecurityReport.availableFromDate(period).toString());
        }
        m.put("publishedAt", report.getString("publishedAt"));
        if (report.containsKey("publishedBy")) {
            m.put("publishedBy", report.getString("publishedBy"));
        }
        if (report.containsKey("logHash")) {
            m.put("logHash", report.getString("logHash"));
        }
        Repairs.breaking(known, position(report), report.getString("publishedAt"))
                .ifPresent(repair -> m.put("brokenByRepair", repair.summary()));
        return m;
    }

    /** The digests of the tables a version froze besides the per-jurisdiction one (none before there were others). */
    private static Map<String, String> digests(Document report) {
        Map<String, String> digests = new LinkedHashMap<>();
        Document tables = report.get("tables", Document.class);
        if (tables != null) {
            tables.forEach((name, table) -> digests.put(name, ((Document) table).getString("digest")));
        }
        return digests;
    }

    /** The digests that may be shown now: the national-security report's only once it may be. */
    private Map<String, String> shown(Map<String, String> digests, Period period) {
        if (NationalSecurityReport.availableAt(period, clock.instant())) {
            return digests;
        }
        Map<String, String> shown = new LinkedHashMap<>(digests);
        shown.remove(NATIONAL_SECURITY);
        return shown;
    }
}
