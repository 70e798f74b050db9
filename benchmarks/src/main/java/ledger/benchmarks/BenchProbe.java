package ledger.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The timed waits of {@code benchmarks/run-bench.sh}, as a client outside the service (no dependency; run it as
 * {@code java BenchProbe.java ...} or compiled with plain {@code javac}). Polling from one JVM on keep-alive
 * connections costs the two cores far less than a {@code curl} process every 20 ms would.
 *
 * <pre>
 * BenchProbe up TIMEOUT_S URL [URL ...]
 *     waits until every URL answers HTTP (any status); prints the seconds it took
 * BenchProbe await-csv URL EXPECTED_FILE T0 TIMEOUT_S [POLL_MS]
 *     polls URL until its body equals the file byte for byte; prints LAG ms = (first match) - T0. T0 is epoch
 *     milliseconds, or {@code @FILE}: then the probe waits (without a request) until FILE exists and holds them,
 *     so a probe started before the load is ready to poll the moment the load ends, without a JVM start between
 * BenchProbe head QUERY_BASE PERIOD
 *     prints the log's head position (GET /api/log/head if the service has it, else the position of
 *     /api/statistics/PERIOD?asOf=Long.MAX_VALUE, which the query side recounts from the log up to its head)
 * BenchProbe await-position URL POSITION T0 TIMEOUT_S [POLL_MS]
 *     polls a JSON URL until its "position" is POSITION or more; prints LAG ms = (first such answer) - T0
 * BenchProbe replay QUERY_BASE TIMEOUT_S [POLL_MS]
 *     POST /api/replays, then GET /api/replays/latest every POLL_MS (20) until that replay is FINISHED (or
 *     FAILED); prints the seconds from the request to the first FINISHED answer and total/seconds
 * </pre>
 *
 * Every command's last line starts with an upper-case word and holds key=value pairs, for scripts.
 */
public final class BenchProbe {

    private static final Pattern POSITION = Pattern.compile("\"position\"\\s*:\\s*(-?\\d+)");

