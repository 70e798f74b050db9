package ledger.query.backup;

import static ledger.query.backup.BackupTool.ADMIN_TOKEN;
import static ledger.query.backup.BackupTool.BUNDLE;
import static ledger.query.backup.BackupTool.FAILED;
import static ledger.query.backup.BackupTool.JSON;
import static ledger.query.backup.BackupTool.KEY;
import static ledger.query.backup.BackupTool.RECORDS;
import static ledger.query.backup.BackupTool.TOKENS;
import static ledger.query.backup.BackupTool.USAGE;
import static ledger.query.backup.BackupTool.present;
import static ledger.query.backup.BackupTool.seconds;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import ledger.query.backup.BackupTool.Stop;

/** {@code ./run restore [--prepare] DIR}: see {@link BackupTool}. */
final class Restore {

    private final BackupTool tool;

    Restore(BackupTool tool) {
        this.tool = tool;
    }

    int run(String[] args) throws IOException, Stop {
        List<String> rest = new ArrayList<>(List.of(args));
        boolean prepare = rest.remove("--prepare");
        LedgerClient ledger = LedgerClient.of(tool.env, rest);
        if (rest.size() != 1) {
            throw new Stop(USAGE, "usage: ./run restore DIR   (DIR: a backup of ./run backup; DATA_DIR: a new or empty folder)");
        }
        Path dir = Path.of(rest.get(0)).toAbsolutePath().normalize();
        return prepare ? prepare(dir) : load(ledger, dir);
    }

    /** The backup checked through, and its secrets put into the empty data folder the ledger will start on. */
    private int prepare(Path dir) throws IOException, Stop {
        Path dataDir = tool.dataDir();
        BackupFolder.refuseNonEmpty(dataDir, "the data folder " + dataDir + " is not empty: a restore goes into a new or empty data folder "
                + "(set DATA_DIR to one, or move this one away)");
        long started = System.nanoTime();
        JsonNode manifest = BackupFolder.manifest(dir);
        JsonNode files = manifest.get("files");
        byte[] records = Files.readAllBytes(dir.resolve(RECORDS));
        long position = manifest.get("head").get("position").asLong();
        BundleCheck.Checked checked = BundleCheck.check(dir.resolve(BUNDLE), position, manifest.get("head").get("hash").textValue(),
                BackupFolder.reports(records), BackupFolder.repairs(records), tool.progress("checking the copy", position));
        Map<String, String> recorded = new TreeMap<>();
        manifest.get("periods").fields().forEachRemaining(e -> recorded.put(e.getKey(), e.getValue().textValue()));
        Map<String, String> recounted = new TreeMap<>();
        checked.digests().forEach((period, digest) -> recounted.put(period.toString(), digest));
        if (!recorded.equals(recounted)) {
            throw new Stop(FAILED, "the figures recounted from the bundle " + recounted + " are not the manifest's " + recorded);
        }
        if (!files.has(KEY) && !present(tool.env.get("PSEUDONYM_KEY"))) {
            throw new Stop(FAILED, "this backup holds no pseudonym key (" + manifest.path("pseudonymKey").asText()
                    + "): set PSEUDONYM_KEY to the key the ledger was written with");
        }
        if (!files.has(ADMIN_TOKEN) && !present(tool.env.get("LEDGER_TOKEN"))) {
            throw new Stop(USAGE, "this backup holds no admin token: set LEDGER_TOKEN to an admin's token of its tokens file");
        }
        Files.createDirectories(dataDir);
        BackupFolder.ownerOnly(dataDir, "rwx------");
        if (files.has(KEY)) {
            BackupFolder.copy(dir.resolve(KEY), dataDir.resolve(KEY));
        }
        if (files.has(TOKENS)) {
            Path tokens = tool.tokensFile(dataDir);
            if (Files.exists(tokens)) {
                throw new Stop(FAILED, "the tokens file " + tokens + " exists: a restore does not overwrite it");
            }
            Files.createDirectories(tokens.toAbsolutePath().getParent());
            BackupFolder.copy(dir.resolve(TOKENS), tokens);
        }
        if (files.has(ADMIN_TOKEN)) {
            BackupFolder.copy(dir.resolve(ADMIN_TOKEN), dataDir.resolve(ADMIN_TOKEN));
        }
        tool.out.printf(Locale.ROOT, "%s: %s checked in %.1f s (every file's SHA-256, the chain to position %,d, %d period(s) "
                        + "recounted); the pseudonym key and tokens are in %s%n", tool.name, dir, seconds(started),
                position, recorded.size(), dataDir);
        return 0;
    }

