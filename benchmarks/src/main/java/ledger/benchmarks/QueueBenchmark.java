package ledger.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import ledger.command.CommandSide;
import ledger.query.QuerySide;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The queue and the notices due (tracking.md) at the size of the demand list's measurement: the tracking fixture
 * (3,000 demands with due dates, owners, orders and notices) sent through the command API, then its log copied
 * {@code times} over under other demand ids (117: 351,000 demands), followed by the query side; then
 * StatisticsLoad's open loop (50 requests/s on 4 connections, as the list of demands was measured) over the queue's
 * and the notices' pages, filtered, deep and long, beside a page of the list of demands; then whole metrics scrapes; then a second query side's start on the
 * same log (the directory read with its queue). All in one JVM with the in-memory server: a lab figure, the load
 * generator on the same cores as what it measures.
 *
 * <p>Usage: {@code ./mvnw -q -pl benchmarks exec:java -Dexec.mainClass=ledger.benchmarks.QueueBenchmark
 * -Dexec.args="[fixture dir] [times]"}
 */
public final class QueueBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private QueueBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path fixture = Path.of(args.length > 0 ? args[0] : "../acceptance/src/test/resources/fixtures/tracking-2025-h2");
        int times = args.length > 1 ? Integer.parseInt(args[1]) : 117;
        System.setProperty("axoniq.update-checker.disabled", "true");
        MongoServer server = BenchServer.start("memory");
        String base = server.bindAndGetConnectionString();
        String uri = base + "/bench";
        ConfigurableApplicationContext commandSide = CommandSide.application().run("--server.port=0", "--ledger.mongodb.uri=" + uri,
                "--ledger.pseudonym.key=bench", "--spring.jmx.enabled=false", BenchTokens.FILE_ARG, BenchTokens.ADMIN_FILE_ARG, "--logging.level.root=warn");
        ConfigurableApplicationContext querySide = querySide(uri);
        ConfigurableApplicationContext second = null;
        URI commands = URI.create("http://127.0.0.1:" + commandSide.getEnvironment().getProperty("local.server.port"));
        String queries = "http://127.0.0.1:" + querySide.getEnvironment().getProperty("local.server.port");
        BenchServer.describe("memory", "fixture " + fixture.getFileName() + " x" + times);
        try (MongoClient raw = MongoClients.create(base)) {
            List<JsonNode> log = QueryBenchmark.read(fixture.resolve("commands.jsonl.gz"));
            long start = System.nanoTime();
            long[] last = QueryBenchmark.ingest(commands, log, 8);
            System.out.printf(Locale.ROOT, "ingested %,d commands in %.1f s%n", log.size(), (System.nanoTime() - start) / 1e9);
            awaitDirectory(queries, last[0]);
            start = System.nanoTime();
            ReplayBenchmark.multiply(raw.getDatabase("bench").getCollection("event_log"), raw.getDatabase("bench").getCollection("event_log_meta"),
                    last[0], times);
            System.out.printf(Locale.ROOT, "log copied to %dx (%,d positions) in %.1f s%n", times, last[0] * times, (System.nanoTime() - start) / 1e9);
            start = System.nanoTime();
            awaitDirectory(queries, last[0] * times);
            System.out.printf(Locale.ROOT, "directory followed the copies in %.1f s%n", (System.nanoTime() - start) / 1e9);
            String period = "2025-H2";
            while (JSON.readTree(get(queries + "/api/statistics/" + period).body()).get("position").asLong() < last[0] * times) {
                Thread.sleep(200); // the figures' projection done too, so it does not share the cores with the load
            }
            System.out.printf(Locale.ROOT, "figures projected; %s%n", gauges(queries));

            String owner = log.stream().filter(c -> c.get("op").asText().equals("assign") && c.hasNonNull("assignee"))
                    .map(c -> c.get("assignee").asText()).findFirst().orElse("nobody");
            JsonNode deep = JSON.readTree(get(queries + "/api/queue?limit=1000").body());
            List<String> paths = List.of("/api/queue", "/api/queue?overdue=true", "/api/queue?assignee=" + owner, "/api/queue?assignee=",
                    "/api/queue?jurisdiction=US&overdue=true", "/api/queue?limit=1000", "/api/queue?after=" + deep.get("next").asText(),
                    "/api/notices-due", "/api/notices-due?limit=1000", "/api/demands?jurisdiction=DE&legalProcess=SUBPOENA");
            for (String path : paths) {
                JsonNode page = JSON.readTree(get(queries + path).body());
                System.out.printf(Locale.ROOT, "%s: %s rows, next %s%n", path, page.get("demands").size(), page.get("next"));
            }
            List<URI> urls = new ArrayList<>();
            paths.forEach(p -> urls.add(URI.create(queries + p)));
            System.setProperty("ledger.token", BenchTokens.TOKEN);
            StatisticsLoad.run(urls, 50, 4, 60, 10);
            scrapes(queries);

            start = System.nanoTime();
            second = querySide(uri);
            String fresh = "http://127.0.0.1:" + second.getEnvironment().getProperty("local.server.port");
            awaitDirectory(fresh, last[0] * times);
            System.out.printf(Locale.ROOT, "a second query side started and read the directory in %.1f s; same first page: %s%n",
                    (System.nanoTime() - start) / 1e9, get(fresh + "/api/queue").body().equals(get(queries + "/api/queue").body()));
        } finally {
            if (second != null) {
                second.close();
            }
            querySide.close();
            commandSide.close();
            server.shutdownNow();
        }
    }

    private static ConfigurableApplicationContext querySide(String uri) {
        return QuerySide.application().run("--server.port=0", "--ledger.mongodb.uri=" + uri, "--spring.jmx.enabled=false",
                BenchTokens.FILE_ARG, BenchTokens.ADMIN_FILE_ARG, "--logging.level.root=warn", "--logging.level.ledger.query.demand=info");
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + BenchTokens.TOKEN).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void awaitDirectory(String queries, long position) throws Exception {
        while (true) {
            HttpResponse<String> a = get(queries + "/api/queue?limit=1");
            if (a.statusCode() == 200 && Long.parseLong(a.headers().firstValue("Ledger-Position").orElse("-1")) >= position) {
                return;
            }
            Thread.sleep(200);
        }
    }

    /** The three gauges read by whole scrapes, one after another: what a scrape costs with them. */
    private static void scrapes(String queries) throws Exception {
        double[] ms = new double[200];
        for (int i = 0; i < ms.length; i++) {
            long start = System.nanoTime();
            get(queries + "/actuator/prometheus");
            ms[i] = (System.nanoTime() - start) / 1e6;
            Thread.sleep(20);
        }
        java.util.Arrays.sort(ms);
        System.out.printf(Locale.ROOT, "/actuator/prometheus, %d scrapes one after another: p50 %.1f ms, p99 %.1f ms, max %.1f ms; %s%n",
                ms.length, ms[ms.length / 2], ms[(int) Math.ceil(ms.length * 0.99) - 1], ms[ms.length - 1], gauges(queries));
    }

    private static String gauges(String queries) throws Exception {
        String text = get(queries + "/actuator/prometheus").body();
        StringBuilder out = new StringBuilder();
        for (String name : List.of("ledger_demands_open", "ledger_demands_overdue", "ledger_notices_due")) {
            Matcher m = Pattern.compile("(?m)^" + name + "(?:\\{[^}]*})? (\\S+)$").matcher(text);
            out.append(name).append('=').append(m.find() ? m.group(1) : "?").append(' ');
        }
        return out.toString().trim();
    }
}
