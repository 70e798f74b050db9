package ledger.benchmarks;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import de.bwaldvogel.mongo.MongoServer;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import ledger.command.CommandSide;
import ledger.eventlog.MongoEventLog;
import ledger.events.AccountPseudonym;
import ledger.events.DemandReceived;
import ledger.events.Jurisdiction;
import ledger.events.LegalProcess;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.bson.Document;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Commands per second through the HTTP command API with N concurrent clients, beside the raw MongoDB driver
 * doing the same storage work per command (read the demand's stream by its unique keys, insert one commit
 * document) against the same server in the same run; at 10k and at 300k events already in the log.
 *
 * <p>Usage: {@code ./mvnw -q -pl benchmarks -am install -DskipTests && ./mvnw -q -pl benchmarks exec:java
 * -Dexec.mainClass=ledger.benchmarks.CommandBenchmark -Dexec.args="[memory|h2] [clients] [seconds]"}
 */
public final class CommandBenchmark {

    private static final String[] MIX = mix();

    public static void main(String[] args) throws Exception {
        String backend = args.length > 0 ? args[0] : "memory";
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        System.setProperty("axoniq.update-checker.disabled", "true");
        MongoServer server = BenchServer.start(backend);
        String base = server.bindAndGetConnectionString();
        String uri = base + "/bench";
        ConfigurableApplicationContext app = CommandSide.application().run("--server.port=0", "--ledger.mongodb.uri=" + uri,
                "--ledger.pseudonym.key=bench", "--spring.jmx.enabled=false", BenchTokens.FILE_ARG, BenchTokens.ADMIN_FILE_ARG, "--logging.level.root=warn");
        String url = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");
        MongoEventLog log = app.getBean(MongoEventLog.class);
        BenchServer.describe(backend, "%d clients, %d s per measurement".formatted(clients, seconds));
        try (MongoClient raw = MongoClients.create(base)) {
            MongoDatabase rawDb = raw.getDatabase("rawbench");
            MongoCollection<Document> rawLog = rawDb.getCollection("event_log");
            rawLog.createIndex(new Document("stream", 1), new com.mongodb.client.model.IndexOptions().unique(true));
            // warm-up: the JIT compiles the hot paths of both before anything is measured, on databases of their
            // own (a second command-side context), so the measured log starts empty
            MongoCollection<Document> rawWarmUp = raw.getDatabase("rawwarmup").getCollection("event_log");
            rawWarmUp.createIndex(new Document("stream", 1), new com.mongodb.client.model.IndexOptions().unique(true));
            ConfigurableApplicationContext warmUp = CommandSide.application().run("--server.port=0",
                    "--ledger.mongodb.uri=" + base + "/warmup", "--ledger.pseudonym.key=bench", "--spring.jmx.enabled=false", BenchTokens.FILE_ARG, BenchTokens.ADMIN_FILE_ARG,
                    "--logging.level.root=warn");
            String warmUrl = "http://127.0.0.1:" + warmUp.getEnvironment().getProperty("local.server.port");
            for (int round = 0; round < 3; round++) {
                measureHttp(warmUrl, clients, seconds, Long.MAX_VALUE);
                measureRaw(rawWarmUp, clients, 5);
            }
            warmUp.close();
            raw.getDatabase("warmup").drop();
            raw.getDatabase("rawwarmup").drop();
            for (long target : new long[] {10_000, 300_000}) {
                fill(log, target);
                fillRaw(rawLog, target);
                double http = measureHttp(url, clients, seconds, Long.MAX_VALUE);
                double driver = measureRaw(rawLog, clients, seconds);
                System.out.printf(Locale.ROOT, "log at %,d events: HTTP %,.0f commands/s, raw driver %,.0f commands/s, ratio %.0f%%%n",
                        target, http, driver, 100 * http / driver);
            }
        } finally {
            app.close();
            server.shutdownNow();
        }
    }

    /** Receipts and dispositions in the proportions of the 2014-H1 fixture: half receipts, half dispositions. */
    private static String[] mix() {
        List<String> ops = new ArrayList<>();
        for (int i = 0; i < 378; i++) ops.add("subscriber-disclosures");
        for (int i = 0; i < 82; i++) ops.add("no-data-found");
        for (int i = 0; i < 30; i++) ops.add("rejection");
        for (int i = 0; i < 10; i++) ops.add("content-disclosures");
        return ops.toArray(String[]::new);
    }

