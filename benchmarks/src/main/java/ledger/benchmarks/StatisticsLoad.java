package ledger.benchmarks;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * An open-loop HTTP load generator for GET endpoints, run from outside the service (no dependency: it runs as
 * {@code java StatisticsLoad.java ...} in source-launch mode, or compiled with plain {@code javac}).
 *
 * <pre>
 * StatisticsLoad URL [URL ...] [RATE [CONNECTIONS [DURATION_S [WARMUP_S]]]]
 *   URL          one or more absolute http:// URLs (also comma-separated); the requests rotate over them
 *   RATE         requests per second in total, over all connections and URLs (default 800)
 *   CONNECTIONS  persistent HTTP/1.1 connections, one thread each (default 16)
 *   DURATION_S   measured seconds (default 20)
 *   WARMUP_S     seconds of the same load before, not counted (default 5)
 * </pre>
 *
 * <p>Each connection is a thread on a raw keep-alive socket with a minimal HTTP/1.1 client (Content-Length and
 * chunked bodies; a {@code Connection: close} answer, e.g. Tomcat's keep-alive request limit, is followed by a
 * new connection, whose cost then counts). Requests are scheduled at fixed due times: connection {@code i} of
 * {@code C} sends its {@code k}-th request at {@code start + i/RATE + k*C/RATE}, so the connections together
 * send one request every {@code 1/RATE} seconds. A request's latency is counted from its due time, not from
 * when it was sent: when an answer is late, the requests due meanwhile on that connection are sent late and
 * their wait counts fully (no coordinated omission). The time from send to answer (what a closed-loop tool
 * reports) is printed beside it, as is how long after its due time each request was sent: waiting for the answer
 * before it on its connection, or for a core (the generator shares the machine with what it measures).
 *
 * <p>With {@code LEDGER_TOKEN} set, requests carry {@code Authorization: Bearer} (security.md). The last line of
 * each URL's block starts with {@code RESULT} and holds the figures as key=value pairs, for scripts.
 */
public final class StatisticsLoad {

    private static final long NANOS_PER_S = 1_000_000_000L;

    private StatisticsLoad() {
    }

    public static void main(String[] args) throws Exception {
        List<URI> urls = new ArrayList<>();
        List<Double> numbers = new ArrayList<>();
        for (String arg : args) {
            if (arg.contains("://")) {
                for (String part : arg.split(",")) {
                    if (!part.isBlank()) {
                        urls.add(URI.create(part.trim()));
                    }
                }
            } else {
                numbers.add(Double.parseDouble(arg));
            }
        }
        if (urls.isEmpty() || numbers.size() > 4) {
            System.err.println("usage: StatisticsLoad URL [URL ...] [RATE [CONNECTIONS [DURATION_S [WARMUP_S]]]]");
            System.exit(2);
        }
        double rate = numbers.size() > 0 ? numbers.get(0) : 800;
        int connections = numbers.size() > 1 ? (int) (double) numbers.get(1) : 16;
        double duration = numbers.size() > 2 ? numbers.get(2) : 20;
        double warmup = numbers.size() > 3 ? numbers.get(3) : 5;
        if (rate <= 0 || connections <= 0 || duration <= 0 || warmup < 0) {
            System.err.println("StatisticsLoad: rate, connections and duration must be positive, warm-up 0 or more");
            System.exit(2);
        }
        for (URI url : urls) {
            if (!"http".equals(url.getScheme()) || url.getHost() == null) {
                System.err.println("StatisticsLoad: only http:// URLs with a host: " + url);
                System.exit(2);
            }
        }
        System.exit(run(urls, rate, connections, duration, warmup) ? 0 : 1);
    }

