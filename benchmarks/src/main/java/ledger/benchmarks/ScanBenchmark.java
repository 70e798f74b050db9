package ledger.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import de.bwaldvogel.mongo.MongoServer;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import ledger.eventlog.MongoEventLog;
import ledger.events.AccountPseudonym;
import ledger.events.DemandReceived;
import ledger.events.Jurisdiction;
import ledger.events.LegalProcess;
import ledger.events.SubscriberDataDisclosed;
import ledger.query.figures.DemandState;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.serialization.json.JacksonSerializer;
import org.bson.Document;

/**
 * The event log's bulk read alone, outside the services: the raw driver reading every commit as a
 * {@code Document}, the log's scan handing over deserialized events, and the scan folding them into demand
 * states (what a replay does before it writes). Tells which part of a replay costs what.
 *
 * <p>Usage: {@code ../mvnw -q exec:java -Dexec.mainClass=ledger.benchmarks.ScanBenchmark -Dexec.args="[memory|h2] [demands] [rounds]"}
 */
public final class ScanBenchmark {

    public static void main(String[] args) throws Exception {
        String backend = args.length > 0 ? args[0] : "memory";
        int demands = args.length > 1 ? Integer.parseInt(args[1]) : 36_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 7;
        MongoServer server = BenchServer.start(backend);
        String uri = server.bindAndGetConnectionString();
        BenchServer.describe(backend, demands + " demands, two events each");
        try (MongoClient client = MongoClients.create(uri)) {
            MongoDatabase database = client.getDatabase("scan");
            JacksonSerializer serializer = JacksonSerializer.builder()
                    .objectMapper(new ObjectMapper().findAndRegisterModules().disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS))
                    .build();
            MongoEventLog log = MongoEventLog.builder().database(database).eventSerializer(serializer).snapshotSerializer(serializer).build();
            for (int i = 0; i < demands; i++) {
                String id = "2014-H1-" + i;
                log.appendEvents(List.of(new GenericDomainEventMessage<>("Demand", id, 0, new DemandReceived(id,
                        Instant.parse("2014-03-02T10:15:00Z").plusSeconds(i), new Jurisdiction(i % 3 == 0 ? "US" : "DE"), "agency",
                        LegalProcess.SUBPOENA, List.of(new AccountPseudonym(String.format("%064x", i)))))));
            }
            for (int i = 0; i < demands; i++) {
                String id = "2014-H1-" + i;
                log.appendEvents(List.of(new GenericDomainEventMessage<>("Demand", id, 1,
                        new SubscriberDataDisclosed(id, Instant.parse("2014-08-02T10:15:00Z")))));
            }
            long upTo = log.headPosition();
            MongoCollection<Document> commits = database.getCollection("event_log");
            for (int round = 1; round <= rounds; round++) {
                long start = System.nanoTime();
                long raw = 0;
                for (Document commit : commits.find().batchSize(5000)) {
                    raw += commit.getInteger("n");
                }
                double rawSeconds = seconds(start);
                start = System.nanoTime();
                long[] scanned = {0};
                log.scan(upTo, e -> scanned[0]++);
                double scanSeconds = seconds(start);
                start = System.nanoTime();
                Map<String, DemandState> states = new HashMap<>();
                log.scan(upTo, e -> states.compute(e.aggregateId(), (id, before) -> DemandState.apply(before, e.payload())));
                double foldSeconds = seconds(start);
                System.out.printf(Locale.ROOT, "round %d: raw read %,.0f events/s; scan %,.0f events/s (%.0f%%); scan and fold %,.0f events/s (%.0f%%)%n",
                        round, raw / rawSeconds, scanned[0] / scanSeconds, 100 * rawSeconds / scanSeconds, upTo / foldSeconds,
                        100 * rawSeconds / foldSeconds);
            }
        } finally {
            server.shutdownNow();
        }
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