    private static void fill(MongoEventLog log, long target) throws Exception {
        long head = log.headPosition();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        AtomicLong next = new AtomicLong(head);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            done.add(pool.submit(() -> {
                long n;
                while ((n = next.incrementAndGet()) <= target) {
                    String id = "fill-" + n;
                    log.appendEvents(List.of(new GenericDomainEventMessage<>("Demand", id, 0, new DemandReceived(id,
                            Instant.parse("2014-03-02T10:15:00Z"), new Jurisdiction("US"), "agency", LegalProcess.SUBPOENA,
                            List.of(new AccountPseudonym(String.format("%064x", n)))))));
                }
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
    }

    private static void fillRaw(MongoCollection<Document> rawLog, long target) {
        long count = rawLog.countDocuments();
        List<Document> batch = new ArrayList<>();
        for (long n = count + 1; n <= target; n++) {
            batch.add(commit(n, "fill-" + n + "/0"));
            if (batch.size() == 1000) {
                rawLog.insertMany(batch);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            rawLog.insertMany(batch);
        }
    }

    private static Document commit(long position, String stream) {
        return new Document("_id", position).append("n", 1).append("stream", stream).append("idem", "@" + position)
                .append("events", List.of(new Document("id", java.util.UUID.randomUUID().toString())
                        .append("ts", Instant.now().toString()).append("type", "ledger.events.SubscriberDataDisclosed")
                        .append("rev", "1").append("payload", "{\"demandId\":\"" + stream + "\",\"occurredAt\":\"2014-03-03T10:15:00Z\"}")
                        .append("meta", "{}").append("aggType", "Demand").append("agg", stream).append("seq", 0)));
    }

    private static double measureHttp(String url, int clients, int seconds, long maxCommands) throws Exception {
        URI target = URI.create(url);
        return rate(clients, seconds, maxCommands, (client, run, commands, going) -> {
            try (PlainHttp http = new PlainHttp(target.getHost(), target.getPort())) {
                for (long i = 0; going.getAsBoolean(); i++) {
                    String id = "bench-" + client + "-" + run + "-" + i;
                    post(http, "/api/demands", "{\"demandId\":\"" + id + "\",\"receivedAt\":\"2014-03-02T10:15:00Z\","
                            + "\"jurisdiction\":\"US\",\"agency\":\"FBI\",\"legalProcess\":\"SUBPOENA\",\"accounts\":[\"a" + i + "@example.org\"]}");
                    String op = MIX[(int) (i % MIX.length)];
                    post(http, "/api/demands/" + id + "/" + op, op.equals("rejection")
                            ? "{\"occurredAt\":\"2014-03-03T10:15:00Z\",\"reason\":\"OVERBROAD\"}" : "{\"occurredAt\":\"2014-03-03T10:15:00Z\"}");
                    commands.addAndGet(2);
                }
            }
        });
    }

    /** A client's loop: logs commands while {@code going} says so, counting them in {@code commands}. */
    private interface Client {
        void run(int client, long run, AtomicLong commands, java.util.function.BooleanSupplier going) throws Exception;
    }

    /** Runs {@code clients} loops for {@code seconds} (or up to {@code maxCommands}) and answers commands per second. */
    private static double rate(int clients, int seconds, long maxCommands, Client loop) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        AtomicLong commands = new AtomicLong();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        long start = System.nanoTime();
        List<Future<?>> done = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            done.add(pool.submit(() -> {
                loop.run(client, start, commands, () -> System.nanoTime() < end && commands.get() < maxCommands);
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        return commands.get() / ((System.nanoTime() - start) / 1e9);
    }

    private static void post(PlainHttp http, String path, String body) throws Exception {
        PlainHttp.Response r = http.post(path, body);
        if (r.status() != 201) {
            throw new IllegalStateException(path + " answered " + r.status() + ": " + r.body());
        }
    }

    /** Per command: read the demand's commits by their unique stream keys, then insert the next commit. */
    private static double measureRaw(MongoCollection<Document> rawLog, int clients, int seconds) throws Exception {
        AtomicLong position = new AtomicLong(rawLog.countDocuments());
        return rate(clients, seconds, Long.MAX_VALUE, (client, run, commands, going) -> {
            for (long i = 0; going.getAsBoolean(); i++) {
                String id = "raw-" + client + "-" + run + "-" + i;
                for (int seq = 0; seq < 2; seq++) {
                    List<String> keys = List.of(id + "/0", id + "/1", id + "/2", id + "/3");
                    rawLog.find(new Document("stream", new Document("$in", keys))).into(new ArrayList<>());
                    rawLog.insertOne(commit(position.incrementAndGet(), id + "/" + seq));
                    commands.incrementAndGet();
                }
            }
        });
    }
}
