package ledger.embedded;

import de.bwaldvogel.mongo.bson.BinData;
import de.bwaldvogel.mongo.wire.BsonConstants;
import de.bwaldvogel.mongo.wire.bson.BsonEncoder;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Writes documents as BSON, byte for byte as mongo-java-server's {@link BsonEncoder} does, at a fraction of its
 * cost: it looks every field up again by its name, and copies every array into a new document keyed "0", "1", ...
 * (a cursor's batch of thousands of documents too) before writing it. The server writes each document it
 * sends, stores and logs this way (a replay's cursor alone sends every commit of the log); a document still as
 * the file stored it ({@link StoredDocument}) is written as its bytes; types other than the common ones are left
 * to {@link BsonEncoder}.
 */
final class Bson {

    private static final byte[][] INDEXES = new byte[1024][];

    static {
        for (int i = 0; i < INDEXES.length; i++) {
            INDEXES[i] = cstring(Integer.toString(i));
        }
    }

    private Bson() {
    }

    private static byte[] cstring(String s) {
        byte[] text = s.getBytes(StandardCharsets.UTF_8);
        return java.util.Arrays.copyOf(text, text.length + 1);
    }

    static void writeDocument(Map<String, ?> document, ByteBuf out) {
        int start = out.writerIndex();
        out.writeIntLE(0);
        for (Map.Entry<String, ?> field : document.entrySet()) {
            writeField(field.getKey(), field.getValue(), out);
        }
        out.writeByte(BsonConstants.TERMINATING_BYTE);
        out.setIntLE(start, out.writerIndex() - start);
    }

    private static void writeArray(Collection<?> values, ByteBuf out) {
        int start = out.writerIndex();
        out.writeIntLE(0);
        int i = 0;
        if (values instanceof List<?> list && list instanceof java.util.RandomAccess) {
            for (int n = list.size(); i < n; i++) {
                writeElement(i, list.get(i), out);
            }
        } else {
            for (Object value : values) {
                writeElement(i++, value, out);
            }
        }
        out.writeByte(BsonConstants.TERMINATING_BYTE);
        out.setIntLE(start, out.writerIndex() - start);
    }

    private static void writeElement(int index, Object value, ByteBuf out) {
        byte type = typeOf(value);
        out.writeByte(type);
        if (index < INDEXES.length) {
            out.writeBytes(INDEXES[index]);
        } else {
            writeCString(Integer.toString(index), out);
        }
        writeValue(type, value, out);
    }

    private static void writeField(String name, Object value, ByteBuf out) {
        byte type = typeOf(value);
        out.writeByte(type);
        writeCString(name, out);
        writeValue(type, value, out);
    }

    private static byte typeOf(Object value) {
        if (value instanceof String) {
            return BsonConstants.TYPE_UTF8_STRING;
        }
        if (value instanceof Map) {
            return BsonConstants.TYPE_EMBEDDED_DOCUMENT;
        }
        if (value instanceof Long) {
            return BsonConstants.TYPE_INT64;
        }
        if (value instanceof Integer) {
            return BsonConstants.TYPE_INT32;
        }
        if (value instanceof StoredDocument) {
            return BsonConstants.TYPE_EMBEDDED_DOCUMENT;
        }
        return BsonEncoder.determineType(value);
    }

    private static void writeValue(byte type, Object value, ByteBuf out) {
        switch (type) {
            case BsonConstants.TYPE_UTF8_STRING -> writeString((String) value, out);
            case BsonConstants.TYPE_EMBEDDED_DOCUMENT -> {
                if (value instanceof StoredDocument stored) {
                    out.writeBytes(stored.bson());
                } else {
                    @SuppressWarnings("unchecked")
                    Map<String, ?> document = (Map<String, ?>) value;
                    writeDocument(document, out);
                }
            }
            case BsonConstants.TYPE_ARRAY -> writeArray((Collection<?>) value, out);
            case BsonConstants.TYPE_INT64 -> out.writeLongLE((Long) value);
            case BsonConstants.TYPE_INT32 -> out.writeIntLE((Integer) value);
            case BsonConstants.TYPE_DOUBLE -> out.writeLongLE(Double.doubleToRawLongBits((Double) value));
            case BsonConstants.TYPE_BOOLEAN -> out.writeByte((Boolean) value ? BsonConstants.BOOLEAN_VALUE_TRUE : BsonConstants.BOOLEAN_VALUE_FALSE);
            case BsonConstants.TYPE_NULL -> {
            }
            case BsonConstants.TYPE_UTC_DATETIME -> out.writeLongLE(((Instant) value).toEpochMilli());
            case BsonConstants.TYPE_DATA -> {
                if (value instanceof BinData data) {
                    byte[] bytes = data.getData();
                    out.writeIntLE(bytes.length);
                    out.writeByte(BsonConstants.BINARY_SUBTYPE_GENERIC);
                    out.writeBytes(bytes);
                } else {
                    BsonEncoder.encodeValue(type, value, out);
                }
            }
            default -> BsonEncoder.encodeValue(type, value, out);
        }
    }

    /** As {@link BsonEncoder} writes it: {@code String.getBytes(UTF_8)}, an unpaired surrogate as '?'. */
    private static void writeCString(String text, ByteBuf out) {
        out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
        out.writeByte(BsonConstants.STRING_TERMINATION);
    }

    private static void writeString(String text, ByteBuf out) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        out.writeIntLE(bytes.length + 1);
        out.writeBytes(bytes);
        out.writeByte(BsonConstants.STRING_TERMINATION);
    }
}
