package ledger.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.bson.BinData;
import de.bwaldvogel.mongo.bson.BsonTimestamp;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.MaxKey;
import de.bwaldvogel.mongo.bson.ObjectId;
import de.bwaldvogel.mongo.wire.bson.BsonEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class BsonTest {

    private static String encodedByLibrary(Document document) {
        ByteBuf out = Unpooled.buffer();
        BsonEncoder.encodeDocument(document, out);
        return ByteBufUtil.hexDump(out);
    }

    private static String encoded(Document document) {
        ByteBuf out = Unpooled.buffer(16);
        Bson.writeDocument(document, out);
        return ByteBufUtil.hexDump(out);
    }

    @Test
    void writesEveryTypeAsTheLibrarysEncoderDoes() {
        List<Object> big = new ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            big.add(i % 3 == 0 ? "e" + i : new Document("i", i));
        }
        Document document = new Document("_id", 42L)
                .append("n", 7)
                .append("d", 1.5)
                .append("t", true).append("f", false)
                .append("null", null)
                .append("ascii", "DemandReceived")
                .append("utf8", "Zürich – 東京 \uD83D\uDE00")
                .append("lone surrogates", "a\uD800b\uDC00c\uD800")
                .append("", "empty name")
                .append("nested", new Document("a", new Document("b", List.of(1, 2L, "three"))))
                .append("set", new LinkedHashSet<>(List.of("x", "y")))
                .append("big array", big)
                .append("empty", new Document()).append("empty array", List.of())
                .append("bin", new BinData(new byte[] {1, 2, 3}))
                .append("uuid", UUID.fromString("123e4567-e89b-12d3-a456-426614174000"))
                .append("date", Instant.ofEpochMilli(1_393_755_300_000L))
                .append("oid", new ObjectId())
                .append("ts", new BsonTimestamp(123456789L))
                .append("max", MaxKey.getInstance());
        assertThat(encoded(document)).isEqualTo(encodedByLibrary(document));
    }

    @Test
    void writesRandomDocumentsAsTheLibrarysEncoderDoes() {
        Random random = new Random(8);
        for (int i = 0; i < 2_000; i++) {
            Document document = randomDocument(random, 0);
            assertThat(encoded(document)).as("document %s", document).isEqualTo(encodedByLibrary(document));
        }
    }

    @Test
    void refusesWhatTheLibraryRefuses() {
        assertThatThrownBy(() -> encoded(new Document("m", Missing.getInstance()))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> encoded(new Document("o", new Object()))).isInstanceOf(IllegalArgumentException.class);
    }

    private static Document randomDocument(Random random, int depth) {
        Document document = new Document();
        int fields = random.nextInt(8);
        for (int i = 0; i < fields; i++) {
            document.put(randomString(random), randomValue(random, depth));
        }
        return document;
    }

    private static Object randomValue(Random random, int depth) {
        return switch (random.nextInt(depth < 3 ? 9 : 7)) {
            case 0 -> randomString(random);
            case 1 -> random.nextInt();
            case 2 -> random.nextLong();
            case 3 -> random.nextDouble();
            case 4 -> random.nextBoolean();
            case 5 -> null;
            case 6 -> Instant.ofEpochMilli(random.nextLong() >> 20);
            case 7 -> randomDocument(random, depth + 1);
            default -> {
                List<Object> list = new ArrayList<>();
                int n = random.nextInt(6);
                for (int i = 0; i < n; i++) {
                    list.add(randomValue(random, depth + 1));
                }
                yield list;
            }
        };
    }

    private static String randomString(Random random) {
        StringBuilder s = new StringBuilder();
        int n = random.nextInt(12);
        for (int i = 0; i < n; i++) {
            s.append(switch (random.nextInt(5)) {
                case 0 -> (char) ('a' + random.nextInt(26));
                case 1 -> (char) (0x80 + random.nextInt(0x700));
                case 2 -> (char) (0xD800 + random.nextInt(0x800)); // surrogates, paired or not
                default -> (char) (' ' + random.nextInt(95));
            });
        }
        return s.toString();
    }
}
