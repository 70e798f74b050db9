package ledger.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.GZIPInputStream;
import ledger.access.TestTokens;
import ledger.command.CommandSide;
import ledger.eventlog.FixtureCommands;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Both sides of the ledger started as users start them, in this JVM on free ports, against one MongoDB, and
 * spoken to only through HTTP.
 */
final class RunningLedger implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    final ConfigurableApplicationContext commandSide;
    final ConfigurableApplicationContext querySide;
    final String commands;
    final String queries;

    /** One token per role (TestTokens), for every ledger these tests start. */
    static final Path TOKENS = TestTokens.file();

    RunningLedger(String mongoUri, String... extraQueryProperties) {
        System.setProperty("axoniq.update-checker.disabled", "true");
        commandSide = CommandSide.application()
                .run("--server.port=0", "--ledger.mongodb.uri=" + mongoUri, "--ledger.pseudonym.key=test-key",
                        "--spring.jmx.enabled=false", tokensFile(), adminTokenFile());
        List<String> queryProperties = new ArrayList<>(List.of("--server.port=0", "--ledger.mongodb.uri=" + mongoUri,
                "--spring.jmx.enabled=false", tokensFile(), adminTokenFile()));
        queryProperties.addAll(List.of(extraQueryProperties));
        querySide = startQuerySide(queryProperties);
        commands = "http://127.0.0.1:" + commandSide.getEnvironment().getProperty("local.server.port");
        queries = "http://127.0.0.1:" + querySide.getEnvironment().getProperty("local.server.port");
    }

    private RunningLedger(ConfigurableApplicationContext querySide) {
        this.commandSide = null;
        this.querySide = querySide;
        this.commands = null;
        this.queries = "http://127.0.0.1:" + querySide.getEnvironment().getProperty("local.server.port");
    }

    /** A query side alone (where a bundle is imported, say). */
    static RunningLedger querySideOnly(String mongoUri) {
        System.setProperty("axoniq.update-checker.disabled", "true");
        return new RunningLedger(startQuerySide(new ArrayList<>(List.of("--server.port=0", "--ledger.mongodb.uri=" + mongoUri,
                "--spring.jmx.enabled=false"))));
    }

    static ConfigurableApplicationContext startQuerySide(List<String> properties) {
        List<String> all = new ArrayList<>(properties);
        if (all.stream().noneMatch(p -> p.startsWith("--ledger.tokens.file="))) {
            all.addAll(List.of(tokensFile(), adminTokenFile()));
        }
        return QuerySide.application().run(all.toArray(String[]::new));
    }

    static String tokensFile() {
        return "--ledger.tokens.file=" + TOKENS;
    }

    static String adminTokenFile() {
        return "--ledger.tokens.admin-token-file=" + TOKENS.resolveSibling("admin.token");
    }

    record Answer(int status, String body, Map<String, List<String>> headers) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    Answer post(String path, String body) {
        return send(HttpRequest.newBuilder(URI.create(commands + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    Answer getQuery(String path) {
        return send(HttpRequest.newBuilder(URI.create(queries + path)).GET().build());
    }

    /** With the given Authorization header value ({@code none}: without one). */
    Answer post(String path, String body, String authorization) {
        return send(HttpRequest.newBuilder(URI.create(commands + path)).header("Content-Type", "application/json")
                .header("Authorization", authorization).POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    Answer getQuery(String path, String authorization) {
        return send(HttpRequest.newBuilder(URI.create(queries + path)).header("Authorization", authorization).GET().build());
    }

    Answer postQuery(String path, String authorization) {
        return send(HttpRequest.newBuilder(URI.create(queries + path)).header("Authorization", authorization)
                .POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    /** A GET of the query side answered as bytes (an export, gzipped or not), as the admin unless headers say otherwise. */
    HttpResponse<byte[]> getQueryBytes(String path, String... headers) {
        return sendForBytes(HttpRequest.newBuilder(URI.create(queries + path)).GET(), headers);
    }

    /** A POST of a body of bytes to the query side (an import). */
    Answer postQueryBytes(String path, byte[] body, String... headers) {
        HttpResponse<byte[]> r = sendForBytes(HttpRequest.newBuilder(URI.create(queries + path)).POST(HttpRequest.BodyPublishers.ofByteArray(body)), headers);
        return new Answer(r.statusCode(), new String(r.body(), StandardCharsets.UTF_8), r.headers().map());
    }

    private HttpResponse<byte[]> sendForBytes(HttpRequest.Builder request, String... headers) {
        boolean authorized = false;
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
            authorized |= headers[i].equalsIgnoreCase("Authorization");
        }
        if (!authorized) {
            request.header("Authorization", TestTokens.ADMIN);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Sends as the admin, unless the request names its own Authorization (or {@code none}, for no token). */
    Answer send(HttpRequest request) {
        HttpRequest.Builder signed = HttpRequest.newBuilder(request, (name, value) -> !(name.equalsIgnoreCase("Authorization") && value.equals("none")));
        if (request.headers().firstValue("Authorization").isEmpty()) {
            signed.header("Authorization", TestTokens.ADMIN);
        }
        try {
            HttpResponse<String> r = http.send(signed.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body(), r.headers().map());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * A command with an Idempotency-Key, sent again if its connection was lost before an answer (a pooled keep-alive
     * connection the server closed as it was reused): the key makes sending it again safe.
     */
    private Answer keyed(String path, String body, String key) {
        for (int attempt = 1; ; attempt++) {
            try {
                return send(HttpRequest.newBuilder(URI.create(commands + path)).header("Content-Type", "application/json")
                        .header("Idempotency-Key", key).POST(HttpRequest.BodyPublishers.ofString(body)).build());
            } catch (UncheckedIOException lost) {
                if (attempt == 3) {
                    throw lost;
                }
            }
        }
    }

    /**
     * Sends a fixture's operator log through the command API with several clients, each demand's commands in
     * log order on one client (as the acceptance client does); answers the highest position acknowledged.
     */
    long load(String fixture, int clients) throws Exception {
        List<JsonNode> all = new ArrayList<>();
        try (InputStream in = new GZIPInputStream(resource(fixture + "/commands.jsonl.gz"));
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (!line.isBlank()) {
                    all.add(JSON.readTree(line));
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
                        Answer a = keyed(FixtureCommands.path(c), FixtureCommands.body(c), run + "-" + line);
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

    static InputStream resource(String name) {
        InputStream in = RunningLedger.class.getResourceAsStream("/fixtures/" + name);
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

    @Override
    public void close() {
        querySide.close();
        if (commandSide != null) {
            commandSide.close();
        }
    }

}