    /** Runs the load and prints one block per URL; true when every request was answered with a 2xx. */
    static boolean run(List<URI> urls, double rate, int connections, double duration, double warmup)
            throws InterruptedException {
        String token = System.getProperty("ledger.token", System.getenv("LEDGER_TOKEN")); // the property: from an in-process benchmark
        double intervalNs = connections * (double) NANOS_PER_S / rate;
        double staggerNs = NANOS_PER_S / rate;
        long warmupNs = (long) (warmup * NANOS_PER_S);
        long measureNs = (long) (duration * NANOS_PER_S);

        System.out.printf(Locale.ROOT, "StatisticsLoad: %.0f req/s offered in total over %d connections "
                        + "(one request every %.2f ms per connection), %d URL(s) in rotation, %.0f s warm-up + %.0f s "
                        + "measured; latency counted from each request's due time%n",
                rate, connections, intervalNs / 1e6, urls.size(), warmup, duration);

        Worker[] workers = new Worker[connections];
        CountDownLatch connected = new CountDownLatch(connections);
        CountDownLatch go = new CountDownLatch(1);
        long[] start = new long[1];
        for (int i = 0; i < connections; i++) {
            workers[i] = new Worker(i, urls, token, intervalNs, staggerNs, warmupNs, measureNs, connected, go, start,
                    (int) Math.ceil(duration * rate / connections / urls.size() * 1.1) + 16);
        }
        for (Worker w : workers) {
            w.start();
        }
        if (!connected.await(30, TimeUnit.SECONDS)) {
            System.out.println("StatisticsLoad: the connections were not all opened within 30 s");
        }
        start[0] = System.nanoTime() + 100_000_000L; // every thread sees it after go.countDown()
        go.countDown();
        long measureStart = start[0] + warmupNs;
        long cpu0 = processCpuNanos();
        for (Worker w : workers) {
            w.join();
        }
        long cpuNs = processCpuNanos() - cpu0;
        double wallS = (System.nanoTime() - start[0]) / 1e9;
        if (cpu0 >= 0) {
            System.out.printf(Locale.ROOT, "  the generator itself used %.1f CPU seconds in %.1f s (%.0f %% of one core)%n",
                    cpuNs / 1e9, wallS, 100 * cpuNs / 1e9 / wallS);
        }

        boolean allOk = true;
        for (int u = 0; u < urls.size(); u++) {
            Samples latency = new Samples(1024);
            Samples service = new Samples(1024);
            Samples lateness = new Samples(1024);
            long errors = 0;
            long ioErrors = 0;
            long bytes = 0;
            long lastDone = measureStart;
            Map<Integer, Long> statuses = new TreeMap<>();
            for (Worker w : workers) {
                Worker.PerUrl p = w.perUrl[u];
                latency.addAll(p.latency);
                service.addAll(p.service);
                lateness.addAll(p.lateness);
                errors += p.non2xx;
                ioErrors += p.ioErrors;
                bytes += p.bytes;
                lastDone = Math.max(lastDone, p.lastDone);
                p.statuses.forEach((k, v) -> statuses.merge(k, v, Long::sum));
            }
            long reconnects = 0;
            long retries = 0;
            for (Worker w : workers) {
                reconnects += w.reconnects;
                retries += w.retries;
            }
            long answered = latency.size;
            double elapsedS = Math.max(measureNs, lastDone - measureStart) / 1e9;
            double achieved = answered / elapsedS;
            double offered = rate / urls.size();
            latency.sort();
            service.sort();
            lateness.sort();
            URI url = urls.get(u);
            System.out.println();
            System.out.println("URL " + url);
            System.out.printf(Locale.ROOT, "  offered %.1f req/s, achieved %.1f req/s (%d answers in %.2f s; "
                            + "the answers to the requests due in the %.0f s window), %d connections%n",
                    offered, achieved, answered, elapsedS, duration, connections);
            System.out.printf(Locale.ROOT, "  errors %d (non-2xx %d, I/O %d), statuses %s, %.0f bytes per answer, "
                            + "reconnects %d, retries %d (all URLs, warm-up included)%n",
                    errors + ioErrors, errors, ioErrors, statuses, answered == 0 ? 0.0 : (double) bytes / answered,
                    reconnects, retries);
            System.out.println("  latency from due time (ms):   " + latency.summary());
            System.out.println("  service time from send (ms):  " + service.summary());
            System.out.println("  sent after due time (ms):     " + lateness.summary());
            System.out.printf(Locale.ROOT, "RESULT url=%s offered=%.1f achieved=%.1f requests=%d p50=%.3f p90=%.3f "
                            + "p99=%.3f p999=%.3f max=%.3f errors=%d non2xx=%d io=%d reconnects=%d%n",
                    url, offered, achieved, answered, latency.ms(0.50), latency.ms(0.90), latency.ms(0.99),
                    latency.ms(0.999), latency.max(), errors + ioErrors, errors, ioErrors, reconnects);
            allOk &= errors + ioErrors == 0 && answered > 0;
        }
        return allOk;
    }

    /** One connection: its own thread, socket and schedule. */
    private static final class Worker extends Thread {

        final PerUrl[] perUrl;
        long reconnects;
        long retries;

