package ledger.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log's own space, with ENOSPC injected where the file system would answer it: a segment that cannot be
 * allocated, an append that fails part-way. Writes are refused (14031) before they are applied, none is lost.
 */
class WalSpaceTest {

    private static final long SEGMENT_BYTES = 64 << 10;

    @TempDir
    Path dataDir;

    private final AtomicBoolean allocationFails = new AtomicBoolean();
    private final AtomicBoolean appendFails = new AtomicBoolean();

    /** Files that answer ENOSPC on demand: while allocating the spare, or once in the middle of an append. */
    private final WalSegments.Opener opener = path -> {
        WalSegments.LogFile file = WalSegments.FILES.open(path);
        boolean spare = path.getFileName().toString().startsWith(WalSegments.SPARE);
        return new WalSegments.LogFile() {
            @Override
            public void write(ByteBuffer bytes, long position) throws IOException {
                if (spare && allocationFails.get()) {
                    throw new IOException("No space left on device");
                }
                if (!spare && bytes.remaining() > 1 && appendFails.get()) {
                    ByteBuffer half = bytes.duplicate();
                    half.limit(half.position() + half.remaining() / 2);
                    file.write(half, position); // part of it reaches the file, as a real ENOSPC may leave it
                    throw new IOException("No space left on device");
                }
                file.write(bytes, position);
            }

            @Override
            public void force() throws IOException {
                file.force();
            }

            @Override
            public void close() throws IOException {
                file.close();
            }
        };
    };



    @Test
    void whenNoSegmentCanBeAllocatedWritesAreRefusedBeforeTheyAreAppliedAndResumeOnceOneCan() {
        EmbeddedMongo embedded = EmbeddedMongo.start(dataDir, "127.0.0.1", 0, new WriteAheadLog.Options(SEGMENT_BYTES, WriteAheadLog.Faults.opening(opener)));
        Set<Long> acknowledged = new HashSet<>();
        try (MongoClient client = MongoClients.create("mongodb://127.0.0.1:" + embedded.address().getPort())) {
            MongoCollection<Document> rows = client.getDatabase("ledger").getCollection("rows");
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(dataDir.resolve(WalSegments.SPARE)));
            allocationFails.set(true);
            long id = 0;
            MongoException refused = null;
            while (refused == null && id < 10_000) {
                try {
                    rows.insertOne(WalFixture.row(++id));
                    acknowledged.add(id);
                } catch (MongoException e) {
                    refused = e;
                }
            }
            assertThat(refused).isNotNull();
            assertThat(refused.getCode()).isEqualTo(14031);
            assertThat(refused.getMessage()).contains("disk full: cannot allocate the next write-ahead log segment (" + SEGMENT_BYTES
                    + " bytes) in " + dataDir + ": No space left on device");
            // the current segment and the spare were filled: nothing was refused while room was allocated
            assertThat(acknowledged.size() * 1000L).isGreaterThan(SEGMENT_BYTES);
            assertThat(rows.find(new Document("_id", id)).first()).isNull();
            assertThat(rows.countDocuments()).isEqualTo(acknowledged.size());

            allocationFails.set(false);
            id = WalFixture.writesResume(rows, id, acknowledged, 100, Duration.ofSeconds(5));
        } finally {
            embedded.stop();
        }
        assertAllThere(dataDir, acknowledged);
    }

    @Test
    void anAppendThatRunsOutOfSpaceIsWrittenAgainInPlaceAndNothingHalfWrittenStays() throws Exception {
        EmbeddedMongo embedded = EmbeddedMongo.start(dataDir, "127.0.0.1", 0, new WriteAheadLog.Options(SEGMENT_BYTES, WriteAheadLog.Faults.opening(opener)));
        Set<Long> acknowledged = new HashSet<>();
        try (MongoClient client = MongoClients.create("mongodb://127.0.0.1:" + embedded.address().getPort())) {
            MongoCollection<Document> rows = client.getDatabase("ledger").getCollection("rows");
            for (long id = 1; id <= 10; id++) {
                rows.insertOne(WalFixture.row(id));
                acknowledged.add(id);
            }
            appendFails.set(true);
            CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> rows.insertOne(WalFixture.row(11)));
            await().atMost(Duration.ofSeconds(5)).until(() -> embedded.backend().refusing() != null);
            assertThat(embedded.backend().refusing()).startsWith("cannot write the write-ahead log segment");
            assertThat(WalFixture.codeOf(() -> rows.insertOne(WalFixture.row(12)))).isEqualTo(14031);
            assertThat(waiting).isNotDone();
            appendFails.set(false);
            waiting.get(10, java.util.concurrent.TimeUnit.SECONDS);
            acknowledged.add(11L);
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                    .until(() -> WalFixture.codeOf(() -> rows.insertOne(WalFixture.row(13))) == 0);
            acknowledged.add(13L);
            // the folder as a crash now would leave it (every file as the kernel has it): read back, not stopped cleanly
            copy(dataDir, crashed);
        } finally {
            embedded.stop();
        }
        assertAllThere(crashed, acknowledged);
    }

    @TempDir
    Path crashed;

    private static void copy(Path from, Path to) throws IOException {
        try (var files = Files.list(from)) {
            for (Path file : files.toList()) {
                Files.copy(file, to.resolve(file.getFileName()));
            }
        }
    }

    private static void assertAllThere(Path dataDir, Set<Long> acknowledged) {
        assertThat(WalFixture.rowsAfterRestart(dataDir, SEGMENT_BYTES)).containsExactlyInAnyOrderElementsOf(acknowledged);
    }
}
