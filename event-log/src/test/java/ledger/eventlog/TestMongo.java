package ledger.eventlog;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.MongoDBContainer;

/**
 * Where MongoDB-backed tests run. {@link #embedded()}: the MongoDB named by MONGODB_URI when it is set, else an
 * in-process mongo-java-server (the embedded default's engine, in memory). {@link #realMongo()}: MongoDB 7 as a
 * single-node replica set through Testcontainers; without Docker the calling test is skipped, saying why.
 * Every call answers a fresh database, so tests do not see each other's data.
 */
public final class TestMongo {

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static String embeddedBase;
    private static String containerBase;
    private static boolean skipReported;

    private TestMongo() {
    }

    /** An event log on the database, with the services' serializer settings. */
    public static MongoEventLog eventLog(com.mongodb.client.MongoDatabase database) {
        return eventLog(database, builder -> builder);
    }

    /** {@link #eventLog(com.mongodb.client.MongoDatabase)}, its builder given {@code options} (a test's hooks) too. */
    static MongoEventLog eventLog(com.mongodb.client.MongoDatabase database,
                                  java.util.function.UnaryOperator<MongoEventLog.Builder> options) {
        org.axonframework.serialization.json.JacksonSerializer serializer = org.axonframework.serialization.json.JacksonSerializer.builder()
                .objectMapper(new com.fasterxml.jackson.databind.ObjectMapper().findAndRegisterModules()
                        .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS))
                .build();
        return options.apply(MongoEventLog.builder().database(database).eventSerializer(serializer).snapshotSerializer(serializer)).build();
    }

    /** A connection string with a fresh database, on MONGODB_URI or the in-process server. */
    public static synchronized String embedded() {
        if (embeddedBase == null) {
            String external = System.getenv("MONGODB_URI");
            if (external != null && !external.isBlank()) {
                embeddedBase = stripDatabase(external);
            } else {
                MongoServer server = new MongoServer(new MemoryBackend());
                embeddedBase = server.bindAndGetConnectionString();
                Runtime.getRuntime().addShutdownHook(new Thread(server::shutdownNow));
            }
        }
        return withDatabase(embeddedBase);
    }

    /** Whether Docker is here, for the runs against a real MongoDB. */
    public static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable e) {
            return false;
        }
    }

    /** A connection string with a fresh database on a real MongoDB 7 replica set; skips the test without Docker. */
    public static synchronized String realMongo() {
        boolean docker = dockerAvailable();
        if (!docker && !skipReported) {
            skipReported = true;
            System.out.println("[real MongoDB] Docker is not available here: the runs against MongoDB 7 (Testcontainers) "
                    + "are skipped; set MONGODB_URI to run every test against a MongoDB of your choice");
        }
        Assumptions.assumeTrue(docker, "Docker is not available here: the run against a real MongoDB (mongo:7 replica set "
                + "through Testcontainers) is skipped; it runs wherever Docker is, and MONGODB_URI runs every test on a MongoDB of your choice");
        if (containerBase == null) {
            MongoDBContainer container = new MongoDBContainer("mongo:7");
            container.start();
            containerBase = stripDatabase(container.getReplicaSetUrl());
        }
        return withDatabase(containerBase);
    }

    private static String withDatabase(String base) {
        String database = "test" + ProcessHandle.current().pid() + "x" + DATABASES.incrementAndGet();
        int query = base.indexOf('?');
        return query < 0 ? base + "/" + database : base.substring(0, query) + "/" + database + base.substring(query);
    }

    private static String stripDatabase(String uri) {
        int hosts = uri.indexOf("//") + 2;
        int slash = uri.indexOf('/', hosts);
        if (slash < 0) {
            return uri;
        }
        int query = uri.indexOf('?', slash);
        return uri.substring(0, slash) + (query < 0 ? "" : uri.substring(query));
    }
}