    private BenchProbe() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            usage();
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        int status = switch (args[0]) {
            case "up" -> up(rest);
            case "await-csv" -> awaitBody(rest);
            case "head" -> head(rest);
            case "await-position" -> awaitPosition(rest);
            case "replay" -> replay(rest);
            default -> usage();
        };
        System.exit(status);
    }

    private static int usage() {
        System.err.println("usage: BenchProbe up|await-csv|head|await-position|replay ... (see the class comment)");
        System.exit(2);
        return 2;
    }

    record Answer(int status, byte[] body) {
        String text() {
            return new String(body, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    static Answer request(String method, String url, String accept, int timeoutMs) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
        c.setRequestMethod(method);
        c.setConnectTimeout(timeoutMs);
        c.setReadTimeout(timeoutMs);
        c.setUseCaches(false);
        c.setRequestProperty("Accept", accept);
        String token = System.getenv("LEDGER_TOKEN");
        if (token != null && !token.isBlank()) {
            c.setRequestProperty("Authorization", "Bearer " + token);
        }
        if ("POST".equals(method)) {
            c.setDoOutput(true);
            c.setRequestProperty("Content-Type", "application/json");
            try (OutputStream out = c.getOutputStream()) {
                out.write(new byte[0]);
            }
        }
        int status = c.getResponseCode();
        InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
        byte[] body = new byte[0];
        if (in != null) {
            try (in) {
                ByteArrayOutputStream buffer = new ByteArrayOutputStream();
                in.transferTo(buffer);
                body = buffer.toByteArray();
            }
        }
        return new Answer(status, body);
    }

    private static int up(String[] args) throws InterruptedException {
        double timeout = Double.parseDouble(args[0]);
        long t0 = System.nanoTime();
        long deadline = t0 + (long) (timeout * 1e9);
        for (int i = 1; i < args.length; i++) {
            String url = args[i];
            while (true) {
                try {
                    Answer a = request("GET", url, "application/json", 5_000);
                    System.out.printf(Locale.ROOT, "  %s answers %d after %.1f s%n", url, a.status(),
                            (System.nanoTime() - t0) / 1e9);
                    break;
                } catch (IOException e) {
                    if (System.nanoTime() > deadline) {
                        System.out.println("DOWN url=" + url + " error=" + e);
                        return 1;
                    }
                    Thread.sleep(200);
                }
            }
        }
        System.out.printf(Locale.ROOT, "UP seconds=%.1f%n", (System.nanoTime() - t0) / 1e9);
        return 0;
    }

    private static int awaitBody(String[] args) throws Exception {
        String url = args[0];
        byte[] expected = Files.readAllBytes(Path.of(args[1]));
        if (args[2].startsWith("@")) {
            // one request before the wait loads the HTTP client's classes, so the first timed poll is not slower
            try {
                request("GET", url, "text/csv", 30_000);
            } catch (IOException ignored) {
                // polled again later
            }
        }
        long t0 = t0(args[2]);
        if (t0 < 0) {
            System.out.println("NOSTART the load did not end well (" + args[2] + ")");
            return 1;
        }
        double timeout = Double.parseDouble(args[3]);
        long poll = args.length > 4 ? Long.parseLong(args[4]) : 20;
        long deadline = System.currentTimeMillis() + (long) (timeout * 1000);
        long polls = 0;
        Answer last = null;
        while (true) {
            polls++;
            try {
                last = request("GET", url, "text/csv", 30_000);
                if (last.status() == 200 && Arrays.equals(last.body(), expected)) {
                    long lag = System.currentTimeMillis() - t0;
                    System.out.printf(Locale.ROOT, "LAG ms=%d polls=%d%n", lag, polls);
                    return 0;
                }
            } catch (IOException e) {
                last = null;
            }
            if (System.currentTimeMillis() > deadline) {
                String got = last == null ? "no answer" : "status " + last.status() + ", " + last.body().length
                        + " bytes (expected " + expected.length + ")";
                System.out.println("  last answer: " + got);
                if (last != null) {
                    String[] e = new String(expected, java.nio.charset.StandardCharsets.UTF_8).split("\n");
                    String[] g = last.text().split("\n");
                    for (int i = 0, shown = 0; i < Math.max(e.length, g.length) && shown < 5; i++) {
                        String el = i < e.length ? e[i] : "";
                        String gl = i < g.length ? g[i] : "";
                        if (!el.equals(gl)) {
                            System.out.println("  expected " + el + "\n  actual   " + gl);
                            shown++;
                        }
                    }
                }
                System.out.printf(Locale.ROOT, "TIMEOUT seconds=%.0f polls=%d%n", timeout, polls);
                return 1;
            }
            Thread.sleep(poll);
        }
    }

    private static int head(String[] args) throws IOException {
        String base = args[0];
        String period = args[1];
        try {
            Answer a = request("GET", base + "/api/log/head", "application/json", 60_000);
            Matcher m = POSITION.matcher(a.text());
            if (a.status() == 200 && m.find()) {
                System.out.println("HEAD position=" + m.group(1) + " from=/api/log/head");
                return 0;
            }
        } catch (IOException ignored) {
            // try the recount below
        }
        Answer a = request("GET", base + "/api/statistics/" + period + "?asOf=" + Long.MAX_VALUE,
                "application/json", 300_000);
        Matcher m = POSITION.matcher(a.text());
        if (a.status() != 200 || !m.find()) {
            System.out.println("NOHEAD status=" + a.status());
            return 1;
        }
        System.out.println("HEAD position=" + m.group(1) + " from=asOf");
        return 0;
    }

    private static int awaitPosition(String[] args) throws Exception {
        String url = args[0];
        long target = Long.parseLong(args[1]);
        long t0 = t0(args[2]);
        double timeout = Double.parseDouble(args[3]);
        long poll = args.length > 4 ? Long.parseLong(args[4]) : 20;
        long deadline = System.currentTimeMillis() + (long) (timeout * 1000);
        long polls = 0;
        long position = Long.MIN_VALUE;
        while (true) {
            polls++;
            try {
                Answer a = request("GET", url, "application/json", 30_000);
                Matcher m = POSITION.matcher(a.text());
                if (a.status() == 200 && m.find()) {
                    position = Long.parseLong(m.group(1));
                    if (position >= target) {
                        long lag = System.currentTimeMillis() - t0;
                        System.out.printf(Locale.ROOT, "LAG ms=%d polls=%d position=%d%n", lag, polls, position);
                        return 0;
                    }
                }
            } catch (IOException ignored) {
                // polled again
            }
            if (System.currentTimeMillis() > deadline) {
                System.out.printf(Locale.ROOT, "TIMEOUT seconds=%.0f polls=%d position=%d target=%d%n", timeout,
                        polls, position, target);
                return 1;
            }
            Thread.sleep(poll);
        }
    }

    private static int replay(String[] args) throws Exception {
        String base = args[0];
        double timeout = Double.parseDouble(args[1]);
        long poll = args.length > 2 ? Long.parseLong(args[2]) : 20;
        String latestUrl = base + "/api/replays/latest";
        // warm this JVM's HTTP path up on the endpoint first, so the timed polls are not slowed by class loading
        Answer before = request("GET", latestUrl, "application/json", 30_000);
        for (int i = 0; i < 20; i++) {
            request("GET", latestUrl, "application/json", 30_000);
        }
        long t0 = System.nanoTime();
        Answer posted = request("POST", base + "/api/replays", "application/json", 60_000);
        long acceptedNs = System.nanoTime() - t0;
        if (posted.status() != 202) {
            System.out.println("  POST /api/replays answered " + posted.status() + ": " + posted.text());
            System.out.println("REFUSED status=" + posted.status());
            return 1;
        }
        String number = field(posted.text(), "number");
        System.out.printf(Locale.ROOT, "  POST /api/replays: 202 after %.1f ms, replay number %s (before: %s)%n",
                acceptedNs / 1e6, number, before.status() == 200 ? before.text() : before.status());
        long deadline = t0 + (long) (timeout * 1e9);
        long polls = 0;
        String state = "?";
        while (true) {
            polls++;
            Answer a = request("GET", latestUrl, "application/json", 30_000);
            long at = System.nanoTime();
            String text = a.text();
            if (a.status() == 200 && (number == null || number.equals(field(text, "number")))) {
                state = field(text, "state");
                if ("FINISHED".equals(state) || "FAILED".equals(state)) {
                    double seconds = (at - t0) / 1e9;
                    long total = Long.parseLong(field(text, "total"));
                    long processed = Long.parseLong(field(text, "processed"));
                    System.out.println("  " + text);
                    String started = field(text, "startedAt");
                    String finished = field(text, "finishedAt");
                    String requested = field(text, "requestedAt");
                    String server = "";
                    if (started != null && finished != null) {
                        double build = Duration.between(Instant.parse(started), Instant.parse(finished)).toNanos() / 1e9;
                        server = String.format(Locale.ROOT, " server_started_to_finished_s=%.3f server_events_per_s=%.0f",
                                build, total / build);
                        if (requested != null) {
                            double all = Duration.between(Instant.parse(requested), Instant.parse(finished)).toNanos() / 1e9;
                            server += String.format(Locale.ROOT, " server_requested_to_finished_s=%.3f", all);
                        }
                    }
                    System.out.printf(Locale.ROOT, "REPLAY state=%s seconds=%.3f total=%d processed=%d "
                                    + "events_per_s=%.0f polls=%d%s%n",
                            state, seconds, total, processed, total / seconds, polls, server);
                    return "FINISHED".equals(state) ? 0 : 1;
                }
            }
            if (at > deadline) {
                System.out.printf(Locale.ROOT, "TIMEOUT seconds=%.0f state=%s last=%s%n", timeout, state, text);
                return 1;
            }
            Thread.sleep(poll);
        }
    }

    /**
     * Epoch milliseconds, given or, for {@code @FILE}, read from FILE once it exists (polled every 5 ms, no
     * request meanwhile); -1 when FILE holds something else (the load failed).
     */
    static long t0(String arg) throws IOException, InterruptedException {
        if (!arg.startsWith("@")) {
            return Long.parseLong(arg);
        }
        Path file = Path.of(arg.substring(1));
        while (true) {
            if (Files.exists(file)) {
                String text = Files.readString(file).trim();
                if (!text.isEmpty()) {
                    try {
                        return Long.parseLong(text);
                    } catch (NumberFormatException e) {
                        return -1;
                    }
                }
            }
            Thread.sleep(5);
        }
    }

    /** A top-level scalar field of a flat JSON object, unquoted; null when absent or null. */
    static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\"\\s*:\\s*(\"((?:[^\"\\\\]|\\\\.)*)\"|[^,}\\s]+)")
                .matcher(json);
        if (!m.find()) {
            return null;
        }
        String value = m.group(2) != null ? m.group(2) : m.group(1);
        return "null".equals(value) ? null : value;
    }
}
