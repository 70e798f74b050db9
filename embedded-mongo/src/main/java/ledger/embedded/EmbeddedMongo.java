package ledger.embedded;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The embedded default's database: a MongoDB wire-protocol server whose data lives in one H2 file in DATA_DIR,
 * so a second start finds the data of the first. It has no transactions and no change streams; the ledger
 * is built so that it needs neither.
 */
public final class EmbeddedMongo {

    private EmbeddedMongo() {
    }

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(env("DATA_DIR", "./data")).toAbsolutePath().normalize();
        String host = env("MONGO_HOST", "127.0.0.1");
        int port = Integer.parseInt(env("MONGO_PORT", "27017"));
        Files.createDirectories(dataDir);
        Path file = dataDir.resolve("ledger.mv");
        H2Backend backend = new H2Backend(file.toString());
        MongoServer server = new MongoServer(backend);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdownNow();
            backend.close();
            stopped.countDown();
        }, "embedded-mongo-shutdown"));
        server.bind(host, port);
        System.out.println("embedded MongoDB-compatible server listening on mongodb://" + host + ":" + port
                + " with its data in " + file);
        stopped.await();
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
