package ledger.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import ledger.command.CommandSide;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A lab figure: the CPU that the command side's request threads spend per HTTP command, receipts and dispositions
 * measured apart, on the in-process mongo-java-server. Clients speak plain HTTP/1.1 on keep-alive connections.
 * Each round logs {@code clients x demands} new demands, then one subscriber disclosure per demand; the figures
 * are the medians (and the least) of the rounds after a warm-up. Per-thread CPU time is less disturbed than
 * throughput by other load on the machine, but not immune to it.
 *
 * <p>The bytes the request threads allocate per command are reported too: they do not depend on other load. A JFR
 * recording of the measured rounds gives the share of the request threads' samples spent writing answers and
 * loading demands from the log (run with {@code -XX:FlightRecorderOptions:stackdepth=256}: Spring's stacks are
 * deeper than JFR's default 64 frames).
 *
 * <p>Usage: {@code ./mvnw -q -pl benchmarks -am install -DskipTests && ./mvnw -q -pl benchmarks exec:java
 * -Dexec.mainClass=ledger.benchmarks.CommandCost -Dexec.args="[clients] [demands] [warm-ups] [rounds]"}
 * (defaults 1: one command at a time, the least disturbed CPU figure; 600 demands per client and round; 5; 15).
 */
public final class CommandCost {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    public static void main(String[] args) throws Exception {
        int clients = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        int demands = args.length > 1 ? Integer.parseInt(args[1]) : 600;
        int warmups = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 15;
        System.setProperty("axoniq.update-checker.disabled", "true");
        String uri = BenchServer.start("memory").bindAndGetConnectionString() + "/bench";
        ConfigurableApplicationContext app = CommandSide.application().run("--server.port=0", "--ledger.mongodb.uri=" + uri,
                "--ledger.pseudonym.key=bench", "--spring.jmx.enabled=false", BenchTokens.FILE_ARG, BenchTokens.ADMIN_FILE_ARG,
                "--logging.level.root=warn");
        int port = Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
        try (PlainHttp probe = new PlainHttp("127.0.0.1", port)) {
            String id = "probe-" + System.nanoTime();
            System.out.println("[measure] a receipt's answer: " + probe.post("/api/demands", receipt(id, 0)));
            System.out.println("[measure] a disposition's answer: "
                    + probe.post("/api/demands/" + id + "/subscriber-disclosures", DISPOSITION));
        }
        for (int w = 0; w < warmups; w++) {
            round(port, "w" + w, clients, demands);
        }
        List<double[]> figures = new ArrayList<>();
        java.nio.file.Path jfr = java.nio.file.Files.createTempFile("command-cost", ".jfr");
        jdk.jfr.Recording recording = new jdk.jfr.Recording();
        recording.enable("jdk.ExecutionSample").withPeriod(java.time.Duration.ofMillis(2));
        recording.start();
        for (int r = 0; r < rounds; r++) {
            double[] f = round(port, "r" + r, clients, demands);
            figures.add(f);
            System.out.printf(Locale.ROOT, "[measure] round %d: receipt %.0f us request-thread CPU (%.0f us process, %.1f KiB "
                            + "allocated), disposition %.0f us (%.0f us process, %.1f KiB); %.0f + %.0f commands/s%n",
                    r, f[0], f[1], f[6], f[2], f[3], f[7], f[4], f[5]);
        }
        recording.stop();
        recording.dump(jfr);
        recording.close();
        profile(jfr, median(figures, 0), median(figures, 2));
        java.nio.file.Files.delete(jfr);
        System.out.printf(Locale.ROOT, "[measure] median of %d rounds, %d clients x %d demands: receipt %.0f us request-thread "
                        + "CPU (%.0f us process), disposition %.0f us (%.0f us process); receipts %.0f/s, dispositions %.0f/s%n",
                rounds, clients, demands, median(figures, 0), median(figures, 1), median(figures, 2), median(figures, 3),
                median(figures, 4), median(figures, 5));
        System.out.printf(Locale.ROOT, "[measure] least of %d rounds: receipt %.0f us request-thread CPU (%.0f us process), "
                        + "disposition %.0f us (%.0f us process)%n",
                rounds, least(figures, 0), least(figures, 1), least(figures, 2), least(figures, 3));
        System.out.printf(Locale.ROOT, "[measure] allocated by the request threads, median: receipt %.1f KiB, disposition %.1f KiB%n",
                median(figures, 6), median(figures, 7));
        app.close();
        System.exit(0);
    }

    private static double least(List<double[]> figures, int index) {
        return figures.stream().mapToDouble(f -> f[index]).min().orElseThrow();
    }

    /** Frames that mark a sample as the writing of an answer, before and after it was written by hand. */
    private static final List<String> ANSWER_WRITING = List.of(
            "org.springframework.web.method.support.HandlerMethodReturnValueHandlerComposite.handleReturnValue",
            "ledger.command.demand.DemandController$Created.writeTo");
    private static final List<String> SOCKET_WRITE = List.of("org.apache.tomcat.util.net.NioEndpoint$NioSocketWrapper.doWrite");
    private static final List<String> DEMAND_READ = List.of(
            "ledger.eventlog.MongoEventLog.readEventData", "ledger.eventlog.MongoEventLog.readSnapshotData");

    /**
     * Of the request threads' execution samples (JFR, every 2 ms): the share spent writing answers (Spring's
     * return value handling, or {@code Created.writeTo}: Jackson's flush writes a chunked answer to the socket
     * inside the former, a buffered answer is written after the latter) and loading demands from the log, and the
     * socket writes wherever they happen; with the median CPU per command, what that is per command.
     * Shares are relative, so less disturbed than CPU times by other load on the machine.
     */
    private static void profile(java.nio.file.Path jfr, double receiptCpu, double dispositionCpu) throws IOException {
        int total = 0;
        int answering = 0;
        int reading = 0;
        int writing = 0;
        int truncated = 0;
        for (jdk.jfr.consumer.RecordedEvent event : jdk.jfr.consumer.RecordingFile.readAllEvents(jfr)) {
            jdk.jfr.consumer.RecordedThread thread = event.getThread("sampledThread");
            if (thread == null || thread.getJavaName() == null || !thread.getJavaName().startsWith("http-nio-")
                    || event.getStackTrace() == null) {
                continue;
            }
            total++;
            truncated += event.getStackTrace().isTruncated() ? 1 : 0;
            boolean answer = false;
            boolean read = false;
            boolean write = false;
            for (jdk.jfr.consumer.RecordedFrame frame : event.getStackTrace().getFrames()) {
                String method = frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
                answer |= ANSWER_WRITING.contains(method);
                read |= DEMAND_READ.contains(method);
                write |= SOCKET_WRITE.contains(method);
            }
            writing += write ? 1 : 0;
            answering += answer ? 1 : 0;
            reading += read ? 1 : 0;
        }
        double perCommand = (receiptCpu + dispositionCpu) / 2;
        System.out.printf(Locale.ROOT, "[measure] profile: %d request-thread samples (%d truncated); writing answers %.1f %% "
                        + "(~%.0f us per command), loading demands from the log %.1f %% (~%.0f us per receipt+disposition pair); "
                        + "socket writes (inside or after either) %.1f %%%n",
                total, truncated, 100.0 * answering / total, perCommand * answering / total, 100.0 * reading / total,
                2 * perCommand * reading / total, 100.0 * writing / total);
    }

    private static double median(List<double[]> figures, int index) {
        double[] values = figures.stream().mapToDouble(f -> f[index]).sorted().toArray();
        return values[values.length / 2];
    }

    /** Receipts, then dispositions: per command the request threads' CPU and the process's (us), and the rates. */
    private static double[] round(int port, String name, int clients, int demands) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<PlainHttp> connections = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            connections.add(new PlainHttp("127.0.0.1", port));
        }
        try {
            String[][] ids = new String[clients][demands];
            long[] receipts = phase(pool, connections, demands, (client, c, i) -> {
                ids[c][i] = name + "-" + c + "-" + i + "-" + System.nanoTime() % 1000;
                expect201(client, "/api/demands", receipt(ids[c][i], i));
            });
            long[] dispositions = phase(pool, connections, demands, (client, c, i) ->
                    expect201(client, "/api/demands/" + ids[c][i] + "/subscriber-disclosures", DISPOSITION));
            double n = (double) clients * demands;
            return new double[] {receipts[0] / n / 1e3, receipts[1] / n / 1e3, dispositions[0] / n / 1e3,
                    dispositions[1] / n / 1e3, n / (receipts[2] / 1e9), n / (dispositions[2] / 1e9),
                    receipts[3] / n / 1024, dispositions[3] / n / 1024};
        } finally {
            for (PlainHttp client : connections) {
                client.close();
            }
            pool.shutdown();
        }
    }

    private interface Step {
        void run(PlainHttp client, int c, int i) throws Exception;
    }

    /** Runs the step {@code demands} times on each client at once: request threads' CPU, process CPU, wall (ns). */
    private static long[] phase(ExecutorService pool, List<PlainHttp> clients, int demands, Step step) throws Exception {
        long requestCpu = requestThreadsCpu();
        long allocated = requestThreadsAllocated();
        long processCpu = processCpu();
        long start = System.nanoTime();
        List<Future<?>> done = new ArrayList<>();
        for (int c = 0; c < clients.size(); c++) {
            int client = c;
            done.add(pool.submit(() -> {
                for (int i = 0; i < demands; i++) {
                    step.run(clients.get(client), client, i);
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        long wall = System.nanoTime() - start;
        return new long[] {requestThreadsCpu() - requestCpu, processCpu() - processCpu, wall, requestThreadsAllocated() - allocated};
    }

    /** The CPU time of Tomcat's threads (acceptor, poller, request threads), in ns. */
    private static long requestThreadsCpu() {
        long total = 0;
        for (long thread : tomcatThreads()) {
            long cpu = THREADS.getThreadCpuTime(thread);
            if (cpu > 0) {
                total += cpu;
            }
        }
        return total;
    }

    /** The bytes Tomcat's threads allocated: unlike CPU time, not disturbed by other load on the machine. */
    private static long requestThreadsAllocated() {
        long total = 0;
        for (long thread : tomcatThreads()) {
            long bytes = ((com.sun.management.ThreadMXBean) THREADS).getThreadAllocatedBytes(thread);
            if (bytes > 0) {
                total += bytes;
            }
        }
        return total;
    }

    private static List<Long> tomcatThreads() {
        List<Long> ids = new ArrayList<>();
        for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith("http-nio-")) {
                ids.add(info.getThreadId());
            }
        }
        return ids;
    }

    private static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static final String DISPOSITION = "{\"occurredAt\":\"2014-03-03T10:15:00Z\"}";

    private static String receipt(String id, int i) {
        return "{\"demandId\":\"" + id + "\",\"receivedAt\":\"2014-03-02T10:15:00Z\",\"jurisdiction\":\"US\",\"agency\":\"FBI\","
                + "\"legalProcess\":\"SUBPOENA\",\"accounts\":[\"a" + i + "@example.org\"]}";
    }

    private static void expect201(PlainHttp client, String path, String json) throws IOException {
        PlainHttp.Response r = client.post(path, json);
        if (r.status() != 201) {
            throw new IllegalStateException(path + " answered " + r);
        }
    }
}
