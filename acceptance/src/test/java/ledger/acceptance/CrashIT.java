package ledger.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.assertj.core.api.SoftAssertions;
import org.awaitility.core.ConditionTimeoutException;
import ledger.access.TestTokens;
import org.junit.jupiter.api.Test;

/**
 * "A 2xx means the write is on disk": the three processes users run (the embedded MongoDB-compatible server,
 * the command side, the query side, each from its packaged jar, as {@code ./run} starts them) are killed with
 * SIGKILL while eight clients log demands and dispositions, every request with its own Idempotency-Key. Started
 * again on the same data folder, with nothing repaired, every acknowledged command is still in the log: sent
 * again with the same key and body it answers the position it answered the first time (a command the kill
 * lost would be stored anew, at another position). The requests that got no answer are sent again too, so the
 * log then holds exactly what the clients sent, and the query side's figures converge to exactly that, with an
 * audit that matches.
 *
 * <p>Two rounds on one data folder, one after the other: (a) all three processes killed at once, and all three
 * started again; (b) the embedded server alone killed under the two sides, which outlive it (answering 500
 * meanwhile) and go on once it alone is started again. Every check of both rounds is made and printed before
 * the test fails. The processes' output and the data folder are in {@code target/crash}.
 */
class CrashIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PERIOD = "2014-H1";
    private static final Instant PERIOD_START = Instant.parse("2014-01-01T00:00:00Z");
    private static final List<String> JURISDICTIONS = List.of("US", "DE", "FR");
    private static final List<String> AGENCIES = List.of("FBI", "BKA", "DGSI", "NYPD", "LKA Berlin");
    private static final int CLIENTS = 8;
    /** The kill comes once this many commands are acknowledged: a few seconds of load. */
    private static final int ACKNOWLEDGED_BEFORE_KILL = 300;

    @Test
    void aKill9LosesNoAcknowledgedCommandAndNeedsNoRepair() throws Exception {
        long started = System.nanoTime();
        SoftAssertions softly = new SoftAssertions();
        List<Load> loads = new ArrayList<>();
        try (PackagedLedger ledger = new PackagedLedger()) {
            ledger.startServer();
            ledger.startSides();

            String round = "a: all three killed at once";
            Load a = killedUnderLoad(ledger, "a", loads, ledger::killAll);
            System.out.printf("CrashIT [%s]: killed after %d ms of load, %d acknowledged, %d failed%n", round,
                    a.millis(), a.acknowledged.size(), a.failed.size());
            ledger.startServer();
            ledger.startSides();
            verify(softly, ledger, a, loads, round);

            round = "b: the embedded server killed alone";
            Load b = killedUnderLoad(ledger, "b", loads, ledger::killServer);
            System.out.printf("CrashIT [%s]: killed after %d ms of load, %d acknowledged, %d failed;"
                            + " then the command side is %s, the query side %s%n", round, b.millis(),
                    b.acknowledged.size(), b.failed.size(), ledger.command.isAlive() ? "alive" : "dead",
                    ledger.query.isAlive() ? "alive" : "dead");
            // the sides outlive their database (they answer 500 meanwhile) and carry on once it is back, so only
            // the server is started again; were a side to die with it, all are started again, as an operator would
            ledger.startServer();
            if (!ledger.command.isAlive() || !ledger.query.isAlive()) {
                ledger.killAll();
                ledger.awaitKilled();
                ledger.startServer();
                ledger.startSides();
            }
            verify(softly, ledger, b, loads, round);
        } catch (Throwable t) {
            softly.fail("the test stopped: " + t, t);
        }
        System.out.printf("CrashIT: both rounds took %d ms; processes' output in %s%n",
                (System.nanoTime() - started) / 1_000_000, Path.of("target", "crash").toAbsolutePath());
        softly.assertAll();
    }

    /**
     * A load of {@value #CLIENTS} clients (added to {@code loads}) until {@value #ACKNOWLEDGED_BEFORE_KILL} commands are
     * acknowledged, then {@code kill} while the clients are sending; answers once the processes killed have exited.
     */
    private static Load killedUnderLoad(PackagedLedger ledger, String name, List<Load> loads, Runnable kill) throws Exception {
        Load load = new Load(ledger.commands(), name);
        loads.add(load);
        try {
            load.awaitAcknowledged(ledger, ACKNOWLEDGED_BEFORE_KILL);
            kill.run();
        } finally {
            load.stop();
        }
        ledger.awaitKilled();
        return load;
    }

    /**
     * The data folder after a load and a clean stop holds at most 2,000 bytes per command (event log and
     * projections together), and three replays later (each a new generation of the projection, the old one
     * dropped) it has not grown.
     */
    @Test
    void theDataFolderStaysSmallThroughLoadAndReplays() throws Exception {
        long commands;
        long afterLoad;
        try (PackagedLedger ledger = new PackagedLedger("size")) {
            ledger.startServer();
            ledger.startSides();
            Load load = new Load(ledger.commands(), "size");
            try {
                load.awaitAcknowledged(ledger, 4_000);
            } finally {
                load.stop();
            }
            HttpClient http = HttpClient.newHttpClient();
            commands = load.acknowledged.stream().mapToLong(Sent::position).max().orElseThrow();
            await().atMost(Duration.ofSeconds(60)).until(() ->
                    get(http, ledger.queries() + "/api/statistics/" + PERIOD).get("position").asLong() >= commands);
            ledger.stopAll();
            afterLoad = ledger.dataBytes();
            System.out.printf("CrashIT [size]: %d commands, %d bytes in the data folder after a clean stop = %d bytes per command%n",
                    commands, afterLoad, afterLoad / commands);
            assertThat(afterLoad / commands).as("bytes per command").isLessThanOrEqualTo(2_000);

            ledger.startServer();
            ledger.startSides();
            for (int i = 0; i < 3; i++) {
                JsonNode previous = get(http, ledger.queries() + "/api/replays/latest"); // none yet: a 404
                long before = previous == null ? 0 : previous.path("number").asLong(0);
                assertThat(http.send(HttpRequest.newBuilder(URI.create(ledger.queries() + "/api/replays")).header("Authorization", TestTokens.ADMIN)
                        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding()).statusCode())
                        .isEqualTo(202);
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100)).until(() -> {
                    JsonNode latest = get(http, ledger.queries() + "/api/replays/latest");
                    return latest != null && latest.path("number").asLong() > before && "FINISHED".equals(latest.path("state").asText());
                });
            }
            ledger.stopAll();
            long afterReplays = ledger.dataBytes();
            System.out.printf("CrashIT [size]: after three replays and a clean stop %d bytes = %d bytes per command%n",
                    afterReplays, afterReplays / commands);
            assertThat(afterReplays).as("bytes after three replays").isLessThanOrEqualTo(afterLoad + afterLoad / 10);
        }
    }

    /**
     * Sends every acknowledged request of the round again, then every unanswered one, and checks the log and the
     * figures (of all rounds so far); prints the numbers and notes in {@code softly} whatever did not hold.
     */
    private void verify(SoftAssertions softly, PackagedLedger ledger, Load load, List<Load> loads, String round) throws Exception {
        long started = System.nanoTime();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        List<Sent> acknowledged = new ArrayList<>(load.acknowledged);
        acknowledged.sort(Comparator.comparingLong(Sent::position));
        long highestAcknowledged = acknowledged.isEmpty() ? 0 : acknowledged.get(acknowledged.size() - 1).position();

        // A new command goes to the head of the log: past every acknowledged one, unless the log lost its end.
        // (It also takes the first position a lost command could otherwise get again, by chance, when sent once
        // more; a lost command sent again is otherwise stored at a position it never had.)
        Answer probe = post(http, ledger.commands(), "/api/demands", "{\"demandId\":\"probe-" + load.round
                + "\",\"receivedAt\":\"2013-09-01T00:00:00Z\",\"jurisdiction\":\"US\",\"agency\":\"probe\","
                + "\"legalProcess\":\"SUBPOENA\",\"accounts\":[]}", "probe-" + load.round);
        softly.assertThat(probe.status()).as("[%s] a new command after the restart: %s", round, probe).isEqualTo(201);
        softly.assertThat(probe.position()).as("[%s] the position of the first command after the restart, beside the"
                + " highest acknowledged before the kill (%d): the log lost its end", round, highestAcknowledged)
                .isGreaterThan(highestAcknowledged);

        // each client's requests again, in the order it sent them (the clients side by side, as they ran):
        // first the acknowledged ones, which must answer as the first time did, then those that got no answer
        AtomicInteger matched = new AtomicInteger();
        AtomicInteger retried = new AtomicInteger();
        AtomicLong highest = new AtomicLong(probe.position());
        Map<Long, String> lost = new ConcurrentSkipListMap<>(); // by the position first acknowledged
        Queue<String> retryRefused = new ConcurrentLinkedQueue<>();
        ExecutorService lanes = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int client = 0; client < CLIENTS; client++) {
                int c = client;
                done.add(lanes.submit(() -> {
                    for (Sent sent : acknowledged) {
                        if (sent.client() == c) {
                            Answer again = post(http, ledger.commands(), sent.path(), sent.body(), sent.key());
                            highest.accumulateAndGet(again.position(), Math::max);
                            if (again.status() / 100 == 2 && again.position() == sent.position()) {
                                matched.incrementAndGet();
                            } else {
                                lost.put(sent.position(), "POST " + sent.path() + " (Idempotency-Key " + sent.key()
                                        + ") acknowledged at position " + sent.position() + ", sent again: " + again);
                            }
                        }
                    }
                    for (Sent unanswered : load.failed) {
                        if (unanswered.client() == c) {
                            Answer again = post(http, ledger.commands(), unanswered.path(), unanswered.body(), unanswered.key());
                            highest.accumulateAndGet(again.position(), Math::max);
                            if (again.status() / 100 == 2) {
                                retried.incrementAndGet();
                            } else {
                                retryRefused.add("POST " + unanswered.path() + " (Idempotency-Key " + unanswered.key()
                                        + ", unanswered: " + unanswered.failure() + ") sent again: " + again);
                            }
                        }
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            lanes.shutdownNow();
        }
        long head = highest.get();
        long resent = System.nanoTime();
        System.out.printf("CrashIT [%s]: acknowledged=%d, failed=%d %s, resent-and-matched=%d, lost=%d,"
                        + " failed-then-resent-2xx=%d; highest acknowledged position %d, first new position %d;"
                        + " resending took %d ms%n",
                round, acknowledged.size(), load.failed.size(), load.failureKinds, matched.get(), lost.size(), retried.get(),
                highestAcknowledged, probe.position(), (resent - started) / 1_000_000);
        lost.values().stream().limit(10).forEach(l -> System.out.println("CrashIT [" + round + "]: lost " + l));
        softly.assertThat(acknowledged).as("[%s] acknowledged commands before the kill", round).isNotEmpty();
        softly.assertThat(lost.values()).as("[%s] acknowledged commands that the kill lost (%d of %d acknowledged)", round,
                lost.size(), acknowledged.size()).isEmpty();
        softly.assertThat(retryRefused).as("[%s] unanswered commands refused when sent again", round).isEmpty();

        // the log now holds exactly what the clients sent: so do the figures, once the query side has read it
        Map<String, Map<String, Long>> expected = expectedRows(loads);
        long logHead = head;
        JsonNode[] figures = new JsonNode[1];
        try {
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
                figures[0] = get(http, ledger.queries() + "/api/statistics/" + PERIOD);
                return figures[0] != null && figures[0].get("position").asLong() >= logHead;
            });
        } catch (ConditionTimeoutException e) {
            softly.fail("[%s] the query side's figures did not reach the log's head (position %d) within 20 s;"
                    + " last answer: %s", round, logHead, figures[0]);
        }
        long converged = System.nanoTime();
        if (figures[0] != null) {
            Map<String, Map<String, Long>> rows = new TreeMap<>();
            figures[0].get("rows").forEach(row -> rows.put(row.get("jurisdiction").asText(), counts(row)));
            rows.put("TOTAL", counts(figures[0].get("total")));
            softly.assertThat(rows).as("[%s] the %s figures at position %d, beside what the clients sent", round, PERIOD,
                    figures[0].get("position").asLong()).isEqualTo(expected);
        }
        JsonNode audit = get(http, ledger.queries() + "/api/audits/" + PERIOD);
        softly.assertThat(audit).as("[%s] an audit of %s", round, PERIOD).isNotNull();
        if (audit != null) {
            softly.assertThat(audit.get("matches").asBoolean()).as("[%s] the audit of %s matches: %s", round, PERIOD,
                    audit).isTrue();
        }
        softly.assertThat(ledger.alive()).as("[%s] all three processes still running after the checks (see %s)",
                round, ledger.logs).isTrue();
        System.out.printf("CrashIT [%s]: figures at position %s (log head %d) after %d ms: %s; audit matches: %s"
                        + " (%d ms)%n", round, figures[0] == null ? "?" : figures[0].get("position"), logHead,
                (converged - resent) / 1_000_000, figures[0] == null ? "?" : figures[0].get("total"),
                audit == null ? "?" : audit.get("matches"), (System.nanoTime() - converged) / 1_000_000);
    }

    /** The rows the clients' commands make: every receipt sent, and a subscriber disclosure for some. */
    private static Map<String, Map<String, Long>> expectedRows(List<Load> loads) throws IOException {
        Map<String, JsonNode> receipts = new HashMap<>();
        Set<String> disclosed = new HashSet<>();
        List<Sent> all = new ArrayList<>();
        loads.forEach(l -> {
            all.addAll(l.acknowledged);
            all.addAll(l.failed);
        });
        for (Sent sent : all) {
            if (sent.path().equals("/api/demands")) {
                JsonNode body = JSON.readTree(sent.body());
                receipts.put(body.get("demandId").asText(), body);
            } else {
                disclosed.add(sent.path().split("/")[3]);
            }
        }
        Map<String, Long> requests = new TreeMap<>();
        Map<String, Set<String>> accounts = new TreeMap<>();
        Map<String, Long> subscriberOnly = new TreeMap<>();
        receipts.forEach((id, body) -> {
            String j = body.get("jurisdiction").asText();
            requests.merge(j, 1L, Long::sum);
            body.get("accounts").forEach(a -> accounts.computeIfAbsent(j, x -> new HashSet<>()).add(a.asText()));
            subscriberOnly.merge(j, disclosed.contains(id) ? 1L : 0L, Long::sum);
        });
        Map<String, Map<String, Long>> rows = new TreeMap<>();
        long[] total = new long[3];
        requests.forEach((j, n) -> {
            long a = accounts.getOrDefault(j, Set.of()).size();
            long s = subscriberOnly.get(j);
            rows.put(j, row(n, a, s));
            total[0] += n;
            total[1] += a; // counting rule 8: the TOTAL's accounts is the sum of the rows'
            total[2] += s;
        });
        rows.put("TOTAL", row(total[0], total[1], total[2]));
        return rows;
    }

    private static Map<String, Long> row(long requests, long accounts, long subscriberOnly) {
        Map<String, Long> row = new TreeMap<>();
        row.put("requests", requests);
        row.put("accounts", accounts);
        row.put("content", 0L);
        row.put("subscriberOnly", subscriberOnly);
        row.put("noDataFound", 0L);
        row.put("rejected", 0L);
        row.put("pending", requests - subscriberOnly);
        return row;
    }

    private static Map<String, Long> counts(JsonNode row) {
        Map<String, Long> counts = new TreeMap<>();
        for (String field : List.of("requests", "accounts", "content", "subscriberOnly", "noDataFound", "rejected", "pending")) {
            counts.put(field, row.get(field).asLong());
        }
        return counts;
    }

    // ---- HTTP ----

    /** A request as sent; {@code position} is the acknowledged one (-1 when it got none, then {@code failure}). */
    private record Sent(int client, String path, String body, String key, long position, String failure) {
    }

    private record Answer(int status, long position, String body) {
        @Override
        public String toString() {
            return status < 0 ? body : status + " " + body;
        }
    }

    private static Answer post(HttpClient http, String base, String path, String body, String key) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", TestTokens.ADMIN).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            long position = -1;
            if (r.statusCode() / 100 == 2) {
                JsonNode answer = JSON.readTree(r.body());
                position = answer.hasNonNull("position") ? answer.get("position").asLong() : -1;
            }
            return new Answer(r.statusCode(), position, r.body());
        } catch (IOException e) {
            return new Answer(-1, -1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The JSON of a 200 answer, or null (not up yet, or another answer). */
    private static JsonNode get(HttpClient http, String url) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", TestTokens.ADMIN).timeout(Duration.ofSeconds(30))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Eight clients, each on its own keep-alive connection, logging new demands and, for every other one, a
     * subscriber disclosure once the demand is acknowledged; every request with an Idempotency-Key of its own.
     */
    private static final class Load {

        final String round;
        final String commands;
        final ConcurrentLinkedQueue<Sent> acknowledged = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<Sent> failed = new ConcurrentLinkedQueue<>();
        final Map<String, AtomicInteger> failureKinds = new ConcurrentHashMap<>();
        final ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        final long started = System.nanoTime();
        volatile long stopped;
        volatile boolean stopping;

        Load(String commands, String round) {
            this.commands = commands;
            this.round = round;
            for (int t = 0; t < CLIENTS; t++) {
                int client = t;
                clients.submit(() -> run(client));
            }
        }

        private void run(int client) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(2)).build();
            Random random = new Random(round.hashCode() * 31L + client);
            for (int i = 0; !stopping; i++) {
                String id = "c-" + round + "-" + client + "-" + i;
                Instant receivedAt = PERIOD_START.plusSeconds(random.nextInt(170 * 86_400));
                int account = random.nextInt(2_000);
                String accounts = "\"acct-" + account + "@example.org\""
                        + (random.nextBoolean() ? ",\"acct-" + (account + 1) + "@example.org\"" : "");
                Sent receipt = send(client, http, "/api/demands", "{\"demandId\":\"" + id + "\",\"receivedAt\":\"" + receivedAt
                        + "\",\"jurisdiction\":\"" + JURISDICTIONS.get(random.nextInt(JURISDICTIONS.size()))
                        + "\",\"agency\":\"" + AGENCIES.get(random.nextInt(AGENCIES.size()))
                        + "\",\"legalProcess\":\"SUBPOENA\",\"accounts\":[" + accounts + "]}");
                if (receipt != null && i % 2 == 0 && !stopping) {
                    Instant occurredAt = receivedAt.plusSeconds(3_600 + random.nextInt(10 * 86_400));
                    send(client, http, "/api/demands/" + id + "/subscriber-disclosures", "{\"occurredAt\":\"" + occurredAt + "\"}");
                }
            }
        }

        private Sent send(int client, HttpClient http, String path, String body) {
            String key = "crash-" + round + "-" + UUID.randomUUID();
            HttpRequest request = HttpRequest.newBuilder(URI.create(commands + path)).header("Authorization", TestTokens.ADMIN).timeout(Duration.ofSeconds(5))
                    .header("Content-Type", "application/json").header("Idempotency-Key", key)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            String failure;
            try {
                HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
                JsonNode answer = r.statusCode() / 100 == 2 ? JSON.readTree(r.body()) : null;
                if (answer != null && answer.hasNonNull("position")) {
                    Sent sent = new Sent(client, path, body, key, answer.get("position").asLong(), null);
                    acknowledged.add(sent);
                    return sent;
                }
                failure = "HTTP " + r.statusCode();
            } catch (IOException e) {
                failure = e.getClass().getSimpleName();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopping = true;
                failure = "interrupted";
            }
            failed.add(new Sent(client, path, body, key, -1, failure));
            failureKinds.computeIfAbsent(failure, f -> new AtomicInteger()).incrementAndGet();
            return null;
        }

        long millis() {
            return (stopped - started) / 1_000_000;
        }

        void awaitAcknowledged(PackagedLedger ledger, int count) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                    .failFast("a process of the ledger exited under load (see " + ledger.logs + ")", () -> !ledger.alive())
                    .until(() -> acknowledged.size() >= count);
        }

        /** Stops the clients: each finishes (or times out on) the request it is sending. */
        void stop() throws InterruptedException {
            stopped = System.nanoTime();
            stopping = true;
            clients.shutdown();
            assertThat(clients.awaitTermination(30, TimeUnit.SECONDS)).as("the clients stopped").isTrue();
        }
    }
}
