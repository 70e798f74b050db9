package ledger.query.log;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import ledger.logbundle.LogRecord;
import ledger.eventlog.MongoEventLog;
import ledger.eventlog.StoredEvent;
import ledger.query.Problems;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/** The log's own endpoints ({@code log-bundle.md}): its head, its export as a bundle, its verification, an import. */
@RestController
class LogController {

    static final MediaType NDJSON = MediaType.parseMediaType("application/x-ndjson");

    private final MongoEventLog log;
    private final LogChain chain;
    private final BundleImport importer;
    private final Repairs repairs;

    LogController(MongoEventLog log, LogChain chain, BundleImport importer, Repairs repairs) {
        this.log = log;
        this.chain = chain;
        this.importer = importer;
        this.repairs = repairs;
    }

    @GetMapping("/api/log/head")
    Map<String, Object> head() {
        long head = chain.head();
        return answer(head, chain.hashAt(head));
    }

    /**
     * The records {@code from..to} in position order, one a line, each with its hash: read with one cursor and
     * written as they come (constant memory); gzipped (fastest level: the export is meant to be fast) when
     * the client accepts it.
     */
    @GetMapping("/api/log/export")
    ResponseEntity<StreamingResponseBody> export(@RequestParam(name = "from", required = false) String fromText,
                                                 @RequestParam(name = "to", required = false) String toText,
                                                 @RequestHeader(name = HttpHeaders.ACCEPT_ENCODING, required = false) String acceptEncoding) {
        long head = chain.head();
        long from = fromText == null ? 1 : position("from", fromText, 1, Long.MAX_VALUE);
        long to = toText == null ? head : position("to", toText, 0, head);
        boolean gzip = acceptEncoding != null && acceptEncoding.toLowerCase(java.util.Locale.ROOT).contains("gzip");
        StreamingResponseBody body = raw -> {
            OutputStream out = new java.io.BufferedOutputStream(gzip ? new FastGzip(raw) : raw, 1 << 16);
            log.readInOrder(from, to, StoredEvent::record, (event, record) -> {
                if (event.hash() == null) {
                    throw new IllegalStateException("the event at position " + event.position() + " has no hash stored");
                }
                try {
                    record.writeLine(event.position(), event.hash(), out);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            out.close();
        };
        ResponseEntity.BodyBuilder answer = ResponseEntity.ok().contentType(NDJSON).header(HttpHeaders.VARY, HttpHeaders.ACCEPT_ENCODING)
                .header("Ledger-Position", Long.toString(to));
        if (gzip) {
            answer.header(HttpHeaders.CONTENT_ENCODING, "gzip");
        }
        return answer.body(body);
    }

    @GetMapping("/api/log/verification")
    Map<String, Object> verification(@RequestParam(name = "to", required = false) String toText) {
        long head = chain.head();
        long to = toText == null ? head : position("to", toText, 0, head);
        LogChain.Verification v = chain.verify(to);
        Map<String, Object> answer = answer(v.position(), v.hash());
        answer.put("valid", v.valid());
        answer.put("firstBrokenPosition", v.firstBrokenPosition());
        // a repair dropped events and new ones took their positions: the chain holds again, which must not hide it
        answer.put("repairs", repairs.all().stream().map(Repairs.Repair::summary).toList());
        return answer;
    }

    @PostMapping("/api/log/import")
    ResponseEntity<Map<String, Object>> importBundle(HttpServletRequest request) throws IOException {
        BundleImport.Imported imported = importer.run(request.getInputStream());
        return ResponseEntity.status(HttpStatus.CREATED).body(answer(imported.position(), imported.hash()));
    }

    private static Map<String, Object> answer(long position, String hash) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("position", position);
        answer.put("hash", hash);
        return answer;
    }

    private static long position(String field, String text, long min, long max) {
        long value;
        try {
            value = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw Problems.refused(HttpStatus.BAD_REQUEST, "Invalid " + field, field + " must be a log position (a whole number)", field);
        }
        if (value < min || value > max) {
            throw Problems.refused(HttpStatus.BAD_REQUEST, "Invalid " + field, field + " must be from " + min + " to " + max
                    + (max < Long.MAX_VALUE ? " (the log's head)" : ""), field);
        }
        return value;
    }

    /** gzip at the fastest level: the export's rate is worth more than a few bytes. */
    private static final class FastGzip extends GZIPOutputStream {
        FastGzip(OutputStream out) throws IOException {
            super(out, 1 << 16);
            def.setLevel(Deflater.BEST_SPEED);
        }
    }
}