        private final int index;
        private final List<URI> urls;
        private final byte[][] requests;
        private final double intervalNs;
        private final double staggerNs;
        private final long warmupNs;
        private final long measureNs;
        private final CountDownLatch connected;
        private final CountDownLatch go;
        private final long[] start;
        private final byte[] buffer = new byte[64 * 1024];
        private Socket socket;
        private OutputStream out;
        private InputStream in;
        private boolean reused;

        Worker(int index, List<URI> urls, String token, double intervalNs, double staggerNs, long warmupNs,
               long measureNs, CountDownLatch connected, CountDownLatch go, long[] start, int expected) {
            super("load-" + index);
            setDaemon(true);
            this.index = index;
            this.urls = urls;
            this.intervalNs = intervalNs;
            this.staggerNs = staggerNs;
            this.warmupNs = warmupNs;
            this.measureNs = measureNs;
            this.connected = connected;
            this.go = go;
            this.start = start;
            this.requests = new byte[urls.size()][];
            this.perUrl = new PerUrl[urls.size()];
            for (int u = 0; u < urls.size(); u++) {
                URI url = urls.get(u);
                String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
                if (url.getRawQuery() != null) {
                    path += "?" + url.getRawQuery();
                }
                String accept = url.getRawPath() != null && url.getRawPath().endsWith(".csv")
                        ? "text/csv" : "application/json";
                String head = "GET " + path + " HTTP/1.1\r\nHost: " + url.getHost() + ":" + port(url)
                        + "\r\nAccept: " + accept + "\r\nUser-Agent: ledger-StatisticsLoad\r\n"
                        + (token == null || token.isBlank() ? "" : "Authorization: Bearer " + token + "\r\n")
                        + "\r\n";
                requests[u] = head.getBytes(StandardCharsets.US_ASCII);
                perUrl[u] = new PerUrl(expected);
            }
        }

        @Override
        public void run() {
            try {
                connect(0);
            } catch (IOException e) {
                System.out.println("StatisticsLoad: connection " + index + " could not connect: " + e);
            } finally {
                connected.countDown();
            }
            try {
                go.await();
            } catch (InterruptedException e) {
                return;
            }
            long t0 = start[0];
            long measureStart = t0 + warmupNs;
            long end = measureStart + measureNs;
            for (long k = 0; ; k++) {
                long due = t0 + (long) (index * staggerNs + k * intervalNs);
                if (due >= end) {
                    break;
                }
                long now;
                while ((now = System.nanoTime()) < due) {
                    LockSupport.parkNanos(due - now);
                }
                int u = (int) ((index + k) % urls.size());
                PerUrl p = perUrl[u];
                boolean counted = due >= measureStart;
                long sent = now;
                try {
                    int status = exchange(u, p, counted);
                    long done = System.nanoTime();
                    if (counted) {
                        p.latency.add(done - due);
                        p.service.add(done - sent);
                        p.lateness.add(sent - due);
                        p.lastDone = Math.max(p.lastDone, done);
                        p.statuses.merge(status, 1L, Long::sum);
                        if (status < 200 || status > 299) {
                            p.non2xx++;
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    if (counted) {
                        p.ioErrors++;
                        if (p.ioErrors <= 3) {
                            System.out.println("StatisticsLoad: connection " + index + ": " + e);
                        }
                    }
                    closeQuietly();
                }
            }
            closeQuietly();
        }

        /** Sends request u and reads the answer; a reused connection found closed is reopened once. */
        private int exchange(int u, PerUrl p, boolean counted) throws IOException {
            for (int attempt = 0; ; attempt++) {
                boolean wasReused = socket != null && reused;
                try {
                    if (socket == null) {
                        connect(1);
                    }
                    out.write(requests[u]);
                    out.flush();
                    int status = readResponse(p, counted);
                    reused = true;
                    return status;
                } catch (IOException e) {
                    closeQuietly();
                    if (attempt == 0 && wasReused && !(e instanceof java.net.SocketTimeoutException)) {
                        retries++;
                        continue;
                    }
                    throw e;
                }
            }
        }

        private void connect(int counted) throws IOException {
            URI url = urls.get(0);
            Socket s = new Socket();
            s.setTcpNoDelay(true);
            s.setKeepAlive(true);
            s.setSoTimeout(30_000);
            s.connect(new InetSocketAddress(url.getHost(), port(url)), 10_000);
            socket = s;
            out = s.getOutputStream();
            in = new BufferedInputStream(s.getInputStream(), 64 * 1024);
            reused = false;
            reconnects += counted;
        }

        private int readResponse(PerUrl p, boolean counted) throws IOException {
            String statusLine = line();
            if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12) {
                throw new IOException("not an HTTP/1.x status line: " + statusLine);
            }
            int status = Integer.parseInt(statusLine.substring(9, 12));
            long length = -1;
            boolean chunked = false;
            boolean close = statusLine.startsWith("HTTP/1.0");
            String header;
            while (!(header = line()).isEmpty()) {
                int colon = header.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String name = header.substring(0, colon).trim();
                String value = header.substring(colon + 1).trim();
                if (name.equalsIgnoreCase("Content-Length")) {
                    length = Long.parseLong(value);
                } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
                    chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                } else if (name.equalsIgnoreCase("Connection")) {
                    String v = value.toLowerCase(Locale.ROOT);
                    close = v.contains("close") || (close && !v.contains("keep-alive"));
                }
            }
            long body = 0;
            if (status / 100 == 1 || status == 204 || status == 304) {
                body = 0;
            } else if (chunked) {
                long size;
                while ((size = Long.parseLong(chunkSize(line()), 16)) > 0) {
                    skip(size);
                    body += size;
                    line();
                }
                while (!line().isEmpty()) {
                    // trailers
                }
            } else if (length >= 0) {
                skip(length);
                body = length;
            } else {
                // no length: the body ends with the connection
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    body += n;
                }
                close = true;
            }
            if (counted) {
                p.bytes += body;
            }
            if (close) {
                closeQuietly();
            }
            return status;
        }