    /**
     * On the ledger started on the prepared data folder: the bundle imported, the records restored, the figures
     * awaited and compared with the manifest's, each report verified, the log verified to the same head.
     */
    private int load(LedgerClient ledger, Path dir) throws IOException, Stop {
        long started = System.nanoTime();
        JsonNode manifest = BackupFolder.manifest(dir);
        long position = manifest.get("head").get("position").asLong();
        String hash = manifest.get("head").get("hash").textValue();
        ledger.authenticate(tool.env);
        ledger.awaitLedger();
        long headNow = JSON.readTree(ledger.get("/api/log/head").body()).get("position").asLong();
        if (headNow != 0) {
            throw new Stop(FAILED, "the ledger at " + ledger.url + " holds events (to position " + headNow + "): a restore goes into an empty one");
        }
        tool.out.printf(Locale.ROOT, "%s: importing the log, %,d events, into %s...%n", tool.name, position, ledger.url);
        long importing = System.nanoTime();
        HttpResponse<byte[]> imported = ledger.send(ledger.request("/api/log/import").header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofFile(dir.resolve(BUNDLE))).build(), HttpResponse.BodyHandlers.ofByteArray());
        JsonNode answer = JSON.readTree(imported.body());
        if (answer.get("position").asLong() != position || !hash.equals(answer.get("hash").textValue())) {
            throw new Stop(FAILED, "the import answered head " + answer + " where the backup's is " + position + " " + hash);
        }
        tool.out.printf(Locale.ROOT, "%s: imported in %.1f s, head %,d %s%n", tool.name, seconds(importing), position, hash);
        JsonNode restored = JSON.readTree(ledger.send(ledger.request("/api/backup/records").header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofFile(dir.resolve(RECORDS))).build(), HttpResponse.BodyHandlers.ofByteArray()).body());

        Map<String, String> expected = new TreeMap<>();
        manifest.get("periods").fields().forEachRemaining(e -> expected.put(e.getKey(), e.getValue().textValue()));
        awaitFigures(ledger, expected.keySet(), position);
        List<String> differ = new ArrayList<>();
        for (var e : expected.entrySet()) {
            String digest = JSON.readTree(ledger.get("/api/statistics/" + e.getKey()).body()).get("digest").textValue();
            if (!e.getValue().equals(digest)) {
                differ.add(e.getKey() + " has " + digest + " where the backup recorded " + e.getValue());
            }
        }
        int verified = 0;
        int brokenByRepair = 0;
        for (JsonNode report : manifest.get("reports")) {
            String at = report.get("period").textValue() + "/" + report.get("version").asInt();
            JsonNode v = JSON.readTree(ledger.get("/api/reports/" + at + "/verification").body());
            if (v.has("brokenByRepair")) {
                brokenByRepair++;
            } else if (v.path("matches").asBoolean() && v.path("chainValid").asBoolean()) {
                verified++;
            } else {
                differ.add("report " + at + " does not verify: " + v.path("matches") + " matches, chain valid " + v.path("chainValid"));
            }
        }
        JsonNode log = JSON.readTree(ledger.get("/api/log/verification").body());
        if (!log.path("valid").asBoolean() || log.get("position").asLong() != position || !hash.equals(log.get("hash").textValue())) {
            differ.add("the log's verification answered " + log + " where the backup's head is " + position + " " + hash);
        }
        if (!differ.isEmpty()) {
            throw new Stop(FAILED, "restored, but not as backed up: " + String.join("; ", differ));
        }
        tool.out.printf(Locale.ROOT, "%s: done in %.1f s: the log to position %,d with the same hash %s, %d period(s) with the same "
                        + "figures, %d of %d published report(s) verified%s, %d repair(s) restored%n", tool.name, seconds(started), position,
                hash, expected.size(), verified, manifest.get("reports").size(),
                brokenByRepair == 0 ? "" : " (" + brokenByRepair + " broken by a repair before the backup, as they were)",
                restored.path("repairs").asInt());
        return 0;
    }

    /** Until every period's figures include the whole log (the projection builds as after a replay). */
    private void awaitFigures(LedgerClient ledger, Iterable<String> periods, long position) throws IOException, Stop {
        Progress progress = tool.progress("figures being built", position);
        long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
        for (String period : periods) {
            while (true) {
                HttpResponse<byte[]> answer = ledger.send(ledger.request("/api/statistics/" + period).GET().build(),
                        HttpResponse.BodyHandlers.ofByteArray(), true);
                long at = answer.statusCode() == 200 ? JSON.readTree(answer.body()).get("position").asLong() : 0;
                progress.at(at);
                if (at >= position) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new Stop(FAILED, "the figures of " + period + " did not reach position " + position + " within 30 minutes");
                }
                LedgerClient.pause(200);
            }
        }
        progress.done(position);
    }
}
