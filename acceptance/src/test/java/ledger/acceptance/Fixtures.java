package ledger.acceptance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.GZIPInputStream;
import ledger.eventlog.FixtureCommands;
import ledger.query.RunningLedger;

/** The fixtures in {@code src/test/resources/fixtures} (their README says what each holds): read, and sent to a ledger. */
final class Fixtures {

    private Fixtures() {
    }

    /**
     * Sends a fixture's operator log through the command API with several clients, each demand's commands in
     * log order on one client (as the acceptance client does); answers the highest position acknowledged.
     */
    static long load(RunningLedger ledger, String fixture, int clients) throws Exception {
        List<JsonNode> all = new ArrayList<>();
        try (InputStream in = new GZIPInputStream(resource(fixture + "/commands.jsonl.gz"));
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (!line.isBlank()) {
                    all.add(RunningLedger.JSON.readTree(line));
                }
            }
        }
        List<List<Integer>> parts = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            parts.add(new ArrayList<>());
        }
        for (int line = 0; line < all.size(); line++) {
            parts.get(Math.floorMod(all.get(line).get("demandId").asText().hashCode(), clients)).add(line);
        }
        String run = fixture + "-" + System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<Long>> results = new ArrayList<>();
            for (List<Integer> part : parts) {
                results.add(pool.submit(() -> {
                    long highest = 0;
                    for (int line : part) {
                        JsonNode c = all.get(line);
                        RunningLedger.Answer a = ledger.keyed(FixtureCommands.path(c), FixtureCommands.body(c), run + "-" + line);
                        if (a.status() != 201) {
                            throw new AssertionError("command " + c + " answered " + a.status() + " " + a.body());
                        }
                        highest = Math.max(highest, a.json().get("position").asLong());
                    }
                    return highest;
                }));
            }
            long highest = 0;
            for (Future<Long> f : results) {
                highest = Math.max(highest, f.get());
            }
            return highest;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * A fixture's commands as the lines of an operator's log for {@code ./run import}, each rejection given the
     * {@code reason} api.md requires ({@code OTHER}: the national-security fixture predates it; no figure depends on it).
     */
    static List<String> operatorLog(String fixture) throws IOException {
        List<String> commands = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(resource(fixture + "/commands.jsonl.gz")), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                ObjectNode command = (ObjectNode) RunningLedger.JSON.readTree(line);
                if (command.get("op").asText().equals("reject") && !command.has("reason")) {
                    command.put("reason", "OTHER");
                }
                commands.add(command.toString());
            }
        }
        return commands;
    }

    static InputStream resource(String name) {
        InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + name);
        if (in == null) {
            throw new IllegalArgumentException("no test resource fixtures/" + name);
        }
        return in;
    }

    static String text(String name) throws IOException {
        try (InputStream in = resource(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
