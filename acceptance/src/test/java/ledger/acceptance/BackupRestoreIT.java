package ledger.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * {@code ./run backup} and {@code ./run restore} (docs/backup.md) with the packaged jars, as the run script runs them:
 * a ledger on a new data folder (its own tokens file and admin token) gets part of the national-security fixture, a
 * published report and a minted viewer token; a backup is taken while more demands arrive; the ledger is stopped.
 * The backup is owner-only, holds no secret in what it printed, and is refused into a folder that is not empty. A
 * restore into a new data folder gives the same head hash, the same figures, the report still verifying and the
 * viewer's token still working; it is refused into a data folder that is not empty, into a ledger that holds events,
 * from a copy with a flipped byte (its SHA-256 is not the manifest's), from a copy whose bundle was edited and its
 * manifest made to match (the chain breaks), and from a folder without a manifest. Everything is in
 * {@code target/backup} and {@code target/backup-restore}.
 */
class BackupRestoreIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FIXTURE = "national-security-2014-h1";
    private static final String PERIOD = "2014-H1";
    private static final Pattern TOKEN = Pattern.compile("ldg_[A-Za-z0-9_-]{43}");
    private static final int BEFORE = 500;
    private static final int DURING = 200;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void backedUpWhileRunningRestoredIntoANewDataFolderTheSameLedger() throws Exception {
        Path backup;
        JsonNode reportsBefore;
        String viewer;
        String adminToken;
        try (PackagedLedger source = new PackagedLedger("backup", false)) {
            source.startServer();
            source.startSides();
            List<String> commands = Fixtures.operatorLog(FIXTURE);
            Path first = lines(source.logs.resolve("first.jsonl"), commands.subList(0, BEFORE));
            Path second = lines(source.logs.resolve("second.jsonl"), commands.subList(BEFORE, BEFORE + DURING));
            Process loading = source.startImport("first", Map.of(), first.toString());
            assertThat(loading.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(loading.exitValue()).as(Files.readString(source.logs.resolve("first.out"))).isZero();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> get(source, "/api/statistics/" + PERIOD, source.adminBearer()).get("position").asLong() >= BEFORE);
            assertThat(send(source.queries(), "/api/reports/" + PERIOD, source.adminBearer(), "POST").statusCode()).isEqualTo(201);
            PackagedLedger.ToolRun minted = source.token("viewer-one", "viewer");
            Matcher m = TOKEN.matcher(minted.stdout());
            assertThat(m.find()).as(minted.stdout()).isTrue();
            viewer = m.group();
            adminToken = source.adminBearer().substring("Bearer ".length());
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                    .until(() -> send(source.queries(), "/api/statistics/" + PERIOD, "Bearer " + viewer, "GET").statusCode() == 200);

            // the backup while demands arrive
            backup = source.logs.resolve("backup-1");
            Process more = source.startImport("second", Map.of(), second.toString());
            PackagedLedger.ToolRun taken = source.queryTool(Map.of(), "backup", backup.toString());
            assertThat(taken.exitStatus()).as(taken.stdout()).isZero();
            assertThat(more.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(taken.stdout()).contains("backup: done", "written last")
                    .doesNotContain(adminToken, viewer, Files.readString(source.dataDir.resolve("pseudonym.key")).trim());

            JsonNode manifest = JSON.readTree(backup.resolve("manifest.json").toFile());
            long head = manifest.get("head").get("position").asLong();
            assertThat(head).as("the head read when the backup began").isGreaterThanOrEqualTo(BEFORE);
            String hash = manifest.get("head").get("hash").asText();
            assertThat(manifest.get("files").fieldNames()).toIterable()
                    .containsExactlyInAnyOrder("log.ndjson.gz", "records.ndjson", "pseudonym.key", "tokens.json", "admin.token");
            assertThat(manifest.get("reports")).hasSize(1);
            // the figures it recorded are the ledger's as of its head, and the hash the ledger's there
            assertThat(manifest.get("periods").get(PERIOD).asText())
                    .isEqualTo(get(source, "/api/statistics/" + PERIOD + "?asOf=" + head, source.adminBearer()).get("digest").asText());
            assertThat(get(source, "/api/log/verification?to=" + head, source.adminBearer()).get("hash").asText()).isEqualTo(hash);
            try (Stream<Path> files = Files.list(backup)) {
                for (Path file : files.toList()) {
                    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).as(file.toString()).isEqualTo("rw-------");
                }
            }
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(backup))).isEqualTo("rwx------");

            PackagedLedger.ToolRun again = source.queryTool(Map.of(), "backup", backup.toString());
            assertThat(again.exitStatus()).isEqualTo(2);
            assertThat(again.stdout()).contains("is not empty: a backup goes into a new or empty folder");
            reportsBefore = get(source, "/api/reports/" + PERIOD, source.adminBearer());
            source.stopAll();
        }

        try (PackagedLedger restored = new PackagedLedger("backup-restore", false)) {
            Path elsewhere = restored.logs.resolve("copies");
            refusedCopies(restored, backup, Files.createDirectories(elsewhere));

            PackagedLedger.ToolRun prepared = restored.queryTool(Map.of(), "restore", "--prepare", backup.toString());
            assertThat(prepared.exitStatus()).as(prepared.stdout()).isZero();
            restored.startServer();
            restored.startSides(); // with the admin token restored into its data folder
            PackagedLedger.ToolRun loaded = restored.queryTool(Map.of(), "restore", backup.toString());
            assertThat(loaded.exitStatus()).as(loaded.stdout()).isZero();
            assertThat(loaded.stdout()).contains("1 of 1 published report(s) verified");

            JsonNode manifest = JSON.readTree(backup.resolve("manifest.json").toFile());
            JsonNode head = get(restored, "/api/log/head", restored.adminBearer());
            assertThat(head.get("position").asLong()).isEqualTo(manifest.get("head").get("position").asLong());
            assertThat(head.get("hash").asText()).isEqualTo(manifest.get("head").get("hash").asText());
            assertThat(get(restored, "/api/statistics/" + PERIOD, "Bearer " + viewer).get("digest").asText())
                    .as("the same figures, read with the viewer's token minted before the backup")
                    .isEqualTo(manifest.get("periods").get(PERIOD).asText());
            assertThat(get(restored, "/api/reports/" + PERIOD, restored.adminBearer())).isEqualTo(reportsBefore);
            JsonNode verified = get(restored, "/api/reports/" + PERIOD + "/1/verification", restored.adminBearer());
            assertThat(verified.get("matches").asBoolean()).isTrue();
            assertThat(verified.get("chainValid").asBoolean()).isTrue();
            assertThat(restored.adminBearer()).isEqualTo("Bearer " + adminToken);

            PackagedLedger.ToolRun twice = restored.queryTool(Map.of(), "restore", backup.toString());
            assertThat(twice.exitStatus()).isEqualTo(1);
            assertThat(twice.stdout()).contains("holds events", "a restore goes into an empty one");
            PackagedLedger.ToolRun notEmpty = restored.queryTool(Map.of(), "restore", "--prepare", backup.toString());
            assertThat(notEmpty.exitStatus()).isEqualTo(2);
            assertThat(notEmpty.stdout()).contains("is not empty: a restore goes into a new or empty data folder");
            restored.stopAll();
        }
    }

    /** Copies of the backup that a restore refuses before it puts anything in place (no ledger needed). */
    private void refusedCopies(PackagedLedger restored, Path backup, Path dir) throws Exception {
        Map<String, String> into = Map.of("DATA_DIR", dir.resolve("data").toString());

        Path flipped = copy(backup, dir.resolve("flipped"));
        byte[] bytes = Files.readAllBytes(flipped.resolve("log.ndjson.gz"));
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(flipped.resolve("log.ndjson.gz"), bytes);
        PackagedLedger.ToolRun sha = restored.queryTool(into, "restore", "--prepare", flipped.toString());
        assertThat(sha.exitStatus()).isEqualTo(1);
        assertThat(sha.stdout()).contains("log.ndjson.gz is not the file the backup wrote: its SHA-256 is");

        // an event edited in the bundle, and the manifest made to say the new file's SHA-256: the chain breaks there
        Path edited = copy(backup, dir.resolve("edited"));
        List<String> lines = new String(gunzip(Files.readAllBytes(edited.resolve("log.ndjson.gz"))), StandardCharsets.UTF_8).lines().toList();
        List<String> changed = new ArrayList<>(lines);
        changed.set(99, lines.get(99).replaceFirst("\"occurredAt\":\"2014-0", "\"occurredAt\":\"2013-0")
                .replaceFirst("\"receivedAt\":\"2014-0", "\"receivedAt\":\"2013-0"));
        assertThat(changed.get(99)).isNotEqualTo(lines.get(99));
        Path bundle = edited.resolve("log.ndjson.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(bundle))) {
            out.write((String.join("\n", changed) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        ObjectNode manifest = (ObjectNode) JSON.readTree(edited.resolve("manifest.json").toFile());
        ((ObjectNode) manifest.get("files").get("log.ndjson.gz")).put("sha256", HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(bundle))));
        JSON.writeValue(edited.resolve("manifest.json").toFile(), manifest);
        PackagedLedger.ToolRun chain = restored.queryTool(into, "restore", "--prepare", edited.toString());
        assertThat(chain.exitStatus()).isEqualTo(1);
        assertThat(chain.stdout()).contains("log.ndjson.gz is broken at line 100");

        Path unfinished = copy(backup, dir.resolve("unfinished"));
        Files.delete(unfinished.resolve("manifest.json"));
        PackagedLedger.ToolRun half = restored.queryTool(into, "restore", "--prepare", unfinished.toString());
        assertThat(half.exitStatus()).isEqualTo(1);
        assertThat(half.stdout()).contains("no manifest.json in", "one that did not finish");
        try (Stream<Path> placed = Files.list(dir.resolve("data"))) {
            assertThat(placed).as("nothing put in place").isEmpty();
        } catch (java.nio.file.NoSuchFileException e) {
            // not even created
        }
    }

    private static Path lines(Path file, List<String> lines) throws IOException {
        return Files.writeString(file, String.join("\n", lines) + "\n");
    }

    private static Path copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
        return to;
    }

    private static byte[] gunzip(byte[] gzipped) throws IOException {
        try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(gzipped))) {
            return in.readAllBytes();
        }
    }

    private JsonNode get(PackagedLedger ledger, String path, String authorization) throws IOException, InterruptedException {
        HttpResponse<String> answer = send(ledger.queries(), path, authorization, "GET");
        assertThat(answer.statusCode()).as("GET %s: %s", path, answer.body()).isEqualTo(200);
        return JSON.readTree(answer.body());
    }

    private HttpResponse<String> send(String base, String path, String authorization, String method) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", authorization)
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }
}
