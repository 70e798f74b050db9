package ledger.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import ledger.access.TestTokens;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The packaged ledger (./run's three processes) with its data folder on a small tmpfs that a filler file fills but
 * for 3 MiB: receipts from a few clients are answered 201 until the store runs out of room, then 507 problem details
 * (nothing stored); reads are still answered and the command side's readiness is DOWN; once the filler is deleted,
 * writes succeed again within seconds and readiness is UP; after a restart every receipt answered 201 is there, and
 * none answered 507.
 * Needs root (to mount the tmpfs); skipped, saying why, elsewhere.
 */
class DiskFullIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CLIENTS = 4;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    private static int run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        if (p.exitValue() != 0) {
            System.out.println("DiskFullIT: " + String.join(" ", command) + ": " + output.trim());
        }
        return p.exitValue();
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> receipt(PackagedLedger ledger, String id) throws IOException, InterruptedException {
        String body = "{\"demandId\":\"" + id + "\",\"receivedAt\":\"2014-03-02T10:15:00Z\",\"jurisdiction\":\"US\",\"agency\":\"FBI\","
                + "\"legalProcess\":\"SUBPOENA\",\"accounts\":[\"full-" + id + "@example.org\"]}";
        return send(HttpRequest.newBuilder(URI.create(ledger.commands() + "/api/demands")).header("Authorization", TestTokens.ADMIN)
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private int get(String url) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", TestTokens.ADMIN).GET().build()).statusCode();
    }

    @Test
    void aFullDiskRefusesWritesWith507UntilSpaceIsFreedAndLosesNoAcknowledgedReceipt() throws Exception {
        boolean root = "root".equals(System.getProperty("user.name"));
        if (!root) {
            System.out.println("DiskFullIT: skipped: not root, so no tmpfs can be mounted for the data folder");
        }
        Assumptions.assumeTrue(root, "not root: no tmpfs can be mounted for the data folder");
        Path leftover = Path.of("target", "disk-full", "data").toAbsolutePath();
        if (Files.isDirectory(leftover) && Files.getFileStore(leftover).type().equals("tmpfs")) {
            run("umount", "-l", leftover.toString()); // a run stopped before its own unmount
        }
        try (PackagedLedger ledger = new PackagedLedger("disk-full")) {
            int mounted = run("mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", ledger.dataDir.toString());
            if (mounted != 0) {
                System.out.println("DiskFullIT: skipped: mounting a tmpfs on " + ledger.dataDir + " failed");
            }
            Assumptions.assumeTrue(mounted == 0, "mounting a tmpfs on the data folder failed");
            try {
                // small write-ahead log segments, so a few hundred receipts fill what the filler leaves
                ledger.environment.put("WAL_SEGMENT_BYTES", Long.toString(1L << 20));
                ledger.startServer();
                ledger.startSides();

                for (int i = 0; i < 20; i++) {
                    assertThat(receipt(ledger, "before-" + i).statusCode()).isEqualTo(201);
                }
                Path filler = ledger.dataDir.resolve("filler");
                long filled = fill(filler, 3L << 20);
                System.out.printf("DiskFullIT: a filler of %d bytes leaves %d bytes free%n", filled,
                        Files.getFileStore(ledger.dataDir).getUsableSpace());

                // a load of receipts from a few clients, each until the store refuses it
                List<String> acknowledged = java.util.Collections.synchronizedList(new ArrayList<>());
                List<String> refused = java.util.Collections.synchronizedList(new ArrayList<>());
                java.util.concurrent.atomic.AtomicReference<HttpResponse<String>> lastRefusal = new java.util.concurrent.atomic.AtomicReference<>();
                long loadStarted = System.nanoTime();
                java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newFixedThreadPool(CLIENTS);
                List<java.util.concurrent.Future<?>> loads = new ArrayList<>();
                for (int c = 0; c < CLIENTS; c++) {
                    int client = c;
                    loads.add(clients.submit(() -> {
                        for (int i = 0; i < 20_000; i++) {
                            String id = "full-" + client + "-" + i;
                            HttpResponse<String> answer = receipt(ledger, id);
                            if (answer.statusCode() == 201) {
                                acknowledged.add(id);
                            } else {
                                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(507);
                                refused.add(id);
                                lastRefusal.set(answer);
                                return null;
                            }
                        }
                        return null;
                    }));
                }
                try {
                    for (java.util.concurrent.Future<?> load : loads) {
                        load.get(5, TimeUnit.MINUTES);
                    }
                } finally {
                    clients.shutdownNow();
                }
                HttpResponse<String> refusal = lastRefusal.get();
                System.out.printf("DiskFullIT: %d receipts stored in %d ms before the store refused; %d refused%n", acknowledged.size(),
                        (System.nanoTime() - loadStarted) / 1_000_000, refused.size());
                assertThat(refusal).as("the store refused writes once its disk was full").isNotNull();
                assertThat(refusal.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
                assertThat(refusal.headers().firstValue("Retry-After")).isPresent();
                JsonNode problem = JSON.readTree(refusal.body());
                assertThat(problem.get("status").asInt()).isEqualTo(507);
                assertThat(problem.get("reason").asText()).isEqualTo("disk_full");
                assertThat(problem.get("detail").asText()).contains("disk is full", "nothing was stored");

                // reads are answered; readiness is DOWN
                assertThat(get(ledger.queries() + "/api/log/head")).isEqualTo(200);
                assertThat(get(ledger.queries() + "/api/statistics/2014-H1")).isEqualTo(200);
                assertThat(get(ledger.queries() + "/api/demands/before-0")).isEqualTo(200);
                await().atMost(Duration.ofSeconds(10)).until(() -> get(ledger.commands() + "/actuator/health/readiness") == 503);
                assertThat(get(ledger.commands() + "/actuator/health/liveness")).isEqualTo(200);

                // space freed: writes succeed again within seconds, by themselves
                Files.delete(filler);
                long freed = System.nanoTime();
                String again = refused.get(0); // sent again: the same receipt, now stored
                await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).until(() -> receipt(ledger, again).statusCode() == 201);
                acknowledged.add(again);
                long writableAfter = (System.nanoTime() - freed) / 1_000_000;
                await().atMost(Duration.ofSeconds(10)).until(() -> get(ledger.commands() + "/actuator/health/readiness") == 200);
                long readyAfter = (System.nanoTime() - freed) / 1_000_000;
                System.out.printf("DiskFullIT: writes taken again %d ms after the filler was deleted, readiness UP after %d ms%n",
                        writableAfter, readyAfter);
                assertThat(writableAfter).isLessThan(10_000);

                // after a restart, every acknowledged receipt is there, and no refused one
                ledger.stopAll();
                ledger.startServer();
                ledger.startSides();
                String last = acknowledged.get(acknowledged.size() - 1);
                await().atMost(Duration.ofSeconds(60)).until(() -> get(ledger.queries() + "/api/demands/" + last) == 200);
                for (String id : acknowledged) {
                    assertThat(get(ledger.queries() + "/api/demands/" + id)).as(id).isEqualTo(200);
                }
                for (String id : refused.subList(1, refused.size())) {
                    assertThat(get(ledger.queries() + "/api/demands/" + id)).as("refused " + id).isEqualTo(404);
                }
                for (int i = 0; i < 20; i++) {
                    assertThat(get(ledger.queries() + "/api/demands/before-" + i)).isEqualTo(200);
                }
            } finally {
                ledger.close(); // the processes gone before their data folder is unmounted
                run("umount", "-l", ledger.dataDir.toString());
            }
        }
    }

    /** Writes zeros until the file system has no more than {@code leave} bytes free; answers the bytes written. */
    private static long fill(Path filler, long leave) throws IOException {
        byte[] block = new byte[1 << 16];
        long written = 0;
        java.nio.file.FileStore store = Files.getFileStore(filler.getParent());
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (store.getUsableSpace() > leave + block.length) {
                out.write(block);
                written += block.length;
            }
        }
        return written;
    }
}
