package ledger.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server's output follows {@code LOG_FORMAT} as the sides' does (operations.md). */
class LogLinesTest {

    @TempDir
    Path dataDir;

    @Test
    void withLogFormatJsonEveryLineIsOneJsonObject() throws Exception {
        List<String> lines = run("json");
        assertThat(lines).isNotEmpty();
        for (String line : lines) {
            Document parsed = Document.parse(line);
            assertThat(parsed.keySet()).as(line).contains("@timestamp", "log", "message", "ecs");
            assertThat(parsed.get("log", Document.class).keySet()).as(line).contains("level", "logger");
            assertThat(parsed.get("error", new Document()).keySet()).as(line).doesNotContain("stack_trace");
        }
        assertThat(lines).anyMatch(l -> Document.parse(l).getString("message").contains("listening on mongodb://"));
        assertThat(lines).anyMatch(l -> Document.parse(l).getString("message").contains("connected"));
    }

    @Test
    void otherwisePlainText() throws Exception {
        List<String> lines = run("plain");
        assertThat(lines).anyMatch(l -> l.startsWith("[main] INFO ledger.embedded.EmbeddedMongo - embedded MongoDB-compatible server listening"));
        assertThat(lines).noneMatch(l -> l.startsWith("{"));
    }

    @Test
    void aMessageIsEscapedIntoOneLine() {
        ch.qos.logback.classic.LoggerContext context = new ch.qos.logback.classic.LoggerContext();
        ch.qos.logback.classic.spi.LoggingEvent event = new ch.qos.logback.classic.spi.LoggingEvent("x", context.getLogger("a.B"),
                ch.qos.logback.classic.Level.WARN, "two\nlines \"quoted\" \\ and \u0001", new IllegalStateException("why"), null);
        String line = LogLines.Line.json(event);
        assertThat(line).endsWith("}\n").doesNotContain("\n{").hasLineCount(1);
        Document parsed = Document.parse(line);
        assertThat(parsed.getString("message")).isEqualTo("two\nlines \"quoted\" \\ and \u0001");
        assertThat(parsed.get("log", Document.class).getString("level")).isEqualTo("WARN");
        assertThat(parsed.get("error", Document.class).getString("type")).isEqualTo(IllegalStateException.class.getName());
        assertThat(parsed.get("error", Document.class).getString("message")).isEqualTo("why");
    }

    /** Starts the server as ./run does, connects once, stops it with SIGTERM, and returns everything it printed. */
    private List<String> run(String format) throws Exception {
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), EmbeddedMongo.class.getName()).redirectErrorStream(true);
        builder.environment().put("DATA_DIR", dataDir.resolve(format).toString());
        builder.environment().put("MONGO_PORT", String.valueOf(port));
        builder.environment().put("LOG_FORMAT", format);
        Process server = builder.start();
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (java.io.IOException e) {
                // the process ended
            }
        });
        reader.start();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> lines.stream().anyMatch(l -> l.contains("listening")));
            try (MongoClient client = MongoClients.create("mongodb://127.0.0.1:" + port)) {
                client.getDatabase("ledger").getCollection("things").insertOne(new Document("_id", 1));
            }
            server.destroy();
            assertThat(server.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            server.destroyForcibly();
        }
        reader.join(10_000);
        return lines;
    }
}
