package ledger.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedMongoTest {

    @TempDir
    Path dataDir;

    private static MongoClient client(EmbeddedMongo embedded) {
        return MongoClients.create("mongodb://127.0.0.1:" + embedded.address().getPort());
    }

    /** A collection's statistics give its documents' size, measured when asked (no running total is kept). */
    @Test
    void statisticsMeasureTheDocumentsWhenAsked() {
        EmbeddedMongo embedded = EmbeddedMongo.start(dataDir, "127.0.0.1", 0);
        try (MongoClient client = client(embedded)) {
            MongoCollection<org.bson.RawBsonDocument> rows = client.getDatabase("ledger").getCollection("rows", org.bson.RawBsonDocument.class);
            MongoCollection<Document> documents = client.getDatabase("ledger").getCollection("rows");
            for (int i = 0; i < 50; i++) {
                documents.insertOne(new Document("_id", "r" + i).append("requests", (long) i).append("label", "Zürich " + i));
            }
            documents.replaceOne(new Document("_id", "r3"), new Document("_id", "r3").append("requests", 3L).append("more", List.of(1, 2, 3)));
            documents.deleteOne(new Document("_id", "r4"));
            long size = 0;
            for (org.bson.RawBsonDocument row : rows.find()) {
                size += row.getByteBuffer().remaining();
            }
            Document stats = client.getDatabase("ledger").runCommand(new Document("collStats", "rows"));
            assertThat(((Number) stats.get("count")).longValue()).isEqualTo(49);
            assertThat(((Number) stats.get("size")).longValue()).isEqualTo(size);
        } finally {
            embedded.stop();
        }
    }

    @Test
    void documentsAndUniqueIndexesSurviveARestart() {
        EmbeddedMongo first = EmbeddedMongo.start(dataDir, "127.0.0.1", 0);
        try (MongoClient client = client(first)) {
            MongoCollection<Document> log = client.getDatabase("ledger").getCollection("event_log");
            log.createIndex(Indexes.ascending("stream"), new IndexOptions().unique(true).name("stream_unique"));
            for (long i = 1; i <= 500; i++) {
                log.insertOne(new Document("_id", i).append("stream", "d-" + i + "/0")
                        .append("events", List.of(new Document("seq", 0L).append("payload", "{\"x\":" + i + "}"))));
            }
            log.updateOne(new Document("_id", 7L), new Document("$set", new Document("note", "changed")));
            log.deleteOne(new Document("_id", 8L));
        } finally {
            first.stop();
        }
        EmbeddedMongo second = EmbeddedMongo.start(dataDir, "127.0.0.1", 0);
        try (MongoClient client = client(second)) {
            MongoCollection<Document> log = client.getDatabase("ledger").getCollection("event_log");
            assertThat(log.countDocuments()).isEqualTo(499);
            assertThat(log.find(new Document("stream", "d-42/0")).first().getList("events", Document.class).get(0).getString("payload"))
                    .isEqualTo("{\"x\":42}");
            assertThat(log.find(new Document("_id", 7L)).first().getString("note")).isEqualTo("changed");
            assertThat(log.find(new Document("_id", new Document("$in", List.of(8L, 9L)))).into(new ArrayList<>())).hasSize(1);
            assertThatThrownBy(() -> log.insertOne(new Document("_id", 1000L).append("stream", "d-3/0")))
                    .isInstanceOf(MongoWriteException.class).hasMessageContaining("stream_unique");
        } finally {
            second.stop();
        }
    }

    /**
     * A find of a whole collection (a replay's scan of the log) is answered with the documents as the file holds
     * them, in batches and through getMore, byte for byte what a find that decodes them answers; documents read
     * from the file, written since, updated since and removed since all come out as a filtered find has them.
     */
    @Test
    void aWholeCollectionIsSentAsStored() {
        EmbeddedMongo first = EmbeddedMongo.start(dataDir, "127.0.0.1", 0);
        try (MongoClient client = client(first)) {
            MongoCollection<Document> log = client.getDatabase("ledger").getCollection("event_log");
            for (long i = 1; i <= 700; i++) {
                log.insertOne(commit(i));
            }
        } finally {
            first.stop();
        }
        EmbeddedMongo second = EmbeddedMongo.start(dataDir, "127.0.0.1", 0);
        try (MongoClient client = client(second)) {
            MongoCollection<Document> log = client.getDatabase("ledger").getCollection("event_log");
            MongoCollection<org.bson.RawBsonDocument> raw = client.getDatabase("ledger").getCollection("event_log", org.bson.RawBsonDocument.class);
            for (long i = 701; i <= 750; i++) {
                log.insertOne(commit(i));
            }
            log.updateOne(new Document("_id", 7L), new Document("$set", new Document("note", "changed")));
            log.deleteOne(new Document("_id", 8L));
            long before = second.backend().storedScans();
            List<org.bson.RawBsonDocument> scanned = raw.find().batchSize(64).into(new ArrayList<>());
            assertThat(second.backend().storedScans()).isEqualTo(before + 1);
            List<org.bson.RawBsonDocument> decoded = raw.find(new Document("_id", new Document("$gte", 0L))).into(new ArrayList<>());
            assertThat(scanned).hasSize(749);
            assertThat(scanned).isEqualTo(decoded);
            for (int i = 0; i < scanned.size(); i++) {
                assertThat(scanned.get(i).getByteBuffer().asNIO()).isEqualTo(decoded.get(i).getByteBuffer().asNIO());
            }
            assertThat(Document.parse(scanned.get(6).toJson()).getString("note")).isEqualTo("changed");
            assertThat(raw.find().into(new ArrayList<>())).isEqualTo(decoded); // no batch size: all in the first batch
            assertThat(raw.find(new Document()).limit(3).into(new ArrayList<>())).isEqualTo(decoded.subList(0, 3));
            assertThat(client.getDatabase("ledger").getCollection("none").find().into(new ArrayList<>())).isEmpty();
        } finally {
            second.stop();
        }
    }

    private static Document commit(long i) {
        return new Document("_id", i).append("stream", "d-" + i + "/0").append("n", 2)
                .append("events", List.of(new Document("seq", 0L).append("payload", "{\"x\":" + i + ",\"city\":\"Zürich\"}"),
                        new Document("seq", 1L).append("at", new java.util.Date(1_400_000_000_000L + i)).append("ok", true)));
    }

    @Test
    void aDataFolderOfTheLegacyFormatIsMigratedAtTheFirstStart() throws Exception {
        H2Backend legacy = new H2Backend(dataDir.resolve(StoreMigration.LEGACY_FILE).toString());
        MongoServer legacyServer = new MongoServer(legacy);
        try (MongoClient client = MongoClients.create(legacyServer.bindAndGetConnectionString())) {
            MongoCollection<Document> log = client.getDatabase("ledger").getCollection("event_log");
            log.createIndex(Indexes.ascending("stream"), new IndexOptions().unique(true).name("stream_unique"));
            for (long i = 1; i <= 50; i++) {
                log.insertOne(new Document("_id", i).append("stream", "d-" + i + "/0").append("n", 1));
            }
            client.getDatabase("ledger").getCollection("figures").insertOne(new Document("_id", "2014-H1").append("total", 12));
        } finally {
            legacyServer.shutdownNow();
            legacy.close();
        }
        EmbeddedMongo migrated = EmbeddedMongo.start(dataDir, "127.0.0.1", 0);
        try (MongoClient client = client(migrated)) {
            MongoCollection<Document> log = client.getDatabase("ledger").getCollection("event_log");
            assertThat(log.countDocuments()).isEqualTo(50);
            assertThat(log.find(new Document("stream", "d-50/0")).first().get("_id")).isEqualTo(50L);
            assertThatThrownBy(() -> log.insertOne(new Document("_id", 51L).append("stream", "d-1/0")))
                    .isInstanceOf(MongoWriteException.class).hasMessageContaining("stream_unique");
            assertThat(client.getDatabase("ledger").getCollection("figures").find().first().getInteger("total")).isEqualTo(12);
        } finally {
            migrated.stop();
        }
        assertThat(dataDir.resolve(StoreMigration.LEGACY_FILE)).doesNotExist();
        assertThat(dataDir.resolve(StoreMigration.LEGACY_FILE + ".migrated")).exists();
    }

    /**
     * The server runs as a process of its own and is killed with SIGKILL while eight writers insert: every
     * insert it acknowledged is in the file at the next start.
     */
    @Test
    void everyAcknowledgedWriteSurvivesAKill() throws Exception {
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), EmbeddedMongo.class.getName()).redirectErrorStream(true);
        builder.environment().put("DATA_DIR", dataDir.toString());
        builder.environment().put("MONGO_PORT", String.valueOf(port));
        Process server = builder.start();
        Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream()));
            String line;
            while ((line = out.readLine()) != null && !line.contains("listening")) {
                // the server says when it listens
            }
            AtomicBoolean running = new AtomicBoolean(true);
            List<Thread> writers = new ArrayList<>();
            try (MongoClient client = MongoClients.create("mongodb://127.0.0.1:" + port + "/?connectTimeoutMS=2000&socketTimeoutMS=5000")) {
                MongoCollection<Document> log = client.getDatabase("ledger").getCollection("acks");
                for (int t = 0; t < 8; t++) {
                    long base = t * 1_000_000L;
                    Thread writer = new Thread(() -> {
                        for (long i = base; running.get(); i++) {
                            try {
                                log.insertOne(new Document("_id", i).append("body", "x".repeat(200)));
                                acknowledged.add(i);
                            } catch (RuntimeException e) {
                                return;
                            }
                        }
                    });
                    writer.start();
                    writers.add(writer);
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (acknowledged.size() < 2000 && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                server.destroyForcibly();
                server.waitFor();
                running.set(false);
                for (Thread writer : writers) {
                    writer.join();
                }
            }
        } finally {
            server.destroyForcibly();
        }
        assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(2000);
        EmbeddedMongo restarted = EmbeddedMongo.start(dataDir, "127.0.0.1", 0);
        try (MongoClient client = client(restarted)) {
            Set<Long> stored = new java.util.HashSet<>();
            for (Document d : client.getDatabase("ledger").getCollection("acks").find()) {
                stored.add(d.getLong("_id"));
            }
            assertThat(stored).containsAll(acknowledged);
            System.out.println("[durability] " + acknowledged.size() + " inserts acknowledged before the kill, all "
                    + "stored after the restart (" + stored.size() + " stored)");
        } finally {
            restarted.stop();
        }
        assertThat(Files.list(dataDir).map(p -> p.getFileName().toString())).contains(EmbeddedMongo.FILE);
    }
}
