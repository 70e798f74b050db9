package ledger.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import de.bwaldvogel.mongo.MongoServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;
import ledger.command.CommandSide;
import ledger.eventlog.FixtureCommands;
import ledger.query.QuerySide;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The query side under load: projection lag (from the last command's 201 to figures that include it) while a
 * fixture is ingested through the HTTP command API with 8 clients, then statistics latency (JSON and CSV,
 * p50/p99) with 16 concurrent clients on the loaded period.
 *
 * <p>Usage: {@code ./mvnw -q -pl benchmarks exec:java -Dexec.mainClass=ledger.benchmarks.QueryBenchmark
 * -Dexec.args="[memory|h2] [fixture dir] [seconds]"}
 */
public final class QueryBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        String backend = args.length > 0 ? args[0] : "memory";
        Path fixture = Path.of(args.length > 1 ? args[1] : "../acceptance/src/test/resources/fixtures/microsoft-lerr-2014-h1-tricky");
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        System.setProperty("axoniq.update-checker.disabled", "true");
        MongoServer server = BenchServer.start(backend);
        String uri = server.bindAndGetConnectionString() + "/bench";
        ConfigurableApplicationContext commandSide = CommandSide.application().run("--server.port=0", "--ledger.mongodb.uri=" + uri,
                "--ledger.pseudonym.key=bench", "--spring.jmx.enabled=false", BenchTokens.FILE_ARG, BenchTokens.ADMIN_FILE_ARG, "--logging.level.root=warn");
        ConfigurableApplicationContext querySide = QuerySide.application().run("--server.port=0", "--ledger.mongodb.uri=" + uri,
                "--spring.jmx.enabled=false", BenchTokens.FILE_ARG, BenchTokens.ADMIN_FILE_ARG, "--logging.level.root=warn");
        URI commands = URI.create("http://127.0.0.1:" + commandSide.getEnvironment().getProperty("local.server.port"));
        URI queries = URI.create("http://127.0.0.1:" + querySide.getEnvironment().getProperty("local.server.port"));
        BenchServer.describe(backend, "fixture " + fixture.getFileName());
        try {
            List<JsonNode> log = read(fixture.resolve("commands.jsonl.gz"));
            String period = log.get(0).get("demandId").asText().substring(0, 7);
            long start = System.nanoTime();
            long[] last = ingest(commands, log, 8);
            long sent = System.nanoTime();
            PlainHttp q = new PlainHttp(queries.getHost(), queries.getPort());
            while (JSON.readTree(q.get("/api/statistics/" + period).body()).get("position").asLong() < last[0]) {
                Thread.onSpinWait();
            }
            long caughtUp = System.nanoTime();
            System.out.printf(Locale.ROOT, "ingest: %,d commands in %.1f s (%,.0f/s); projection lag after the last 201: %.0f ms%n",
                    log.size(), (sent - start) / 1e9, log.size() / ((sent - start) / 1e9), (caughtUp - last[1]) / 1e6);
            for (String path : List.of("/api/statistics/" + period, "/api/statistics/" + period + ".csv")) {
                latency(queries, path, 16, seconds);
            }
        } finally {
            querySide.close();
            commandSide.close();
            server.shutdownNow();
        }
    }

    static List<JsonNode> read(Path commands) throws Exception {
        List<JsonNode> all = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(commands)), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (!line.isBlank()) {
                    all.add(JSON.readTree(line));
                }
            }
        }
        return all;
    }

    /** Sends the log with the given clients, a demand's commands in order on one client; answers {highest position, nanoTime of the last 201}. */
    static long[] ingest(URI commands, List<JsonNode> log, int clients) throws Exception {
        List<List<JsonNode>> parts = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            parts.add(new ArrayList<>());
        }
        log.forEach(c -> parts.get(Math.floorMod(c.get("demandId").asText().hashCode(), clients)).add(c));
        AtomicLong highest = new AtomicLong();
        AtomicLong lastAt = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<?>> done = new ArrayList<>();
        for (List<JsonNode> part : parts) {
            done.add(pool.submit(() -> {
                try (PlainHttp http = new PlainHttp(commands.getHost(), commands.getPort())) {
                    for (JsonNode c : part) {
                        PlainHttp.Response r = http.post(FixtureCommands.path(c), FixtureCommands.body(c));
                        if (r.status() != 201) {
                            throw new IllegalStateException(c + " answered " + r.status() + " " + r.body());
                        }
                        highest.accumulateAndGet(JSON.readTree(r.body()).get("position").asLong(), Math::max);
                        lastAt.accumulateAndGet(System.nanoTime(), Math::max);
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        return new long[] {highest.get(), lastAt.get()};
    }

    private static void latency(URI queries, String path, int clients, int seconds) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<long[]>> results = new ArrayList<>();
        long warmEnd = System.nanoTime() + 3_000_000_000L;
        long end = warmEnd + seconds * 1_000_000_000L;
        for (int c = 0; c < clients; c++) {
            results.add(pool.submit(() -> {
                long[] samples = new long[1 << 20];
                int n = 0;
                try (PlainHttp http = new PlainHttp(queries.getHost(), queries.getPort())) {
                    long now;
                    while ((now = System.nanoTime()) < end) {
                        PlainHttp.Response r = http.get(path);
                        long took = System.nanoTime() - now;
                        if (r.status() != 200) {
                            throw new IllegalStateException(path + " answered " + r.status());
                        }
                        if (now > warmEnd && n < samples.length) {
                            samples[n++] = took;
                        }
                    }
                }
                return Arrays.copyOf(samples, n);
            }));
        }
        List<Long> all = new ArrayList<>();
        for (Future<long[]> f : results) {
            for (long s : f.get()) {
                all.add(s);
            }
        }
        pool.shutdown();
        all.sort(null);
        System.out.printf(Locale.ROOT, "GET %s with %d clients: %,d requests in %d s (%,.0f/s), p50 %.2f ms, p99 %.2f ms%n",
                path, clients, all.size(), seconds, all.size() / (double) seconds,
                all.get(all.size() / 2) / 1e6, all.get((int) (all.size() * 0.99)) / 1e6);
    }
}
