package ledger.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.ConnectionString;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import java.io.IOException;
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
import ledger.access.TestTokens;
import ledger.command.CommandSide;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Both sides of the ledger started as users start them, in this JVM on free ports, against one MongoDB, and
 * spoken to only through HTTP. Public for the acceptance module's tests (query-side's test-jar).
 */
public final class RunningLedger implements AutoCloseable {

    public static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    public final ConfigurableApplicationContext commandSide;
    public final ConfigurableApplicationContext querySide;
    public final String commands;
    public final String queries;
    private final String mongoUri;
    private MongoClient client;

    /** One token per role (TestTokens), for every ledger these tests start. */
    static final Path TOKENS = TestTokens.file();

    public RunningLedger(String mongoUri, String... extraQueryProperties) {
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
        this.mongoUri = mongoUri;
    }

    private RunningLedger(ConfigurableApplicationContext querySide, String mongoUri) {
        this.commandSide = null;
        this.querySide = querySide;
        this.commands = null;
        this.queries = "http://127.0.0.1:" + querySide.getEnvironment().getProperty("local.server.port");
        this.mongoUri = mongoUri;
    }

    /** A query side alone (where a bundle is imported, say). */
    public static RunningLedger querySideOnly(String mongoUri) {
        System.setProperty("axoniq.update-checker.disabled", "true");
        return new RunningLedger(startQuerySide(new ArrayList<>(List.of("--server.port=0", "--ledger.mongodb.uri=" + mongoUri,
                "--spring.jmx.enabled=false"))), mongoUri);
    }

    public static ConfigurableApplicationContext startQuerySide(List<String> properties) {
        List<String> all = new ArrayList<>(properties);
        if (all.stream().noneMatch(p -> p.startsWith("--ledger.tokens.file="))) {
            all.addAll(List.of(tokensFile(), adminTokenFile()));
        }
        return QuerySide.application().run(all.toArray(String[]::new));
    }

    public static String tokensFile() {
        return "--ledger.tokens.file=" + TOKENS;
    }

    public static String adminTokenFile() {
        return "--ledger.tokens.admin-token-file=" + TOKENS.resolveSibling("admin.token");
    }

    public record Answer(int status, String body, Map<String, List<String>> headers) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    public Answer post(String path, String body) {
        return send(HttpRequest.newBuilder(URI.create(commands + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    public Answer getQuery(String path) {
        return send(HttpRequest.newBuilder(URI.create(queries + path)).GET().build());
    }

    /** With the given Authorization header value ({@code none}: without one). */
    public Answer post(String path, String body, String authorization) {
        return send(HttpRequest.newBuilder(URI.create(commands + path)).header("Content-Type", "application/json")
                .header("Authorization", authorization).POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    public Answer getQuery(String path, String authorization) {
        return send(HttpRequest.newBuilder(URI.create(queries + path)).header("Authorization", authorization).GET().build());
    }

    public Answer postQuery(String path, String authorization) {
        return send(HttpRequest.newBuilder(URI.create(queries + path)).header("Authorization", authorization)
                .POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    /** A GET of the query side answered as bytes (an export, gzipped or not), as the admin unless headers say otherwise. */
    public HttpResponse<byte[]> getQueryBytes(String path, String... headers) {
        return sendForBytes(HttpRequest.newBuilder(URI.create(queries + path)).GET(), headers);
    }

    /** A POST of a body of bytes to the query side (an import). */
    public Answer postQueryBytes(String path, byte[] body, String... headers) {
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
    public Answer send(HttpRequest request) {
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

    /** A command that must be stored (201), with the Authorization given: answers its position in the log. */
    public long stored(String path, String body, String authorization) {
        Answer a = post(path, body, authorization);
        assertThat(a.status()).as("%s %s: %s", path, body, a.body()).isEqualTo(201);
        return a.json().get("position").asLong();
    }

    /** The ledger's database, for a test that reaches behind the API (to damage it, say); its client closes with the ledger. */
    public synchronized MongoDatabase database() {
        if (client == null) {
            client = MongoClients.create(mongoUri);
        }
        return client.getDatabase(new ConnectionString(mongoUri).getDatabase());
    }

    /**
     * A command with an Idempotency-Key, sent again if its connection was lost before an answer (a pooled keep-alive
     * connection the server closed as it was reused): the key makes sending it again safe.
     */
    public Answer keyed(String path, String body, String key) {
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

    @Override
    public void close() {
        querySide.close();
        if (commandSide != null) {
            commandSide.close();
        }
        if (client != null) {
            client.close();
        }
    }

}
