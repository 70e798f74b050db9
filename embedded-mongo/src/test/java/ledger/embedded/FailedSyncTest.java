package ledger.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A sync that fails is never taken for one that worked: nobody waiting on it is acknowledged, the store halts. */
class FailedSyncTest {

    @TempDir
    Path dataDir;

    @Test
    void aFailedSyncHaltsWritesAndAcknowledgesNobodyWaitingOnIt() throws Exception {
        AtomicBoolean failing = new AtomicBoolean();
        WalSegments.Opener opener = path -> {
            WalSegments.LogFile file = WalSegments.FILES.open(path);
            return new WalSegments.LogFile() {
                @Override
                public void write(ByteBuffer bytes, long position) throws IOException {
                    file.write(bytes, position);
                }

                @Override
                public void force() throws IOException {
                    if (failing.get() && path.getFileName().toString().startsWith(WalSegments.PREFIX)) {
                        throw new IOException("Input/output error");
                    }
                    file.force();
                }

                @Override
                public void close() throws IOException {
                    file.close();
                }
            };
        };
        EmbeddedMongo embedded = EmbeddedMongo.start(dataDir, "127.0.0.1", 0, new WriteAheadLog.Options(1 << 20, WriteAheadLog.Faults.opening(opener)));
        String segment;
        try (MongoClient client = MongoClients.create("mongodb://127.0.0.1:" + embedded.address().getPort())) {
            MongoCollection<Document> rows = client.getDatabase("ledger").getCollection("rows");
            for (long i = 1; i <= 10; i++) {
                rows.insertOne(new Document("_id", i));
            }
            segment = WalFixture.segments(dataDir).get(0).getFileName().toString();
            failing.set(true);
            List<CompletableFuture<Long>> waiting = new ArrayList<>();
            for (long i = 100; i < 108; i++) {
                long id = i;
                waiting.add(CompletableFuture.supplyAsync(() -> {
                    rows.insertOne(new Document("_id", id));
                    return id;
                }));
            }
            for (CompletableFuture<Long> writer : waiting) {
                assertThatThrownBy(writer::join).hasCauseInstanceOf(MongoException.class)
                        .satisfies(e -> assertThat(((MongoException) e.getCause()).getCode()).isEqualTo(96));
            }
            assertThatThrownBy(() -> rows.insertOne(new Document("_id", 200L)))
                    .isInstanceOf(MongoException.class)
                    .satisfies(e -> assertThat(((MongoException) e).getCode()).isEqualTo(96))
                    .hasMessageContaining("store halted: a sync of " + segment + " failed (Input/output error); "
                            + "restart to recover what is on disk");
            // a read may see the writes whose sync failed: it is not answered as though they were durable
            assertThatThrownBy(() -> rows.find(new Document("_id", 100L)).first())
                    .isInstanceOf(MongoException.class)
                    .satisfies(e -> assertThat(((MongoException) e).getCode()).isEqualTo(96));
        } finally {
            embedded.stop();
        }
        EmbeddedMongo restarted = EmbeddedMongo.start(dataDir, "127.0.0.1", 0, WalFixture.options());
        try (MongoClient client = MongoClients.create("mongodb://127.0.0.1:" + restarted.address().getPort())) {
            List<Long> ids = WalFixture.ids(client.getDatabase("ledger").getCollection("rows").find().into(new ArrayList<>()));
            assertThat(ids).containsAll(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L)).doesNotContain(200L);
            client.getDatabase("ledger").getCollection("rows").insertOne(new Document("_id", 300L));
        } finally {
            restarted.stop();
        }
    }
}