        private static String chunkSize(String line) {
            int semicolon = line.indexOf(';');
            return (semicolon < 0 ? line : line.substring(0, semicolon)).trim();
        }

        private void skip(long n) throws IOException {
            while (n > 0) {
                int read = in.read(buffer, 0, (int) Math.min(buffer.length, n));
                if (read < 0) {
                    throw new IOException("connection closed in the middle of a body");
                }
                n -= read;
            }
        }

        private String line() throws IOException {
            StringBuilder line = new StringBuilder(64);
            int c;
            while ((c = in.read()) != '\n') {
                if (c < 0) {
                    throw new IOException("connection closed by the server");
                }
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            return line.toString();
        }

        private void closeQuietly() {
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
                socket = null;
            }
        }

        /** What one connection measured for one URL, in the measured window only. */
        static final class PerUrl {
            final Samples latency;
            final Samples service;
            final Samples lateness;
            final Map<Integer, Long> statuses = new TreeMap<>();
            long non2xx;
            long ioErrors;
            long bytes;
            long lastDone;

            PerUrl(int expected) {
                latency = new Samples(expected);
                service = new Samples(expected);
                lateness = new Samples(expected);
            }
        }
    }

    /** This process's CPU time in ns, or -1 where the JDK does not tell. */
    private static long processCpuNanos() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    private static int port(URI url) {
        return url.getPort() > 0 ? url.getPort() : 80;
    }

    /** Nanosecond samples in a growable long[], sorted once at the end: exact percentiles, no dependency. */
    static final class Samples {
        long[] values;
        int size;

        Samples(int capacity) {
            values = new long[Math.max(16, capacity)];
        }

        void add(long v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, values.length * 2);
            }
            values[size++] = v;
        }

        void addAll(Samples other) {
            if (size + other.size > values.length) {
                values = Arrays.copyOf(values, Math.max(values.length * 2, size + other.size));
            }
            System.arraycopy(other.values, 0, values, size, other.size);
            size += other.size;
        }

        void sort() {
            Arrays.sort(values, 0, size);
        }

        /** The q-quantile (nearest rank) in ms, of sorted samples; NaN without samples. */
        double ms(double q) {
            if (size == 0) {
                return Double.NaN;
            }
            int rank = (int) Math.ceil(q * size);
            return values[Math.min(size - 1, Math.max(0, rank - 1))] / 1e6;
        }

        double max() {
            return size == 0 ? Double.NaN : values[size - 1] / 1e6;
        }

        String summary() {
            return String.format(Locale.ROOT, "p50 %8.3f  p90 %8.3f  p99 %8.3f  p99.9 %8.3f  max %8.3f",
                    ms(0.50), ms(0.90), ms(0.99), ms(0.999), max());
        }
    }
}
