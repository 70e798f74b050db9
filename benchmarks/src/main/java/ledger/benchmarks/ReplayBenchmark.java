package ledger.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import de.bwaldvogel.mongo.MongoServer;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import ledger.command.CommandSide;
import ledger.query.QuerySide;
import org.bson.Document;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Replay rate (events/s) with a fixture's log loaded, and with ten times that log, beside the rate at which
 * the raw driver reads the whole log with one cursor in the same run; then the time of one period's audit.
 *
 * <p>Usage: {@code ./mvnw -q -pl benchmarks exec:java -Dexec.mainClass=ledger.benchmarks.ReplayBenchmark
 * -Dexec.args="[memory|h2] [fixture dir] [times]"}
 */
public final class ReplayBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        String backend = args.length > 0 ? args[0] : "memory";
        Path fixture = Path.of(args.length > 1 ? args[1] : "../acceptance/src/test/resources/fixtures/microsoft-lerr-2014-h1-tricky");
        int times = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        System.setProperty("axoniq.update-checker.disabled", "true");
        MongoServer server = BenchServer.start(backend);
        String base = server.bindAndGetConnectionString();
        String uri = base + "/bench";
        ConfigurableApplicationContext commandSide = CommandSide.application().run("--server.port=0", "--ledger.mongodb.uri=" + uri,
                "--ledger.pseudonym.key=bench", "--spring.jmx.enabled=false", BenchTokens.FILE_ARG, BenchTokens.ADMIN_FILE_ARG, "--logging.level.root=warn");
        ConfigurableApplicationContext querySide = QuerySide.application().run("--server.port=0", "--ledger.mongodb.uri=" + uri,
                "--spring.jmx.enabled=false", BenchTokens.FILE_ARG, BenchTokens.ADMIN_FILE_ARG, "--logging.level.root=warn",
                "--logging.level.ledger.query.projection=info", "--ledger.query.batch-size=" + System.getProperty("ledger.query.batch-size", "1000"));
        URI commands = URI.create("http://127.0.0.1:" + commandSide.getEnvironment().getProperty("local.server.port"));
        URI queries = URI.create("http://127.0.0.1:" + querySide.getEnvironment().getProperty("local.server.port"));
        BenchServer.describe(backend, "fixture " + fixture.getFileName());
        try (MongoClient raw = MongoClients.create(base)) {
            MongoCollection<Document> log = raw.getDatabase("bench").getCollection("event_log");
            List<JsonNode> commandsLog = QueryBenchmark.read(fixture.resolve("commands.jsonl.gz"));
            String period = commandsLog.get(0).get("demandId").asText().substring(0, 7);
            long[] last = QueryBenchmark.ingest(commands, commandsLog, 8);
            PlainHttp q = new PlainHttp(queries.getHost(), queries.getPort());
            awaitPosition(q, period, last[0]);
            // the JIT compiles the scan's and the fold's code over the first few replays
            for (int warmUp = 1; warmUp <= 5; warmUp++) {
                System.out.printf(Locale.ROOT, "warm-up replay %d (not counted): %.2f s%n", warmUp, replay(q));
            }
            measure(q, log, period, 1);
            if (times > 1) {
                multiply(log, raw.getDatabase("bench").getCollection("event_log_meta"), last[0], times);
                awaitPosition(q, period, last[0] * times);
                measure(q, log, period, times);
            }
            long start = System.nanoTime();
            JsonNode audit = JSON.readTree(q.get("/api/audits/" + period).body());
            System.out.printf(Locale.ROOT, "audit of %s (%,d events in the log): %.1f s, matches=%s%n", period, last[0] * times,
                    (System.nanoTime() - start) / 1e9, audit.get("matches"));
        } finally {
            querySide.close();
            commandSide.close();
            server.shutdownNow();
        }
    }

    private static void awaitPosition(PlainHttp q, String period, long position) throws Exception {
        while (JSON.readTree(q.get("/api/statistics/" + period).body()).get("position").asLong() < position) {
            Thread.sleep(50);
        }
    }

    /**
     * Five rounds, each the raw read then a replay, so both meet the same conditions; the medians are
     * compared (on two cores single runs vary by a third).
     */
    private static void measure(PlainHttp q, MongoCollection<Document> log, String period, int times) throws Exception {
        String before = q.get("/api/statistics/" + period + ".csv").body();
        long events = 0;
        double[] rawRates = new double[5];
        double[] seconds = new double[5];
        for (int round = 0; round < 5; round++) {
            long start = System.nanoTime();
            events = 0;
            for (Document commit : log.find().batchSize(5000)) {
                events += commit.getInteger("n");
            }
            rawRates[round] = events / ((System.nanoTime() - start) / 1e9);
            seconds[round] = replay(q);
        }
        String after = q.get("/api/statistics/" + period + ".csv").body();
        double replay = median(seconds);
        double raw = median(rawRates);
        System.out.printf(Locale.ROOT, "log %dx (%,d events): replay %.2f s (median of %s) = %,.0f events/s;"
                        + " raw driver reads the log at %,.0f events/s (median of %s); ratio %.0f%%; digest unchanged: %s%n",
                times, events, replay, list(seconds, "%.2f"), events / replay, raw, list(rawRates, "%,.0f"),
                100 * (events / replay) / raw, before.equals(after));
    }

    private static String list(double[] values, String format) {
        return java.util.Arrays.stream(values).mapToObj(v -> String.format(Locale.ROOT, format, v))
                .collect(java.util.stream.Collectors.joining(" "));
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** Requests a replay and answers the seconds until it is finished. */
    private static double replay(PlainHttp q) throws Exception {
        long start = System.nanoTime();
        PlainHttp.Response accepted = q.post("/api/replays", "");
        if (accepted.status() != 202) {
            throw new IllegalStateException("replay refused: " + accepted.status() + " " + accepted.body());
        }
        JsonNode latest;
        do {
            Thread.sleep(20);
            latest = JSON.readTree(q.get("/api/replays/latest").body());
        } while (!"FINISHED".equals(latest.get("state").asText()));
        return (System.nanoTime() - start) / 1e9;
    }

    /**
     * Appends copies of the first {@code length} positions under other demand ids, up to {@code times} the log,
     * and moves the head hint on as appenders do.
     */
    static void multiply(MongoCollection<Document> log, MongoCollection<Document> meta, long length, int times) {
        List<Document> original = log.find(new Document("_id", new Document("$lte", length))).into(new ArrayList<>());
        original.sort((a, b) -> Long.compare(((Number) a.get("_id")).longValue(), ((Number) b.get("_id")).longValue()));
        for (int copy = 1; copy < times; copy++) {
            List<Document> batch = new ArrayList<>();
            for (Document commit : original) {
                long position = ((Number) commit.get("_id")).longValue() + copy * length;
                List<Document> events = new ArrayList<>();
                for (Document e : commit.getList("events", Document.class)) {
                    String agg = e.getString("agg");
                    String renamed = agg + "~" + copy;
                    events.add(new Document(e).append("agg", renamed).append("id", e.getString("id") + "~" + copy)
                            .append("payload", e.getString("payload").replace("\"demandId\":\"" + agg + "\"", "\"demandId\":\"" + renamed + "\"")));
                }
                String stream = commit.getString("stream");
                batch.add(new Document(commit).append("_id", position).append("stream", stream.startsWith("@") ? "@" + position
                                : stream.replace("/", "~" + copy + "/")).append("idem", "@" + position).append("events", events));
                if (batch.size() == 1000) {
                    log.insertMany(batch);
                    batch.clear();
                }
            }
            if (!batch.isEmpty()) {
                log.insertMany(batch);
            }
        }
        meta.updateOne(new Document("_id", "head"), new Document("$max", new Document("position", length * times)),
                new com.mongodb.client.model.UpdateOptions().upsert(true));
    }
}
