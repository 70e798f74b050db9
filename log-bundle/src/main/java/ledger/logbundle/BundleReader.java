package ledger.logbundle;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * Reads a bundle ({@code log-bundle.md}: the export's NDJSON, gzipped or not) line by line and checks its chain
 * as it goes: each line a record of the format, at the next position from 1, whose {@code hash} is
 * {@code SHA-256(previous hash || RFC 8785 form of the line without its hash)}. Needs nothing of the ledger.
 */
public final class BundleReader implements Closeable {

    private static final Set<String> KEYS = Set.of("position", "demandId", "sequence", "type", "revision", "recordedAt",
            "actor", "payload", "hash");
    private static final ObjectReader JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readerFor(JsonNode.class);

    private final BufferedReader lines;
    private long line;
    private byte[] previous = LogRecord.ZERO;
    private long position;

    public BundleReader(InputStream in) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(in, 1 << 16);
        buffered.mark(2);
        int first = buffered.read();
        int second = buffered.read();
        buffered.reset();
        InputStream body = first == 0x1f && second == 0x8b ? new GZIPInputStream(buffered, 1 << 16) : buffered;
        // malformed UTF-8 is reported, not replaced
        this.lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8.newDecoder()), 1 << 16);
    }

    /** The last position read and its hash ({@code 0} and {@code hash(0)} before the first). */
    public long position() {
        return position;
    }

    public byte[] hash() {
        return previous;
    }

    /** The next record, its chain checked; null at the end of the bundle. */
    public BundleRecord next() throws BundleBroken, IOException {
        String text;
        try {
            text = lines.readLine();
        } catch (CharacterCodingException e) {
            throw new BundleBroken(line + 1, "not UTF-8");
        } catch (java.util.zip.ZipException | java.io.EOFException e) {
            throw new BundleBroken(line + 1, "the gzip stream is broken (" + e.getMessage() + ")");
        }
        if (text == null) {
            return null;
        }
        line++;
        JsonNode node;
        try {
            node = JSON.readValue(text);
        } catch (JsonProcessingException e) {
            throw broken("not a JSON object (" + e.getOriginalMessage() + ")");
        }
        if (node == null || !node.isObject()) {
            throw broken("not a JSON object");
        }
        ObjectNode record = (ObjectNode) node;
        for (var names = record.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!KEYS.contains(name)) {
                throw broken("'" + name + "' is not a field of a record");
            }
        }
        long at = integer(record, "position");
        if (at != position + 1) {
            throw broken("position " + at + " where " + (position + 1) + " was expected (a bundle starts at 1, one line a position)");
        }
        String demandId = text(record, "demandId");
        long sequence = integer(record, "sequence");
        if (sequence < 0) {
            throw broken("a negative sequence");
        }
        String type = text(record, "type");
        String revision = text(record, "revision");
        String recordedAt = text(record, "recordedAt");
        if (!utcInstant(recordedAt)) {
            throw broken("recordedAt '" + recordedAt + "' is not an ISO-8601 instant in UTC (ending in Z)");
        }
        String actor = null;
        if (record.has("actor")) {
            actor = text(record, "actor");
        }
        JsonNode payload = record.get("payload");
        if (payload == null || !payload.isObject()) {
            throw broken("payload is not a JSON object");
        }
        JsonNode hashNode = record.remove("hash");
        byte[] hash = hashNode == null || !hashNode.isTextual() ? null : LogRecord.parse(hashNode.textValue());
        if (hash == null) {
            throw broken("hash is not 'sha256:' and 64 lower-case hex digits");
        }
        byte[] canonical;
        try {
            canonical = CanonicalJson.write(record).getBytes(StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw broken(e.getMessage());
        }
        byte[] expected = LogRecord.sha256(previous, canonical);
        if (!Arrays.equals(expected, hash)) {
            throw broken("position " + at + ": the hash does not match the record and the line before (changed here or before, "
                    + "expected " + LogRecord.text(expected) + ")");
        }
        previous = hash;
        position = at;
        return new BundleRecord(line, at, demandId, sequence, type, revision, recordedAt, actor, payload, hash, canonical);
    }

    /** {@code yyyy-MM-ddTHH:mm:ss[.fraction]Z} that Instant reads: the form checked by hand first, it is faster. */
    static boolean utcInstant(String text) {
        int n = text.length();
        boolean form = n >= 20 && n <= 30 && text.charAt(4) == '-' && text.charAt(7) == '-' && text.charAt(10) == 'T'
                && text.charAt(13) == ':' && text.charAt(16) == ':' && text.charAt(n - 1) == 'Z'
                && digits(text, 0, 4) && digits(text, 5, 7) && digits(text, 8, 10) && digits(text, 11, 13)
                && digits(text, 14, 16) && digits(text, 17, 19)
                && (n == 20 || (text.charAt(19) == '.' && n >= 22 && digits(text, 20, n - 1)));
        if (!form) {
            return false;
        }
        int month = Integer.parseInt(text, 5, 7, 10);
        int day = Integer.parseInt(text, 8, 10, 10);
        if (month >= 1 && month <= 12 && day >= 1 && day <= 28 && Integer.parseInt(text, 11, 13, 10) < 24
                && Integer.parseInt(text, 14, 16, 10) < 60 && Integer.parseInt(text, 17, 19, 10) < 60) {
            return true;
        }
        try {
            Instant.parse(text); // the days of a month, and the rest, as java.time knows them
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    private static boolean digits(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private BundleBroken broken(String reason) {
        return new BundleBroken(line, reason);
    }

    private long integer(ObjectNode record, String field) throws BundleBroken {
        JsonNode value = record.get(field);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()) {
            throw broken(field + " is not an integer");
        }
        return value.longValue();
    }

    private String text(ObjectNode record, String field) throws BundleBroken {
        JsonNode value = record.get(field);
        if (value == null || !value.isTextual()) {
            throw broken(field + " is not a string");
        }
        return value.textValue();
    }

    @Override
    public void close() throws IOException {
        lines.close();
    }
}
