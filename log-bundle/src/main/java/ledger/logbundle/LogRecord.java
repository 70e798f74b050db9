package ledger.logbundle;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

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
    private static final JsonFactory FACTORY = JSON.getFactory();
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });
    private static final byte[] POSITION = ",\"position\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HASH = "\"hash\":\"".getBytes(StandardCharsets.US_ASCII);

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
        bundlePayload(payloadJson, p);
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

    public static String simpleName(String type) {
        return type.substring(type.lastIndexOf('.') + 1);
    }

    /** The canonical bytes of the record at {@code position}. */
    public byte[] canonical(long position) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(before.length + payload.length + after.length + 32);
        writeInMemory(position, out);
        return out.toByteArray();
    }

    /** {@code SHA-256(previous || canonical(record at position))}. */
    public byte[] hash(byte[] previous, long position) {
        MessageDigest sha = SHA256.get();
        sha.reset();
        sha.update(previous);
        writeInMemory(position, new OutputStream() {
            @Override
            public void write(int b) {
                sha.update((byte) b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                sha.update(b, off, len);
            }
        });
        return sha.digest();
    }

    /** The bundle's line: the record with its {@code "hash"}, keys still in canonical order, and a newline. */
    public void writeLine(long position, byte[] hash, OutputStream out) throws IOException {
        write(position, hash, out);
        out.write('\n');
    }

    /** The record's one layout: the canonical record, with {@code "hash"} in its sorted place when one is given. */
    private void write(long position, byte[] hash, OutputStream out) throws IOException {
        out.write('{');
        if (before.length > 0) {
            out.write(before);
            out.write(',');
        }
        if (hash != null) {
            out.write(HASH);
            out.write(text(hash).getBytes(StandardCharsets.US_ASCII));
            out.write('"');
            out.write(',');
        }
        out.write(payload);
        out.write(POSITION);
        out.write(Long.toString(position).getBytes(StandardCharsets.US_ASCII));
        if (after.length > 0) {
            out.write(',');
            out.write(after);
        }
        out.write('}');
    }

    private void writeInMemory(long position, OutputStream out) {
        try {
            write(position, null, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // neither a byte array nor a digest fails
        }
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
        try (JsonParser p = FACTORY.createParser(metaDataJson)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (name.equals("actor")) {
                    return value == JsonToken.VALUE_STRING ? p.getText() : null;
                }
                p.skipChildren();
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * The payload as the serializer stored it, in the bundle's form (see the class comment), canonical: read with a
     * streaming parser (no tree: this runs for every event appended, verified or exported).
     */
    static void bundlePayload(String payloadJson, StringBuilder out) {
        try (JsonParser p = FACTORY.createParser(payloadJson)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("a payload in the log is not a JSON object");
            }
            object(p, out, true);
        } catch (IOException e) {
            throw new IllegalArgumentException("a payload in the log is not JSON", e);
        }
    }

    /** The object the parser is at: fields that are null left out, keys sorted; below the top, a value type collapsed. */
    private static void object(JsonParser p, StringBuilder out, boolean top) throws IOException {
        TreeMap<String, String> fields = new TreeMap<>(); // String's order: UTF-16 code units, as RFC 8785 sorts
        int count = 0;
        String onlyString = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken token = p.nextToken();
            count++;
            if (token == JsonToken.VALUE_STRING && (name.equals("code") || name.equals("value"))) {
                onlyString = p.getText();
            }
            if (token == JsonToken.VALUE_NULL) {
                continue;
            }
            StringBuilder value = new StringBuilder(token == JsonToken.VALUE_STRING ? p.getTextLength() + 2 : 80);
            value(p, token, value);
            fields.put(name, value.toString());
        }
        if (!top && count == 1 && onlyString != null) {
            CanonicalJson.string(onlyString, out); // {"code": "US"} is "US", an account's {"value": ".."} its hex
            return;
        }
        out.append('{');
        boolean first = true;
        for (Map.Entry<String, String> field : fields.entrySet()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            CanonicalJson.string(field.getKey(), out);
            out.append(':').append(field.getValue());
        }
        out.append('}');
    }

    private static void value(JsonParser p, JsonToken token, StringBuilder out) throws IOException {
        switch (token) {
            case VALUE_STRING -> CanonicalJson.string(p.getText(), out);
            case START_OBJECT -> object(p, out, false);
            case START_ARRAY -> {
                out.append('[');
                boolean first = true;
                JsonToken element;
                while ((element = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    value(p, element, out);
                }
                out.append(']');
            }
            case VALUE_NULL -> out.append("null");
            case VALUE_TRUE -> out.append("true");
            case VALUE_FALSE -> out.append("false");
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> CanonicalJson.write(JSON.readTree(p), out);
            default -> throw new IllegalArgumentException("not a JSON value: " + token);
        }
    }

    private static byte[] utf8(StringBuilder text) {
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }
}
