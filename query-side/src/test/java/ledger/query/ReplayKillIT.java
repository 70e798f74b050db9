package ledger.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import ledger.command.CommandSide;
import ledger.eventlog.TestMongo;
import ledger.access.TestTokens;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A query side killed with SIGKILL in the middle of a replay finishes it by itself when started again, with
 * the same figures. The query side runs as its own process, from the jar users run.
 */
class ReplayKillIT {

    private final HttpClient http = HttpClient.newHttpClient();

    private String get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", TestTokens.ADMIN).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private Process querySide(String mongoUri, int port, Path logFile, String... properties) throws Exception {
        File jar = new File("target").listFiles((dir, name) -> name.startsWith("query-side-") && name.endsWith("-exec.jar"))[0];
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                jar.getPath(), "--server.port=" + port, "--ledger.mongodb.uri=" + mongoUri, "--ledger.query.batch-size=10",
                "--ledger.query.replay.stale-seconds=3", RunningLedger.tokensFile(), RunningLedger.adminTokenFile()));
        command.addAll(List.of(properties));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(logFile.toFile()).start();
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void aReplayKilledMidwayIsFinishedByTheNextStart() throws Exception {
        String uri = TestMongo.embedded();
        System.setProperty("axoniq.update-checker.disabled", "true");
        ConfigurableApplicationContext commandSide = CommandSide.application().run("--server.port=0",
                "--ledger.mongodb.uri=" + uri, "--ledger.pseudonym.key=test-key", "--spring.jmx.enabled=false",
                RunningLedger.tokensFile(), RunningLedger.adminTokenFile());
        int port = freePort();
        String queries = "http://127.0.0.1:" + port;
        Path logs = Files.createDirectories(Path.of("target", "replay-kill"));
        // the first builds slowly enough to be killed in the middle
        Process first = querySide(uri, port, logs.resolve("first.log"), "--ledger.query.replay.max-events-per-second=300");
        Process second = null;
        try {
            String commands = "http://127.0.0.1:" + commandSide.getEnvironment().getProperty("local.server.port");
            long last = 0;
            for (int i = 0; i < 2500; i++) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(commands + "/api/demands"))
                        .header("Content-Type", "application/json").header("Authorization", TestTokens.ADMIN).POST(HttpRequest.BodyPublishers.ofString(
                                "{\"demandId\":\"k-" + i + "\",\"receivedAt\":\"2012-0" + (1 + i % 9) + "-02T00:00:00Z\",\"jurisdiction\":\""
                                        + (i % 2 == 0 ? "BE" : "CH") + "\",\"agency\":\"x\",\"legalProcess\":\"OTHER\",\"accounts\":[\"a" + (i % 70) + "\"]}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(201);
                last = RunningLedger.JSON.readTree(r.body()).get("position").asLong();
            }
            long position = last;
            await().atMost(Duration.ofSeconds(120)).ignoreExceptions().until(() ->
                    RunningLedger.JSON.readTree(get(queries + "/api/statistics/2012-H2")).get("position").asLong() >= position);
            String h1 = get(queries + "/api/statistics/2012-H1.csv");
            String h2 = get(queries + "/api/statistics/2012-H2.csv");

            HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(URI.create(queries + "/api/replays"))
                    .header("Authorization", TestTokens.ADMIN).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(accepted.statusCode()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> {
                JsonNode latest = RunningLedger.JSON.readTree(get(queries + "/api/replays/latest"));
                return "RUNNING".equals(latest.get("state").asText()) && latest.get("processed").asLong() > 100;
            });
            first.destroyForcibly(); // SIGKILL
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();

            second = querySide(uri, port, logs.resolve("second.log"));
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() ->
                    "FINISHED".equals(RunningLedger.JSON.readTree(get(queries + "/api/replays/latest")).get("state").asText()));
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> get(queries + "/api/statistics/2012-H1.csv").equals(h1));
            assertThat(get(queries + "/api/statistics/2012-H2.csv")).isEqualTo(h2);
        } finally {
            first.destroyForcibly();
            if (second != null) {
                second.destroyForcibly();
            }
            commandSide.close();
        }
    }
}
