package ledger.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import ledger.access.TestTokens;

/**
 * The three processes of the embedded default (the embedded MongoDB-compatible server, the command side, the query
 * side), each from its packaged jar as {@code ./run} starts them (the jars the reactor built in their modules'
 * {@code target}), on one data folder, their ports fixed across restarts. Their output is in {@code target/<name>},
 * the data folder in {@code target/<name>/data}.
 */
final class PackagedLedger implements AutoCloseable {

    /** C1 only and the serial collector: both Spring Boot JVMs start in about 12 s instead of 17 s on two cores. */
    static final List<String> FAST_JVM = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
    private static final String PERIOD = "2014-H1";

    final Path logs;
    final Path dataDir;
    final int mongoPort;
    final int commandPort;
    final int queryPort;
    /** Whether the sides get {@link TestTokens}' tokens file; else they create their own on the first start. */
    private final boolean testTokens;
    /** More of the processes' environment ({@code LOG_FORMAT}, say). */
    final Map<String, String> environment = new java.util.LinkedHashMap<>();
    Process server;
    Process command;
    Process query;
    private final List<Process> killed = new ArrayList<>();
    private int serverStarts;
    private int sideStarts;
    private int toolRuns;

    /** The tool's exit status and what it printed on its standard output (its error output is in a log file). */
    record ToolRun(int exitStatus, String stdout) {
    }

    PackagedLedger() throws IOException {
        this("crash");
    }

    PackagedLedger(String name) throws IOException {
        this(name, true);
    }

