package ledger.eventlog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bson.BsonBinary;
import org.bson.BsonJavaScript;
import org.bson.BsonRegularExpression;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.codecs.DocumentCodec;
import org.bson.types.Binary;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

/** A commit read where its bytes lie gives what the driver's reader gives, whatever else the commit holds. */
class LogScanTest {

    /** What a payload was read from, so the two readers' results can be compared. */
    private record Read(String type, String revision, String json) {
    }

    private static final CommitLayout.Payloads PAYLOADS = (type, revision, json, offset, length) ->
            new Read(type, revision, json == null ? null : new String(json, offset, length, StandardCharsets.UTF_8));

    private static RawBsonDocument raw(Document commit) {
        return new RawBsonDocument(commit, new DocumentCodec());
    }

    @Test
    void commitsAsTheLogStoresThemAreReadAsTheDriversReaderReadsThem() {
        Document event = new Document("id", "7b1c").append("ts", "2014-03-02T10:15:00Z").append("type", "ledger.events.DemandReceived")
                .append("rev", null).append("payload", "{\"demandId\":\"2014-H1-DE-7\",\"agency\":\"Zürich – 東京 \uD83D\uDE00\"}")
                .append("meta", "{\"actor\":\"admin\"}").append("aggType", "Demand").append("agg", "2014-H1-DE-7").append("seq", 3L)
                .append("h", new Binary(new byte[32]));
        Document commit = new Document("_id", 41L).append("n", 2).append("stream", "2014-H1-DE-7/3").append("idem", "@41")
                .append("events", List.of(event, new Document(event).append("seq", 4L).append("rev", "1")))
                .append("idemHash", "abc");
        List<LoggedEvent> read = CommitLayout.loggedEventsInPlace(raw(commit), PAYLOADS);
        assertThat(read).isEqualTo(CommitLayout.loggedEventsRead(raw(commit), PAYLOADS));
        assertThat(read).extracting(LoggedEvent::position).containsExactly(41L, 42L);
        assertThat(read).extracting(LoggedEvent::sequenceNumber).containsExactly(3L, 4L);
        assertThat(((Read) read.get(0).payload()).json()).contains("Zürich – 東京 \uD83D\uDE00");
        assertThat(((Read) read.get(1).payload()).revision()).isEqualTo("1");
    }

    @Test
    void randomCommitsAreReadAsTheDriversReaderReadsThem() {
        Random random = new Random(11);
        int inPlaceRead = 0;
        for (int i = 0; i < 3_000; i++) {
            Document commit = randomCommit(random);
            List<LoggedEvent> inPlace = CommitLayout.loggedEventsInPlace(raw(commit), PAYLOADS);
            String json = commit.toJson();
            if (!json.contains("$regularExpression") && !json.contains("$code")) {
                assertThat(inPlace).as("commit %s, of types the log holds, read where it lies", json).isNotNull();
            }
            if (inPlace != null) {
                assertThat(inPlace).as("commit %s", json).isEqualTo(CommitLayout.loggedEventsRead(raw(commit), PAYLOADS));
                inPlaceRead++;
            }
        }
        assertThat(inPlaceRead).isGreaterThan(500);
    }

    private static Document randomCommit(Random random) {
        Object id = switch (random.nextInt(3)) {
            case 0 -> (long) random.nextInt(1_000_000);
            case 1 -> random.nextInt(1_000_000);
            default -> (double) random.nextInt(1_000_000);
        };
        List<Document> events = new ArrayList<>();
        for (int e = 1 + random.nextInt(3); e > 0; e--) {
            Document event = new Document();
            List<String> names = new ArrayList<>(List.of("id", "ts", "type", "rev", "payload", "meta", "aggType", "agg", "seq", "h", "x"));
            java.util.Collections.shuffle(names, random);
            for (String name : names) {
                switch (name) {
                    case "type" -> event.append(name, "ledger.events.T" + random.nextInt(3));
                    case "payload" -> event.append(name, "{\"v\":\"" + text(random) + "\"}");
                    case "agg" -> event.append(name, random.nextInt(5) == 0 ? null : "d-" + text(random));
                    case "rev" -> event.append(name, random.nextBoolean() ? null : "1");
                    case "seq" -> event.append(name, switch (random.nextInt(4)) {
                        case 0 -> (long) random.nextInt(100);
                        case 1 -> random.nextInt(100);
                        case 2 -> (double) random.nextInt(100);
                        default -> null;
                    });
                    default -> {
                        if (random.nextInt(4) > 0) {
                            event.append(name, anyValue(random));
                        }
                    }
                }
            }
            events.add(event);
        }
        Document commit = new Document();
        List<String> names = new ArrayList<>(List.of("_id", "n", "stream", "idem", "events", "idemHash", "other"));
        java.util.Collections.shuffle(names, random);
        for (String name : names) {
            commit.append(name, switch (name) {
                case "_id" -> id;
                case "events" -> events;
                default -> anyValue(random);
            });
        }
        return commit;
    }

    private static Object anyValue(Random random) {
        return switch (random.nextInt(14)) {
            case 0 -> text(random);
            case 1 -> random.nextInt();
            case 2 -> random.nextLong();
            case 3 -> random.nextDouble();
            case 4 -> random.nextBoolean();
            case 5 -> null;
            case 6 -> new java.util.Date(random.nextInt());
            case 7 -> new Binary(new byte[random.nextInt(40)]);
            case 8 -> new ObjectId();
            case 9 -> new Document("a", text(random)).append("b", List.of(1, "two"));
            case 10 -> List.of(text(random), random.nextInt());
            case 11 -> new Decimal128(random.nextInt());
            case 12 -> new BsonRegularExpression("a+", "i"); // a type the log never holds: the driver's reader reads it
            default -> random.nextBoolean() ? new BsonJavaScript("x") : new BsonBinary(new byte[] {1, 2});
        };
    }

    private static String text(Random random) {
        StringBuilder s = new StringBuilder();
        for (int i = random.nextInt(10); i > 0; i--) {
            s.append(random.nextInt(4) == 0 ? (char) (0xE0 + random.nextInt(0x500)) : (char) ('a' + random.nextInt(26)));
        }
        return s.toString();
    }
}
