package ledger.eventlog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;

/**
 * The record of one event as {@code log-bundle.md} defines it, in its canonical form (RFC 8785), and the chain
 * over it: {@code hash(p) = SHA-256(hash(p-1) || canonical(record at p))}, {@code hash(0)} 32 zero bytes.
 *
 * <p>Built from what the log stores (the payload's JSON as the event serializer wrote it, the metadata's JSON,
 * the timestamp's string), so the appender, the verification, the export and the import all compute the
 * same bytes. The payload goes into the record in the bundle's form: fields that are {@code null} (what a
 * correction leaves unchanged) are left out, and a value type that is one string ({@code {"code": "US"}}, an
 * account pseudonym's {@code {"value": "..."}}) is that string. Instants are already ISO-8601 strings in UTC
 * ending in {@code Z}, enums their names (the serializer writes them so).
 *
 * <p>The record's keys, sorted: actor, demandId, payload, position, recordedAt, revision, sequence, type. The
 * position is the only part not known before the append takes its place in the log, so the rest is prepared
 * beforehand (outside the append lock) and the hash costs one SHA-256 under it.
 */
public final class LogRecord {

    /** {@code hash(0)}. */
    public static final byte[] ZERO = new byte[32];
    public static final String PREFIX = "sha256:";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });
    private static final byte[] POSITION = ",\"position\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HASH = ",\"hash\":\"".getBytes(StandardCharsets.US_ASCII);

    /** {@code "actor":..,"demandId":..} (either may be missing; possibly empty). */
    private final byte[] before;
    /** {@code "payload":{..}}. */
    private final byte[] payload;
    /** {@code "recordedAt":..,"revision":..,"sequence":..,"type":..} (possibly empty). */
    private final byte[] after;

    private LogRecord(byte[] before, byte[] payload, byte[] after) {
        this.before = before;
        this.payload = payload;
        this.after = after;
    }

    /**
     * The record of an event from what the log stores of it; {@code type} may be the serialized type's full class
     * name (the record holds its simple name), {@code payloadJson} the serializer's JSON.
     */
    public static LogRecord of(String demandId, Long sequence, String type, String revision, String recordedAt,
                               String actor, String payloadJson) {
        return of(demandId, sequence, type, revision, recordedAt, actor, bundlePayload(payloadJson));
    }

    static LogRecord of(String demandId, Long sequence, String type, String revision, String recordedAt,
                        String actor, JsonNode bundlePayload) {
        StringBuilder b = new StringBuilder(96);
        if (actor != null) {
            b.append("\"actor\":");
            CanonicalJson.string(actor, b);
        }
        if (demandId != null) {
            b.append(b.length() > 0 ? "," : "").append("\"demandId\":");
            CanonicalJson.string(demandId, b);
        }
        StringBuilder p = new StringBuilder(256).append("\"payload\":");
        CanonicalJson.write(bundlePayload, p);
        StringBuilder a = new StringBuilder(128);
        if (recordedAt != null) {
            a.append("\"recordedAt\":");
            CanonicalJson.string(recordedAt, a);
        }
        if (revision != null) {
            a.append(a.length() > 0 ? "," : "").append("\"revision\":");
            CanonicalJson.string(revision, a);
        }
        if (sequence != null) {
            a.append(a.length() > 0 ? "," : "").append("\"sequence\":").append(sequence.longValue());
        }
        if (type != null) {
            a.append(a.length() > 0 ? "," : "").append("\"type\":");
            CanonicalJson.string(simpleName(type), a);
        }
        return new LogRecord(utf8(b), utf8(p), utf8(a));
    }

    /** The record of a stored event (its actor read from its metadata). */
    public static LogRecord of(StoredEvent e) {
        return of(e.aggregateId(), e.sequence(), e.type(), e.revision(), e.timestamp(), actor(e.metaDataJson()), e.payloadJson());
    }

    public static String simpleName(String type) {
        return type.substring(type.lastIndexOf('.') + 1);
    }

    /** The canonical bytes of the record at {@code position}. */
    public byte[] canonical(long position) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(before.length + payload.length + after.length + 32);
        out.write('{');
        if (before.length > 0) {
            out.writeBytes(before);
            out.write(',');
        }
        out.writeBytes(payload);
        out.writeBytes(POSITION);
        out.writeBytes(Long.toString(position).getBytes(StandardCharsets.US_ASCII));
        if (after.length > 0) {
            out.write(',');
            out.writeBytes(after);
        }
        out.write('}');
        return out.toByteArray();
    }

    /** {@code SHA-256(previous || canonical(record at position))}. */
    public byte[] hash(byte[] previous, long position) {
        MessageDigest sha = SHA256.get();
        sha.reset();
        sha.update(previous);
        sha.update((byte) '{');
        if (before.length > 0) {
            sha.update(before);
            sha.update((byte) ',');
        }
        sha.update(payload);
        sha.update(POSITION);
        sha.update(Long.toString(position).getBytes(StandardCharsets.US_ASCII));
        if (after.length > 0) {
            sha.update((byte) ',');
            sha.update(after);
        }
        sha.update((byte) '}');
        return sha.digest();
    }

    /** The bundle's line: the record with its {@code "hash"}, keys still in canonical order, and a newline. */
    public void writeLine(long position, byte[] hash, java.io.OutputStream out) throws java.io.IOException {
        out.write('{');
        if (before.length > 0) {
            out.write(before);
            out.write(HASH, 0, HASH.length);
        } else {
            out.write(HASH, 1, HASH.length - 1);
        }
        out.write(text(hash).getBytes(StandardCharsets.US_ASCII));
        out.write('"');
        out.write(',');
        out.write(payload);
        out.write(POSITION);
        out.write(Long.toString(position).getBytes(StandardCharsets.US_ASCII));
        if (after.length > 0) {
            out.write(',');
            out.write(after);
        }
        out.write('}');
        out.write('\n');
    }

    /** SHA-256 of the bytes. */
    public static byte[] sha256(byte[] previous, byte[] canonical) {
        MessageDigest sha = SHA256.get();
        sha.reset();
        sha.update(previous);
        sha.update(canonical);
        return sha.digest();
    }

    /** {@code sha256:} and 64 lower-case hex digits. */
    public static String text(byte[] hash) {
        return PREFIX + HexFormat.of().formatHex(hash);
    }

    /** The 32 bytes of a hash written as {@code sha256:} and 64 lower-case hex digits; null when it is not one. */
    public static byte[] parse(String text) {
        if (text == null || text.length() != PREFIX.length() + 64 || !text.startsWith(PREFIX)) {
            return null;
        }
        for (int i = PREFIX.length(); i < text.length(); i++) {
            char c = text.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return null;
            }
        }
        return HexFormat.of().parseHex(text, PREFIX.length(), text.length());
    }

    /** Who caused the event: the metadata's {@code actor} when it is a string, else none. */
    public static String actor(String metaDataJson) {
        if (metaDataJson == null || metaDataJson.isBlank()) {
            return null;
        }
        try {
            JsonNode actor = JSON.readTree(metaDataJson).get("actor");
            return actor != null && actor.isTextual() ? actor.textValue() : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** The payload as the serializer stored it, in the bundle's form (see the class comment). */
    public static JsonNode bundlePayload(String payloadJson) {
        try {
            return bundleForm(JSON.readTree(payloadJson), true);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("a payload in the log is not JSON", e);
        }
    }

    private static JsonNode bundleForm(JsonNode node, boolean top) {
        if (node.isObject()) {
            if (!top && node.size() == 1) {
                Map.Entry<String, JsonNode> only = node.fields().next();
                if ((only.getKey().equals("code") || only.getKey().equals("value")) && only.getValue().isTextual()) {
                    return only.getValue();
                }
            }
            ObjectNode out = JSON.createObjectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (!field.getValue().isNull()) {
                    out.set(field.getKey(), bundleForm(field.getValue(), false));
                }
            }
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JSON.createArrayNode();
            node.forEach(element -> out.add(bundleForm(element, false)));
            return out;
        }
        return node;
    }

    private static byte[] utf8(StringBuilder text) {
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }
}