    PackagedLedger(String name, boolean testTokens) throws IOException {
        this.testTokens = testTokens;
        logs = Path.of("target", name).toAbsolutePath();
        if (Files.exists(logs)) {
            try (Stream<Path> old = Files.walk(logs)) {
                old.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
        dataDir = Files.createDirectories(logs.resolve("data"));
        int[] ports = freePorts(3);
        mongoPort = ports[0];
        commandPort = ports[1];
        queryPort = ports[2];
    }

    String commands() {
        return "http://127.0.0.1:" + commandPort;
    }

    String queries() {
        return "http://127.0.0.1:" + queryPort;
    }

    boolean alive() {
        return server.isAlive() && command.isAlive() && query.isAlive();
    }

    void startServer() throws IOException {
        long started = System.nanoTime();
        server = start(concatArgs(List.of(), jar(Path.of("..", "embedded-mongo", "target"), "embedded-mongo-", ".jar")),
                "embedded-mongo-" + ++serverStarts + ".log");
        Process process = server;
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
            stillRunning(process, "embedded-mongo-" + serverStarts + ".log");
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", mongoPort), 1_000);
                return true;
            } catch (IOException e) {
                return false;
            }
        });
        System.out.printf("%s: embedded server listening on %d after %d ms (data in %s)%n", logs.getFileName(), mongoPort,
                (System.nanoTime() - started) / 1_000_000, dataDir);
    }

    void startSides() throws IOException {
        long started = System.nanoTime();
        sideStarts++;
        command = start(concatArgs(FAST_JVM, commandSideJar()), "command-side-" + sideStarts + ".log");
        query = start(concatArgs(FAST_JVM, querySideJar()),
                "query-side-" + sideStarts + ".log");
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(1)).build();
        Process c = command;
        Process q = query;
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
            stillRunning(c, "command-side-" + sideStarts + ".log");
            stillRunning(q, "query-side-" + sideStarts + ".log");
            // GET on the command API is a 405: it answers, so it listens
            return status(http, commands() + "/api/demands") / 100 == 4
                    && status(http, queries() + "/api/statistics/" + PERIOD) == 200;
        });
        System.out.printf("%s: command side on %d and query side on %d answering after %d ms%n", logs.getFileName(),
                commandPort, queryPort, (System.nanoTime() - started) / 1_000_000);
    }

    /** {@code java -jar command-side-exec.jar token ARGS...} on the data folder, as {@code ./run token} runs it. */
    ToolRun token(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(java()));
        command.addAll(FAST_JVM);
        command.addAll(List.of("-jar", commandSideJar().toString(), "token"));
        command.addAll(List.of(args));
        toolRuns++;
        ProcessBuilder builder = builder(command).redirectError(logs.resolve("token-" + toolRuns + ".log").toFile());
        Process tool = builder.start();
        tool.getOutputStream().close();
        String stdout = new String(tool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(tool.waitFor(60, TimeUnit.SECONDS)).as("./run token %s finished", String.join(" ", args)).isTrue();
        return new ToolRun(tool.exitValue(), stdout);
    }

    /** {@code java -jar query-side-exec.jar verify ARGS...}, as {@code ./run verify} runs it: no database needed. */
    ToolRun verify(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(java()));
        command.addAll(FAST_JVM);
        command.addAll(List.of("-jar", querySideJar().toString(), "verify"));
        command.addAll(List.of(args));
        toolRuns++;
        ProcessBuilder builder = builder(command).redirectErrorStream(true);
        Process tool = builder.start();
        tool.getOutputStream().close();
        String output = new String(tool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(tool.waitFor(60, TimeUnit.SECONDS)).as("./run verify %s finished", String.join(" ", args)).isTrue();
        return new ToolRun(tool.exitValue(), output);
    }

    /**
     * {@code java -jar query-side-exec.jar ARGS...} on the data folder (its {@code DATA_DIR} and ports), as {@code ./run
     * backup} and {@code ./run restore} run it, with the environment's additions: its exit status and its output and
     * error output together (also in {@code query-tool-N.log}).
     */
    ToolRun queryTool(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(java()));
        command.addAll(FAST_JVM);
        command.addAll(List.of("-jar", querySideJar().toString()));
        command.addAll(List.of(args));
        toolRuns++;
        ProcessBuilder builder = builder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process tool = builder.start();
        tool.getOutputStream().close();
        String output = new String(tool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(tool.waitFor(300, TimeUnit.SECONDS)).as("query-side %s finished", String.join(" ", args)).isTrue();
        Files.writeString(logs.resolve("query-tool-" + toolRuns + ".log"), String.join(" ", args) + "\n" + output);
        System.out.printf("%s: query-side %s: %d%n%s", logs.getFileName(), String.join(" ", args), tool.exitValue(), output);
        return new ToolRun(tool.exitValue(), output);
    }

    /**
     * {@code java -jar command-side-exec.jar import ARGS...} on the data folder, as {@code ./run import} runs it (its
     * default URL, the command side's port, and its default token, {@code DATA_DIR/admin.token}, are this ledger's),
     * with the environment's additions; started, not awaited. Its output goes to {@code <name>.out} and {@code .err}.
     */
    Process startImport(String name, Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(java(), "-XX:+UseSerialGC", "-jar", commandSideJar().toString(), "import"));
        command.addAll(List.of(args));
        ProcessBuilder builder = builder(command).redirectOutput(logs.resolve(name + ".out").toFile())
                .redirectError(logs.resolve(name + ".err").toFile());
        builder.environment().putAll(env);
        Process tool = builder.start();
        tool.getOutputStream().close();
        return tool;
    }

    /** A clean stop (SIGTERM), as Ctrl-C on ./run: the sides first, the database last. */
    void stopAll() throws InterruptedException {
        for (Process p : List.of(query, command, server)) {
            p.destroy();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("a process stopped").isTrue();
        }
    }

    /** The bytes of every file in the data folder. */
    long dataBytes() throws IOException {
        try (Stream<Path> files = Files.walk(dataDir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    /** SIGKILL to all three, one right after the other (their exit is for {@link #awaitKilled}). */
    void killAll() {
        for (Process p : List.of(server, command, query)) {
            p.destroyForcibly();
            killed.add(p);
        }
    }

    /** SIGKILL to the embedded server alone. */
    void killServer() {
        server.destroyForcibly();
        killed.add(server);
    }

    /** Waits until the processes killed have exited (and so released the data folder and their ports). */
    void awaitKilled() throws InterruptedException {
        for (Process p : killed) {
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("a killed process exited").isTrue();
        }
        killed.clear();
    }

    private Process start(List<String> args, String logName) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(java());
        command.addAll(args);
        if (testTokens && !Files.exists(dataDir.resolve("tokens.json"))) {
            TestTokens.write(dataDir.resolve("tokens.json"));
        }
        return builder(command).redirectErrorStream(true).redirectOutput(logs.resolve(logName).toFile()).start();
    }

    /** A process of the embedded default on the data folder, whatever the build's environment says. */
    private ProcessBuilder builder(List<String> command) {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dataDir.toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("LEDGER_"));
        env.remove("MONGODB_URI");
        env.remove("PSEUDONYM_KEY");
        env.put("DATA_DIR", dataDir.toString());
        env.put("MONGO_PORT", Integer.toString(mongoPort));
        env.put("COMMAND_PORT", Integer.toString(commandPort));
        env.put("QUERY_PORT", Integer.toString(queryPort));
        env.putAll(environment);
        return builder;
    }

    /** The admin's bearer token: the test tokens', or the one the first start wrote (null until it has). */
    String adminBearer() {
        if (testTokens) {
            return TestTokens.ADMIN;
        }
        try {
            Path file = dataDir.resolve("admin.token");
            return Files.exists(file) ? "Bearer " + Files.readString(file, StandardCharsets.UTF_8).trim() : null;
        } catch (IOException e) {
            return null;
        }
    }

    private void stillRunning(Process process, String logName) throws IOException {
        if (!process.isAlive()) {
            List<String> lines = Files.readAllLines(logs.resolve(logName), StandardCharsets.UTF_8);
            throw new IllegalStateException(logName.replace(".log", "") + " exited (" + process.exitValue()
                    + ") while starting; the end of " + logs.resolve(logName) + ":\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size())));
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (Process p : new Process[] {query, command, server}) {
            if (p != null) {
                p.destroyForcibly();
                p.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private int status(HttpClient http, String url) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET();
        String admin = adminBearer();
        if (admin != null) {
            request.header("Authorization", admin);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static Path commandSideJar() {
        return jar(Path.of("..", "command-side", "target"), "command-side-", "-exec.jar");
    }

    private static Path querySideJar() {
        return jar(Path.of("..", "query-side", "target"), "query-side-", "-exec.jar");
    }

    private static List<String> concatArgs(List<String> options, Path jar) {
        List<String> args = new ArrayList<>(options);
        args.add("-jar");
        args.add(jar.toString());
        return args;
    }

    private static Path jar(Path dir, String prefix, String suffix) {
        File[] found = dir.toFile().listFiles((d, name) -> name.startsWith(prefix) && name.endsWith(suffix)
                && !name.endsWith("-sources.jar") && !name.endsWith("-tests.jar") && !name.endsWith("-javadoc.jar"));
        assertThat(found).as("the packaged %s*%s in %s (build the reactor: ./mvnw verify)", prefix, suffix,
                dir.toAbsolutePath().normalize()).isNotNull().hasSize(1);
        return found[0].toPath().toAbsolutePath().normalize();
    }

    private static int[] freePorts(int count) throws IOException {
        ServerSocket[] sockets = new ServerSocket[count];
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                sockets[i] = new ServerSocket(0);
                ports[i] = sockets[i].getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket s : sockets) {
                if (s != null) {
                    s.close();
                }
            }
        }
    }
}
