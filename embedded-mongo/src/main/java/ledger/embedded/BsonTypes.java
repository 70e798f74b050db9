package ledger.embedded;

import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.backend.ValueComparator;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.bson.BsonDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;

/**
 * How the embedded server keeps documents and index keys in its H2 file: as BSON, the form they travel in.
 * mongo-java-server's own H2 backend stores them with Java serialization, class descriptors with every
 * document and nested document: far more bytes, and far more work to write and read.
 */
final class BsonTypes {

    private static final ThreadLocal<ByteBuf> SCRATCH = ThreadLocal.withInitial(() -> Unpooled.buffer(4096));
    private static final int KEEP_SCRATCH = 1 << 20;

    private BsonTypes() {
    }

    private static ByteBuf scratch() {
        ByteBuf buffer = SCRATCH.get();
        if (buffer.capacity() > KEEP_SCRATCH) {
            buffer = Unpooled.buffer(4096);
            SCRATCH.set(buffer);
        }
        return buffer.clear();
    }

    private static void put(WriteBuffer out, ByteBuf encoded) {
        out.put(encoded.array(), encoded.arrayOffset() + encoded.readerIndex(), encoded.readableBytes());
    }

    private static Document decode(ByteBuffer in) {
        ByteBuf view = Unpooled.wrappedBuffer(in);
        Document document = BsonDecoder.decodeBson(view);
        in.position(in.position() + view.readerIndex());
        return document;
    }

    /** A rough size in memory, for the page cache's accounting; it need not be exact, only cheap. */
    static int estimate(Object value) {
        if (value instanceof String s) {
            return 40 + 2 * s.length();
        }
        if (value instanceof Map<?, ?> map) {
            int size = 64;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                size += 48 + estimate(e.getKey()) + estimate(e.getValue());
            }
            return size;
        }
        if (value instanceof Collection<?> list) {
            int size = 40;
            for (Object element : list) {
                size += 8 + estimate(element);
            }
            return size;
        }
        if (value instanceof byte[] bytes) {
            return 24 + bytes.length;
        }
        return 24;
    }

    /**
     * The documents of a collection: written from a {@link Document} or as the {@link StoredDocument} they were
     * read as; read as {@link StoredDocument}s, decoded when used.
     */
    static final class Documents extends BasicDataType<Object> {
        static final Documents INSTANCE = new Documents();

        @Override
        public int getMemory(Object document) {
            return document instanceof StoredDocument stored ? 32 + stored.bson().length : estimate(document);
        }

        @Override
        public void write(WriteBuffer out, Object document) {
            if (document instanceof StoredDocument stored) {
                out.put(stored.bson());
                return;
            }
            ByteBuf encoded = scratch();
            Bson.writeDocument((Document) document, encoded);
            put(out, encoded);
        }

        @Override
        public Object read(ByteBuffer in) {
            // a BSON document starts with its length, little-endian
            byte[] bson = new byte[Integer.reverseBytes(in.getInt(in.position()))];
            in.get(bson);
            return new StoredDocument(bson);
        }

        @Override
        public Object[] createStorage(int size) {
            return new Object[size];
        }
    }

    /**
     * The keys of a unique index: each value as a one-field BSON document, a missing field as a marker. Keys
     * are ordered as MongoDB orders values; the index is only ever asked for exact keys.
     */
    static final class IndexKeys extends BasicDataType<KeyValue> {
        static final IndexKeys INSTANCE = new IndexKeys();
        private static final byte MISSING = 0;
        private static final byte PRESENT = 1;
        private static final byte STRING = 2;

        @Override
        public int getMemory(KeyValue key) {
            int size = 48;
            for (Object value : key) {
                size += 8 + estimate(value);
            }
            return size;
        }

        @Override
        public void write(WriteBuffer out, KeyValue key) {
            out.put((byte) key.size());
            for (Object value : key) {
                if (value instanceof Missing) {
                    out.put(MISSING);
                } else if (value instanceof String s) {
                    out.put(STRING);
                    out.putVarInt(s.length()).putStringData(s, s.length());
                } else {
                    out.put(PRESENT);
                    ByteBuf encoded = scratch();
                    Bson.writeDocument(new Document("v", value), encoded);
                    put(out, encoded);
                }
            }
        }

        @Override
        public KeyValue read(ByteBuffer in) {
            int size = in.get();
            List<Object> values = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                byte tag = in.get();
                values.add(tag == MISSING ? Missing.getInstance()
                        : tag == STRING ? org.h2.mvstore.DataUtils.readString(in)
                        : decode(in).get("v"));
            }
            return new KeyValue(values);
        }

        @Override
        public int compare(KeyValue a, KeyValue b) {
            int common = Math.min(a.size(), b.size());
            for (int i = 0; i < common; i++) {
                Object x = a.get(i);
                Object y = b.get(i);
                // most keys are strings (a demand's stream, an Idempotency-Key): MongoDB orders them as Java does
                int c = x instanceof String s && y instanceof String t ? s.compareTo(t)
                        : ValueComparator.ascWithoutListHandling().compare(x, y);
                if (c != 0) {
                    return c;
                }
            }
            return Integer.compare(a.size(), b.size());
        }

        @Override
        public KeyValue[] createStorage(int size) {
            return new KeyValue[size];
        }
    }
}
