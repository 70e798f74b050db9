package ledger.embedded;

import static ledger.embedded.WalFixture.firstPosition;
import static ledger.embedded.WalFixture.options;
import static ledger.embedded.WalFixture.segment;
import static ledger.embedded.WalFixture.segmentPath;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.bson.Document;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading the log back: a torn tail is dropped, damage refuses the start and says what it would cost. */
class WalRecoveryTest {

    @TempDir
    Path dataDir;

    private static List<Long> eventLogIds(EmbeddedMongo embedded) {
        try (MongoClient client = MongoClients.create("mongodb://127.0.0.1:" + embedded.address().getPort())) {
            return WalFixture.ids(client.getDatabase("ledger").getCollection("event_log").find().into(new ArrayList<>()));
        }
    }

    private static List<Long> positionsOf(long firstTicket, long lastTicket) {
        return LongStream.rangeClosed(firstTicket, lastTicket).map(WalFixture::firstPosition).boxed().toList();
    }

    /**
     * The last record cut off at every byte (preallocated zeros after it, or the file simply ending there): the
     * records before it are kept, it is dropped, and the drop is said where anything of it was written.
     */
    @Test
    void aRecordTornAtEveryByteOffsetIsDroppedAndTheRestKept() throws Exception {
        long[] offsets = segment(dataDir, 1, 5);
        Path file = segmentPath(dataDir, 1);
        byte[] whole = Files.readAllBytes(file);
        int length = WalFixture.record(5).length;
        for (int keep = 0; keep < length; keep++) {
            for (boolean truncated : new boolean[] {false, true}) {
                byte[] torn = java.util.Arrays.copyOf(whole, truncated ? (int) offsets[4] + keep : whole.length);
                java.util.Arrays.fill(torn, (int) Math.min(torn.length, offsets[4] + keep), torn.length, (byte) 0);
                Files.write(file, torn);
                WalRecovery recovery = WalRecovery.read(List.of(file), 0);
                assertThat(recovery.loss).as("torn after %d bytes", keep).isNull();
                // a record whose missing bytes are zeros anyway (its last byte ends its BSON) is whole
                boolean intact = !truncated;
                for (int i = keep; i < length && intact; i++) {
                    intact = whole[(int) offsets[4] + i] == 0;
                }
                assertThat(recovery.last()).as("torn after %d bytes", keep).isEqualTo(intact ? 5 : 4);
                boolean anythingWritten = false;
                for (int i = 0; i < keep; i++) {
                    anythingWritten |= torn[(int) offsets[4] + i] != 0;
                }
                assertThat(recovery.tornAt != null).as("torn after %d bytes", keep).isEqualTo(anythingWritten && !intact);
                if (anythingWritten && !intact) {
                    assertThat(recovery.tornAt.offset()).isEqualTo(offsets[4]);
                }
            }
        }
        // and a start with one of them: records 1..4 are there, the drop is logged with where and how much
        WalFixture.tear(file, offsets[4], length / 2);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream previous = System.err;
        EmbeddedMongo embedded;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            embedded = EmbeddedMongo.start(dataDir, "127.0.0.1", 0, options());
        } finally {
            System.setErr(previous);
        }
        try {
            assertThat(eventLogIds(embedded)).containsExactlyElementsOf(positionsOf(1, 4));
        } finally {
            embedded.stop();
        }
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("dropped the end of the write-ahead log that was never synced")
                .contains("at byte offset " + offsets[4] + " of " + file.getFileName());
    }

    /** A record that fails its checksum with valid records after it is damage: the start is refused, nothing changed. */
    @Test
    void aChecksumFailingMidLogWithValidRecordsAfterItRefusesTheStart() throws Exception {
        long[] offsets = segment(dataDir, 1, 8);
        Path file = segmentPath(dataDir, 1);
        WalFixture.flipByte(file, offsets[2] + 40); // inside command 3's body
        byte[] before = Files.readAllBytes(file);
        assertThatThrownBy(() -> EmbeddedMongo.start(dataDir, "127.0.0.1", 0, options()))
                .isInstanceOf(WalRecovery.Damaged.class)
                .hasMessageContaining("a record fails its checksum in " + file.getFileName() + " at byte offset " + offsets[2])
                .hasMessageContaining("6 logged writes from there on would be lost")
                .hasMessageContaining("database 'ledger': event-log positions " + firstPosition(3) + " to " + (firstPosition(9) - 1));
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
        assertThat(checkpoint()).isZero();
        // the server as ./run starts it: it exits, saying why
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), EmbeddedMongo.class.getName())
                .redirectErrorStream(true);
        builder.environment().put("DATA_DIR", dataDir.toString());
        builder.environment().put("MONGO_PORT", "0");
        builder.environment().put("WAL_SEGMENT_BYTES", String.valueOf(WalFixture.SEGMENT_BYTES));
        Process server = builder.start();
        String said = new String(server.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(server.waitFor()).isEqualTo(3);
        assertThat(said).contains("refusing to start: the write-ahead log in " + dataDir + " is damaged: a record fails its checksum in "
                + file.getFileName() + " at byte offset " + offsets[2]).contains("./run repair");
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
    }

    /** Damage among records the checkpoint already holds costs nothing: skipped, and said. */
    @Test
    void damageAmongCheckpointedRecordsIsSkipped() throws Exception {
        long[] offsets = segment(dataDir, 1, 8);
        Path file = segmentPath(dataDir, 1);
        WalFixture.flipByte(file, offsets[2] + 40);
        WalRecovery recovery = WalRecovery.read(List.of(file), 5);
        assertThat(recovery.loss).isNull();
        assertThat(recovery.skipped).containsExactly(new WalRecovery.Position(file, offsets[2]));
        assertThat(recovery.last()).isEqualTo(8);
        // with the checkpoint before the damaged record, it is damage
        assertThat(WalRecovery.read(List.of(file), 2).loss).isNotNull();
    }

    /** Tickets that skip from one segment to the next: a segment is missing. */
    @Test
    void aMissingSegmentRefusesTheStart() throws Exception {
        segment(dataDir, 1, 3);
        segment(dataDir, 4, 6);
        segment(dataDir, 7, 9);
        Files.delete(segmentPath(dataDir, 4));
        assertThatThrownBy(() -> EmbeddedMongo.start(dataDir, "127.0.0.1", 0, options()))
                .isInstanceOf(WalRecovery.Damaged.class)
                .hasMessageContaining("the log skips from command 3 to 7")
                .hasMessageContaining(WalSegments.name(7) + " at byte offset 0")
                .hasMessageContaining("6 logged writes from there on would be lost")
                .hasMessageContaining("event-log positions " + firstPosition(4) + " to " + (firstPosition(10) - 1));
    }

    /** A segment whose records are not the ones its name says (swapped with another): out of order. */
    @Test
    void anOutOfOrderSegmentRefusesTheStart() throws Exception {
        segment(dataDir, 1, 3);
        segment(dataDir, 4, 6);
        segment(dataDir, 7, 9);
        Path b = segmentPath(dataDir, 4);
        Path c = segmentPath(dataDir, 7);
        Path swap = dataDir.resolve("swap");
        Files.move(b, swap);
        Files.move(c, b);
        Files.move(swap, c);
        assertThatThrownBy(() -> EmbeddedMongo.start(dataDir, "127.0.0.1", 0, options()))
                .isInstanceOf(WalRecovery.Damaged.class)
                .hasMessageContaining("the segment's first record is command 7 where its name says 4")
                .hasMessageContaining(WalSegments.name(4) + " at byte offset 0");
    }

    /** The H2 file unreadable, or its checkpoint number older than the log: the start is refused, naming it. */
    @Test
    void aDamagedCheckpointRefusesTheStart() throws Exception {
        EmbeddedMongo first = EmbeddedMongo.start(dataDir, "127.0.0.1", 0, options());
        try (MongoClient client = MongoClients.create("mongodb://127.0.0.1:" + first.address().getPort())) {
            for (long i = 1; i <= 20; i++) {
                client.getDatabase("ledger").getCollection("event_log").insertOne(new Document("_id", i).append("n", 1));
            }
        } finally {
            first.stop();
        }
        long checkpoint = checkpoint();
        assertThat(checkpoint).isGreaterThanOrEqualTo(20);
        // the log goes on after a checkpoint the file does not hold: as if the file were an older copy
        for (Path old : WalFixture.segments(dataDir)) {
            Files.delete(old);
        }
        segment(dataDir, checkpoint + 5, checkpoint + 6);
        assertThatThrownBy(() -> EmbeddedMongo.start(dataDir, "127.0.0.1", 0, options()))
                .isInstanceOf(WalRecovery.Damaged.class)
                .hasMessageContaining("the checkpoint holds commands up to " + checkpoint + " but the log starts at command "
                        + (checkpoint + 5));
        assertThat(StoreRepair.run(dataDir, options(), System.out, System.err)).isEqualTo(4);
        // the file itself unreadable
        Path file = dataDir.resolve(EmbeddedMongo.FILE);
        byte[] garbage = new byte[(int) Files.size(file)];
        new java.util.Random(7).nextBytes(garbage);
        Files.write(file, garbage);
        assertThatThrownBy(() -> EmbeddedMongo.start(dataDir, "127.0.0.1", 0, options()))
                .isInstanceOf(EmbeddedMongo.CheckpointUnreadable.class)
                .hasMessageContaining("the checkpoint " + EmbeddedMongo.FILE + " in " + dataDir + " cannot be read")
                .hasMessageContaining("restore the data folder from a backup");
    }

    private long checkpoint() {
        Path file = dataDir.resolve(EmbeddedMongo.FILE);
        if (!Files.exists(file)) {
            return 0;
        }
        MVStore store = new MVStore.Builder().fileName(file.toString()).readOnly().open();
        try {
            return store.<String, Long>openMap("_wal").getOrDefault("checkpoint", 0L);
        } finally {
            store.close();
        }
    }
}
