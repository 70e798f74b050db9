package ledger.embedded;

import de.bwaldvogel.mongo.bson.Document;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Log segments written as the log writes them, for recovery to read back: commits of the ledger's event log. */
final class WalFixture {

    static final long SEGMENT_BYTES = 64 << 10;
    static final String DATABASE = "ledger";
    /** Events per commit: command t inserts the commit at position (t - 1) * EVENTS + 1. */
    static final int EVENTS = 3;

    private WalFixture() {
    }

    /** A row of about a kilobyte, as the full-disk tests write them through the driver. */
    static org.bson.Document row(long id) {
        return new org.bson.Document("_id", id).append("body", "x".repeat(1000));
    }

    /** The code of the MongoDB error the action fails with, 0 if it succeeds. */
    static int codeOf(Runnable action) {
        try {
            action.run();
            return 0;
        } catch (com.mongodb.MongoException e) {
            return e.getCode();
        }
    }

    /**
     * Once room is freed: waits (within {@code within}) until a write is accepted again, then writes {@code more}
     * rows; every row written is added to {@code acknowledged}. Answers the last id written.
     */
    static long writesResume(com.mongodb.client.MongoCollection<org.bson.Document> rows, long lastId, java.util.Collection<Long> acknowledged,
                             int more, java.time.Duration within) {
        long resumed = lastId + 1;
        org.awaitility.Awaitility.await().atMost(within).pollInterval(java.time.Duration.ofMillis(100))
                .until(() -> codeOf(() -> rows.insertOne(row(resumed))) == 0);
        acknowledged.add(resumed);
        long id = resumed;
        for (int i = 0; i < more; i++) {
            rows.insertOne(row(++id));
            acknowledged.add(id);
        }
        return id;
    }

    static WriteAheadLog.Options options() {
        return new WriteAheadLog.Options(SEGMENT_BYTES);
    }

    static long firstPosition(long ticket) {
        return (ticket - 1) * EVENTS + 1;
    }

    /** The record of command {@code ticket}: an insert of one commit of {@value #EVENTS} events. */
    static byte[] record(long ticket) {
        Document commit = new Document("_id", firstPosition(ticket)).append("stream", "d-" + ticket + "/0").append("n", EVENTS)
                .append("events", List.of(new Document("seq", 0L).append("payload", "{\"x\":" + ticket + "}")));
        Document command = new Document("insert", "event_log").append("ordered", true)
                .append("documents", List.of(commit)).append("$db", DATABASE);
        ByteBuf encoded = WalRecord.encode(Unpooled.buffer(), ticket, DATABASE, command);
        byte[] bytes = new byte[encoded.readableBytes()];
        encoded.readBytes(bytes);
        return bytes;
    }

    /** Writes a segment of commands first..last, preallocated (zeros after them); returns each record's offset. */
    static long[] segment(Path dir, long first, long last) throws IOException {
        byte[] file = new byte[(int) SEGMENT_BYTES];
        long[] offsets = new long[(int) (last - first + 1)];
        int at = 0;
        for (long t = first; t <= last; t++) {
            byte[] record = record(t);
            offsets[(int) (t - first)] = at;
            System.arraycopy(record, 0, file, at, record.length);
            at += record.length;
        }
        Files.write(dir.resolve(WalSegments.name(first)), file);
        return offsets;
    }

    static Path segmentPath(Path dir, long first) {
        return dir.resolve(WalSegments.name(first));
    }

    static List<Path> segments(Path dir) {
        return new WalSegments(dir, SEGMENT_BYTES, WalSegments.FILES).list();
    }

    static void flipByte(Path file, long offset) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        bytes[(int) offset] ^= 0x5a;
        Files.write(file, bytes);
    }

    /** Keeps only the first {@code keep} bytes from {@code offset} on; zeros after, as preallocation leaves them. */
    static void tear(Path file, long offset, int keep) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        Arrays.fill(bytes, (int) offset + keep, bytes.length, (byte) 0);
        Files.write(file, bytes);
    }

    /** The ids of the rows a fresh server on {@code dataDir} finds: what the folder holds after a restart. */
    static List<Long> rowsAfterRestart(Path dataDir, long segmentBytes) {
        EmbeddedMongo restarted = EmbeddedMongo.start(dataDir, "127.0.0.1", 0, new WriteAheadLog.Options(segmentBytes));
        try (com.mongodb.client.MongoClient client = com.mongodb.client.MongoClients.create(
                "mongodb://127.0.0.1:" + restarted.address().getPort())) {
            return ids(client.getDatabase(DATABASE).getCollection("rows").find().into(new ArrayList<>()));
        } finally {
            restarted.stop();
        }
    }

    static List<Long> ids(Iterable<org.bson.Document> documents) {
        List<Long> ids = new ArrayList<>();
        for (org.bson.Document d : documents) {
            ids.add(((Number) d.get("_id")).longValue());
        }
        return ids;
    }
}
