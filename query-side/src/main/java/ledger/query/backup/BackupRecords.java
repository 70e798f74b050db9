package ledger.query.backup;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import jakarta.servlet.http.HttpServletRequest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import ledger.query.Problems;
import ledger.query.log.LogChain;
import ledger.query.log.Repairs;
import org.bson.Document;
import org.bson.json.JsonMode;
import org.bson.json.JsonParseException;
import org.bson.json.JsonWriterSettings;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/**
 * What a backup holds of the ledger's database besides the log (admin only): the records no replay can give back,
 * because the log does not hold them. The published reports (each version as it was published: its tables, CSVs,
 * digests, position, {@code logHash}, who and when) and the repairs of a damaged log. Everything else in the
 * database (the figures, the tracking tokens, the pseudonym key's fingerprint) is rebuilt from the log and the key.
 * Each record is one NDJSON line {@code {"collection", "document"}}, the document in MongoDB's extended JSON, so a
 * restore stores it with the same types. Restored only into a ledger that has none of them, and a report only when
 * the log has its {@code logHash} at its position (or a repair restored with it dropped that position).
 */
@RestController
class BackupRecords {

    static final String REPORTS = "published_reports";
    static final String REPAIRS = Repairs.COLLECTION;
    private static final JsonWriterSettings EXTENDED = JsonWriterSettings.builder().outputMode(JsonMode.EXTENDED).build();
    private static final MediaType NDJSON = MediaType.parseMediaType("application/x-ndjson");

    private final MongoDatabase database;
    private final LogChain chain;

    BackupRecords(MongoDatabase ledgerDatabase, LogChain chain) {
        this.database = ledgerDatabase;
        this.chain = chain;
    }

    /** The repairs first, then the reports: a restore reads the repairs before it judges a report by them. */
    @GetMapping("/api/backup/records")
    ResponseEntity<StreamingResponseBody> export() {
        StreamingResponseBody body = out -> {
            for (String name : List.of(REPAIRS, REPORTS)) {
                for (Document d : database.getCollection(name).find().sort(new Document("_id", 1))) {
                    write(out, new Document("collection", name).append("document", d));
                }
            }
        };
        return ResponseEntity.ok().contentType(NDJSON).body(body);
    }

    private static void write(OutputStream out, Document line) throws IOException {
        out.write(line.toJson(EXTENDED).getBytes(StandardCharsets.UTF_8));
        out.write('\n');
    }

    @PostMapping("/api/backup/records")
    ResponseEntity<Map<String, Object>> restore(HttpServletRequest request) throws IOException {
        List<Document> reports = new ArrayList<>();
        List<Document> repairs = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(request.getInputStream(), StandardCharsets.UTF_8))) {
            long number = 0;
            for (String text; (text = in.readLine()) != null; ) {
                number++;
                if (text.isBlank()) {
                    continue;
                }
                Document line;
                try {
                    line = Document.parse(text);
                } catch (JsonParseException | IllegalArgumentException e) {
                    throw refused(number, "not a JSON object (" + e.getMessage() + ")");
                }
                if (!(line.get("document") instanceof Document document) || !(document.get("_id") instanceof String)) {
                    throw refused(number, "not {\"collection\", \"document\"} with the document's _id a string");
                }
                Object collection = line.get("collection");
                if (REPORTS.equals(collection)) {
                    checkReport(number, document);
                    reports.add(document);
                } else if (REPAIRS.equals(collection)) {
                    repairs.add(document);
                } else {
                    throw refused(number, "collection '" + collection + "' is not one a backup holds (" + REPAIRS + ", " + REPORTS + ")");
                }
            }
        }
        List<Repairs.Repair> known = repairs.stream().map(Repairs.Repair::of).toList();
        for (Document report : reports) {
            checkPinnedLog(report, known);
        }
        for (String name : List.of(REPAIRS, REPORTS)) {
            if (database.getCollection(name).find().limit(1).first() != null) {
                throw Problems.refused(HttpStatus.CONFLICT, "Records already there",
                        "records are restored into a ledger that has none; this one has " + name, "collection");
            }
        }
        insert(database.getCollection(REPAIRS), repairs);
        insert(database.getCollection(REPORTS), reports);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("reports", reports.size());
        answer.put("repairs", repairs.size());
        return ResponseEntity.status(HttpStatus.CREATED).body(answer);
    }

    private static void insert(MongoCollection<Document> collection, List<Document> documents) {
        if (!documents.isEmpty()) {
            collection.insertMany(documents);
        }
    }

    private static void checkReport(long number, Document report) {
        Object period = report.get("period");
        Object version = report.get("version");
        if (!(period instanceof String) || !(version instanceof Integer) || !(report.get("position") instanceof Number)
                || !report.get("_id").equals(period + "/" + version)) {
            throw refused(number, "a published report has a string period, an integer version, _id 'period/version' and a position");
        }
    }

    /** The report's {@code logHash} must be the restored log's at its position, unless a repair dropped that position. */
    private void checkPinnedLog(Document report, List<Repairs.Repair> repairs) {
        long position = ((Number) report.get("position")).longValue();
        String id = report.getString("_id");
        if (position > chain.head()) {
            if (!droppedByRepair(report, repairs)) {
                throw Problems.refused(HttpStatus.UNPROCESSABLE_ENTITY, "Report beyond the log", "report " + id + " is at position "
                        + position + " and the log ends at " + chain.head() + "; import the log it was published from first", id);
            }
            return;
        }
        Object published = report.get("logHash");
        if (published != null && !Objects.equals(published, chain.hashAt(position)) && !droppedByRepair(report, repairs)) {
            throw Problems.refused(HttpStatus.UNPROCESSABLE_ENTITY, "Report of another log", "report " + id + " pins the log hash "
                    + published + " at position " + position + ", where this log has " + chain.hashAt(position), id);
        }
    }

    /** Whether a repair among {@code repairs} dropped the event a report was pinned to (see {@link Repairs#breaking}). */
    static boolean droppedByRepair(Document report, List<Repairs.Repair> repairs) {
        long position = ((Number) report.get("position")).longValue();
        return Repairs.breaking(repairs, position, report.get("publishedAt") instanceof String s ? s : null).isPresent();
    }

    private static org.springframework.web.ErrorResponseException refused(long line, String reason) {
        return Problems.refused(HttpStatus.UNPROCESSABLE_ENTITY, "Invalid records", "line " + line + ": " + reason + "; nothing was stored",
                "line " + line);
    }
}
