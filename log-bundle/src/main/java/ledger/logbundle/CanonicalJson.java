package ledger.logbundle;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * RFC 8785 (JSON Canonicalization Scheme) for the JSON a log record holds: objects with their keys sorted by
 * UTF-16 code units, no whitespace, strings with the minimal escapes of ECMAScript's JSON.stringify, integers
 * as integers; {@code true}, {@code false}, {@code null}. Numbers that are not integers, or integers beyond
 * ±2^53 (which RFC 8785 would write in a double's form), never occur in a record and are refused.
 */
public final class CanonicalJson {

    private static final long MAX_SAFE_INTEGER = (1L << 53);
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private CanonicalJson() {
    }

    /** The canonical form of a JSON value (a tree as Jackson parses it). */
    public static String write(JsonNode node) {
        StringBuilder out = new StringBuilder(256);
        write(node, out);
        return out.toString();
    }

    public static void write(JsonNode node, StringBuilder out) {
        switch (node.getNodeType()) {
            case OBJECT -> {
                List<Map.Entry<String, JsonNode>> fields = new ArrayList<>(node.size());
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                    fields.add(it.next());
                }
                // String.compareTo compares UTF-16 code units, as RFC 8785 sorts
                fields.sort(Map.Entry.comparingByKey());
                out.append('{');
                for (int i = 0; i < fields.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    string(fields.get(i).getKey(), out);
                    out.append(':');
                    write(fields.get(i).getValue(), out);
                }
                out.append('}');
            }
            case ARRAY -> {
                out.append('[');
                for (int i = 0; i < node.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    write(node.get(i), out);
                }
                out.append(']');
            }
            case STRING -> string(node.textValue(), out);
            case NUMBER -> out.append(integer(node));
            case BOOLEAN -> out.append(node.booleanValue() ? "true" : "false");
            case NULL -> out.append("null");
            default -> throw new IllegalArgumentException("not a JSON value: " + node.getNodeType());
        }
    }

    private static long integer(JsonNode number) {
        if (number.isIntegralNumber()) {
            BigInteger value = number.bigIntegerValue();
            if (value.abs().compareTo(BigInteger.valueOf(MAX_SAFE_INTEGER)) <= 0) {
                return value.longValue();
            }
        } else {
            double value = number.doubleValue();
            if (value == Math.rint(value) && Math.abs(value) <= MAX_SAFE_INTEGER) {
                return (long) value;
            }
        }
        throw new IllegalArgumentException("only integers up to 2^53 occur in a record, not " + number);
    }

    /** A string as RFC 8785 writes it: quotes, backslash and control characters escaped, nothing else. */
    public static void string(String value, StringBuilder out) {
        out.append('"');
        int start = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\') {
                continue;
            }
            out.append(value, start, i);
            start = i + 1;
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\f' -> out.append("\\f");
                case '\r' -> out.append("\\r");
                default -> out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
            }
        }
        out.append(value, start, value.length());
        out.append('"');
    }
}
