package ledger.command.importing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code ./run import FILE [--url URL]} (operations.md): sends an operator's log through the command API, each line
 * with an Idempotency-Key of its own ({@link OperatorLog.Contents#key}), so a run that was interrupted, run again,
 * completes it, and a finished one run again stores nothing (the ledger answers a repeat with
 * {@code Idempotent-Replayed}). One demand's commands go in the log's order on one worker, one at a time; workers
 * send in parallel, each on a keep-alive connection of its own. No Spring, so that the tool starts at once.
 *
 * <p>Exit status: 0 when every line was stored (now or before), 1 when a line was refused (each reported on the
 * error output with its number and the problem), 2 for a wrong invocation or an unreadable file, 3 when the import
 * stopped before the end (no ledger answering, a token it does not know, a server error).
 */
public final class LogImport {

    static final int DEFAULT_WORKERS = 16;
    private static final int QUEUED_PER_WORKER = 256;
    private static final int ATTEMPTS = 4;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final OperatorLog.Command END = new OperatorLog.Command(-1, "", "", new byte[0]);
    private static final String USAGE = "usage: ./run import FILE [--url URL] [--workers N]\n"
            + "  FILE       an operator's log, one command a line (fixtures/README.md), gzipped or not\n"
            + "  --url      the command side (default http://127.0.0.1:$COMMAND_PORT, 8081)\n"
            + "  --workers  demands sent in parallel (default " + DEFAULT_WORKERS + ")\n"
            + "  the token: $LEDGER_TOKEN, else $DATA_DIR/admin.token";

    private LogImport() {
    }

    public static void main(String[] args) {
        System.exit(run(List.of(args), System.getenv(), System.out, System.err, System.console() != null));
    }

    /** Answers the exit status. */
    static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err, boolean terminal) {
        String file = null;
        String url = "http://127.0.0.1:" + env.getOrDefault("COMMAND_PORT", "8081");
        int workers = DEFAULT_WORKERS;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if ((arg.equals("--url") || arg.equals("--workers")) && i + 1 < args.size()) {
                String value = args.get(++i);
                if (arg.equals("--url")) {
                    url = value.replaceAll("/+$", "");
                } else {
                    try {
                        workers = Integer.parseInt(value);
                    } catch (NumberFormatException e) {
                        workers = 0;
                    }
                    if (workers < 1 || workers > 256) {
                        err.println("import: --workers is 1 to 256\n" + USAGE);
                        return 2;
                    }
                }
            } else if (file == null && !arg.startsWith("--")) {
                file = arg;
            } else {
                err.println(USAGE);
                return 2;
            }
        }
        if (file == null) {
            err.println(USAGE);
            return 2;
        }
        URI base;
        try {
            base = URI.create(url);
            if (!"http".equals(base.getScheme()) && !"https".equals(base.getScheme()) || base.getHost() == null) {
                throw new IllegalArgumentException("not an http(s) URL");
            }
        } catch (IllegalArgumentException e) {
            err.println("import: --url " + url + ": " + e.getMessage());
            return 2;
        }
        Token token = Token.find(env, err);
        if (token == null) {
            return 2;
        }
        OperatorLog log = new OperatorLog(Path.of(file));
        OperatorLog.Contents contents;
        try {
            contents = log.read();
        } catch (IOException e) {
            err.println("import: cannot read " + file + ": " + e);
            return 2;
        }
        out.printf(Locale.ROOT, "import: %s, %,d commands, to %s (Idempotency-Key %sLINE)%n", file, contents.commands(), url,
                contents.keyPrefix());
        out.flush();
        return new Run(log, contents, base, token, workers, out, err, terminal).go();
    }

    /** The bearer token and where it came from (named in a 401's message; the token itself never printed). */
    record Token(String value, String source) {

        static Token find(Map<String, String> env, PrintStream err) {
            String value = env.get("LEDGER_TOKEN");
            if (value != null && !value.isBlank()) {
                return new Token(value.trim(), "LEDGER_TOKEN");
            }
            String dataDir = env.getOrDefault("DATA_DIR", "");
            Path file = Path.of(dataDir.isBlank() ? "./data" : dataDir, "admin.token").toAbsolutePath().normalize();
            try {
                String text = Files.readString(file, StandardCharsets.UTF_8).trim();
                if (!text.isEmpty()) {
                    return new Token(text, file.toString());
                }
            } catch (IOException e) {
                // said below
            }
            err.println("import: no token: set LEDGER_TOKEN, or DATA_DIR to the ledger's data folder (no token in " + file + ")");
            return null;
        }
    }

    /** One import: the file read once more, line by line, into the workers' queues. */
    private static final class Run {

        private final OperatorLog log;
        private final OperatorLog.Contents contents;
        private final URI base;
        private final String url;
        private final Token token;
        private final PrintStream out;
        private final Progress progress;
        private final List<BlockingQueue<OperatorLog.Command>> queues = new ArrayList<>();
        private final AtomicReference<String> stopped = new AtomicReference<>();
        private final AtomicBoolean answered = new AtomicBoolean();
        private final AtomicBoolean finished = new AtomicBoolean();

        Run(OperatorLog log, OperatorLog.Contents contents, URI base, Token token, int workers, PrintStream out,
            PrintStream err, boolean terminal) {
            this.log = log;
            this.contents = contents;
            this.base = base;
            this.url = base.toString();
            this.token = token;
            this.out = out;
            this.progress = new Progress(contents.commands(), terminal, err);
            for (int i = 0; i < workers; i++) {
                queues.add(new ArrayBlockingQueue<>(QUEUED_PER_WORKER));
            }
        }

        int go() {
            // an interrupted run says where it was; the next run completes it
            Thread hook = new Thread(() -> {
                if (!finished.get()) {
                    progress.stop();
                    out.println();
                    summary("interrupted after");
                    out.println("import: nothing is stored twice: run the same import again to complete it");
                    out.flush();
                }
            });
            Runtime.getRuntime().addShutdownHook(hook);
            progress.start();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < queues.size(); i++) {
                BlockingQueue<OperatorLog.Command> queue = queues.get(i);
                Thread t = new Thread(() -> work(queue), "import-" + i);
                t.start();
                threads.add(t);
            }
            try (OperatorLog.Lines lines = log.lines()) {
                while (stopped.get() == null && lines.next()) {
                    if (lines.blank()) {
                        continue;
                    }
                    try {
                        OperatorLog.Command command = lines.command();
                        queues.get(Math.floorMod(command.demandId().hashCode(), queues.size())).put(command);
                    } catch (OperatorLog.Unreadable e) {
                        refuse(lines.number(), e.getMessage());
                    }
                }
            } catch (IOException e) {
                stop("reading the file: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop("interrupted");
            }
            for (BlockingQueue<OperatorLog.Command> queue : queues) {
                try {
                    queue.put(END);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            for (Thread t : threads) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            progress.stop();
            finished.set(true);
            Runtime.getRuntime().removeShutdownHook(hook);
            if (stopped.get() != null) {
                out.println("import: stopped: " + stopped.get());
                summary("stopped after");
                out.println("import: nothing is stored twice: run the same import again to complete it");
                return 3;
            }
            summary("done:");
            if (progress.refused.get() > 0) {
                out.printf(Locale.ROOT, "import: %,d line%s refused (each named above, on the error output)%n",
                        progress.refused.get(), progress.refused.get() == 1 ? "" : "s");
                return 1;
            }
            return 0;
        }

        private void summary(String what) {
            double seconds = progress.seconds();
            long done = progress.done();
            out.printf(Locale.ROOT, "import: %s %,d of %,d lines in %.1f s (%,.0f/s): %,d stored, %,d already stored, %,d refused%n",
                    what, done, contents.commands(), seconds, done / Math.max(seconds, 1e-3), progress.stored.get(),
                    progress.alreadyStored.get(), progress.refused.get());
        }

        private void work(BlockingQueue<OperatorLog.Command> queue) {
            try (CommandConnection connection = new CommandConnection(base, token.value())) {
                for (OperatorLog.Command command; (command = queue.take()) != END; ) {
                    if (stopped.get() == null) {
                        send(connection, command);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void send(CommandConnection connection, OperatorLog.Command command) throws InterruptedException {
            String key = contents.key(command.lineNumber());
            for (int attempt = 1; ; attempt++) {
                CommandConnection.Answer answer;
                try {
                    answer = connection.post(command.path(), key, command.body());
                } catch (IOException e) {
                    // the same key again is safe: what was stored is answered as already stored
                    if (e instanceof ConnectException && !answered.get()) {
                        stop("no command side answers at " + url + " (" + e + "): is the ledger running (./run)?");
                        return;
                    }
                    if (attempt == ATTEMPTS) {
                        stop("line " + command.lineNumber() + ": no answer from " + url + " after " + ATTEMPTS + " attempts (" + e + ")");
                        return;
                    }
                    backOff(attempt);
                    continue;
                }
                answered.set(true);
                int status = answer.status();
                if (status / 100 == 2) {
                    (answer.replayed() ? progress.alreadyStored : progress.stored).incrementAndGet();
                    return;
                }
                if (status == 401) {
                    stop(url + " answered 401: it knows no such token as the one from " + token.source()
                            + " (revoked, or another ledger's?)");
                    return;
                }
                if (status == 503 && attempt < ATTEMPTS) {
                    backOff(attempt);
                    continue;
                }
                if (status >= 500) {
                    stop("line " + command.lineNumber() + ": " + url + " answered " + problem(status, answer.body()));
                    return;
                }
                refuse(command.lineNumber(), problem(status, answer.body()));
                return;
            }
        }

        private void refuse(long lineNumber, String problem) {
            progress.refused.incrementAndGet();
            progress.report("import: line " + lineNumber + " refused: " + problem);
        }

        private void stop(String reason) {
            stopped.compareAndSet(null, reason);
        }

        private static void backOff(int attempt) throws InterruptedException {
            Thread.sleep(500L << (attempt - 1));
        }

        /** A problem detail (RFC 9457) in one line: status, title, detail, the field at fault, the roles a 403 wants. */
        private static String problem(int status, byte[] body) {
            StringBuilder text = new StringBuilder().append(status);
            try {
                JsonNode problem = JSON.readTree(body);
                if (problem != null && problem.isObject()) {
                    appendField(text, " ", problem.get("title"));
                    appendField(text, ": ", problem.get("detail"));
                    appendField(text, " (field ", problem.get("field"));
                    if (problem.hasNonNull("field")) {
                        text.append(')');
                    }
                    if (problem.has("requiredRoles")) {
                        text.append(" (roles that would do: ").append(problem.get("requiredRoles")).append(')');
                    }
                    return text.toString();
                }
            } catch (IOException e) {
                // not JSON: shown as it is
            }
            String raw = new String(body, StandardCharsets.UTF_8).strip();
            return text.append(raw.isEmpty() ? "" : " " + (raw.length() > 200 ? raw.substring(0, 200) + "..." : raw)).toString();
        }

        private static void appendField(StringBuilder text, String before, JsonNode value) {
            if (value != null && !value.isNull()) {
                text.append(before).append(value.asText());
            }
        }
    }
}
