package ledger.query.backup;

import static ledger.query.backup.BackupTool.ADMIN_TOKEN;
import static ledger.query.backup.BackupTool.BUNDLE;
import static ledger.query.backup.BackupTool.FAILED;
import static ledger.query.backup.BackupTool.FORMAT;
import static ledger.query.backup.BackupTool.JSON;
import static ledger.query.backup.BackupTool.KEY;
import static ledger.query.backup.BackupTool.MANIFEST;
import static ledger.query.backup.BackupTool.RECORDS;
import static ledger.query.backup.BackupTool.TOKENS;
import static ledger.query.backup.BackupTool.USAGE;
import static ledger.query.backup.BackupTool.present;
import static ledger.query.backup.BackupTool.seconds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;
import ledger.query.backup.BackupTool.Stop;

/** {@code ./run backup DIR [--url QUERY_SIDE_URL]}: see {@link BackupTool}. */
final class Backup {

    private final BackupTool tool;

    Backup(BackupTool tool) {
        this.tool = tool;
    }

    int run(String[] args) throws IOException, Stop {
        List<String> rest = new ArrayList<>(List.of(args));
        LedgerClient ledger = LedgerClient.of(tool.env, rest);
        if (rest.size() != 1) {
            throw new Stop(USAGE, "usage: ./run backup DIR [--url QUERY_SIDE_URL]   (DIR: a new or empty folder)");
        }
        Path dir = Path.of(rest.get(0)).toAbsolutePath().normalize();
        BackupFolder.refuseNonEmpty(dir, "the backup folder " + dir + " is not empty: a backup goes into a new or empty folder");
        ledger.authenticate(tool.env);
        Files.createDirectories(dir);
        BackupFolder.ownerOnly(dir, "rwx------");
        long started = System.nanoTime();

        // the records first: every report read then is at or before the head read next, so within the bundle
        byte[] records = ledger.get("/api/backup/records").body();
        BackupFolder.write(dir.resolve(RECORDS), records);
        JsonNode head = JSON.readTree(ledger.get("/api/log/head").body());
        long position = head.get("position").asLong();
        String hash = head.get("hash").textValue();
        if (position == 0) {
            throw new Stop(FAILED, "the ledger holds no event yet: nothing to back up");
        }
        tool.out.printf(Locale.ROOT, "%s: %s, log head %,d %s, into %s%n", tool.name, ledger.url, position, hash, dir);
        export(ledger, dir.resolve(BUNDLE), position);

        BundleCheck.Checked checked = BundleCheck.check(dir.resolve(BUNDLE), position, hash, BackupFolder.reports(records),
                BackupFolder.repairs(records), tool.progress("checking the copy", position));
        ObjectNode files = JSON.createObjectNode();
        files.set(BUNDLE, BackupFolder.file(dir.resolve(BUNDLE), "the log's bundle up to the head (log-bundle.md)"));
        files.set(RECORDS, BackupFolder.file(dir.resolve(RECORDS), "the published reports and repairs, which the log does not hold"));
        String keyNote = copySecrets(dir, files);

        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("format", FORMAT);
        manifest.put("createdAt", Instant.now().toString());
        manifest.put("from", ledger.url);
        manifest.putObject("head").put("position", position).put("hash", hash);
        manifest.set("files", files);
        manifest.put("pseudonymKey", keyNote);
        ObjectNode periods = manifest.putObject("periods");
        checked.digests().forEach((period, digest) -> periods.put(period.toString(), digest));
        manifest.set("reports", JSON.valueToTree(checked.reports()));
        manifest.put("repairs", checked.repairs());
        Path draft = dir.resolve(MANIFEST + ".new");
        BackupFolder.write(draft, JSON.writeValueAsBytes(manifest));
        Files.move(draft, dir.resolve(MANIFEST), StandardCopyOption.ATOMIC_MOVE);

        tool.out.printf(Locale.ROOT, "%s: done in %.1f s: the log to position %,d (%s, chain checked), %d period(s) recounted, "
                        + "%d published report(s), %d repair(s), %s; %s written last%n", tool.name, seconds(started), position, hash,
                checked.digests().size(), checked.reports().size(), checked.repairs(), keyNote, MANIFEST);
        return 0;
    }

    /** The bundle up to {@code position}, gzipped as it arrives, with progress. */
    private void export(LedgerClient ledger, Path file, long position) throws IOException, Stop {
        HttpResponse<InputStream> answer = ledger.send(ledger.request("/api/log/export?to=" + position).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        Progress progress = tool.progress("exporting the log", position);
        BackupFolder.createOwnerOnly(file);
        long lines = 0;
        try (InputStream in = answer.body(); OutputStream gz = new GZIPOutputStream(Files.newOutputStream(file), 1 << 16)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                gz.write(buffer, 0, n);
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n') {
                        lines++;
                    }
                }
                progress.at(lines);
            }
        }
        progress.done(lines);
        if (lines != position) {
            throw new Stop(FAILED, "the export ended after " + lines + " of " + position + " events");
        }
    }

    /** The secrets of the data folder a restore needs; what is said of the pseudonym key. */
    private String copySecrets(Path dir, ObjectNode files) throws IOException, Stop {
        Path dataDir = tool.dataDir();
        String keyNote;
        Path key = dataDir.resolve(KEY);
        if (Files.isRegularFile(key)) {
            BackupFolder.copy(key, dir.resolve(KEY));
            files.set(KEY, BackupFolder.file(dir.resolve(KEY), "the pseudonym key (secret): without it a restored ledger refuses to start"));
            keyNote = "the pseudonym key in " + KEY;
            if (present(tool.env.get("PSEUDONYM_KEY"))) {
                keyNote += " (but this ledger runs with PSEUDONYM_KEY, which a restore must set again)";
            }
        } else if (present(tool.env.get("PSEUDONYM_KEY"))) {
            keyNote = "not in this backup: the ledger takes it from PSEUDONYM_KEY, which a restore must set again";
        } else {
            throw new Stop(FAILED, "no pseudonym key in " + key + " and no PSEUDONYM_KEY: set DATA_DIR to the ledger's data folder");
        }
        Path tokens = tool.tokensFile(dataDir);
        if (Files.isRegularFile(tokens)) {
            BackupFolder.copy(tokens, dir.resolve(TOKENS));
            files.set(TOKENS, BackupFolder.file(dir.resolve(TOKENS), "the tokens file (names, roles and hashes)"));
        }
        Path admin = dataDir.resolve(ADMIN_TOKEN);
        if (Files.isRegularFile(admin)) {
            BackupFolder.copy(admin, dir.resolve(ADMIN_TOKEN));
            files.set(ADMIN_TOKEN, BackupFolder.file(dir.resolve(ADMIN_TOKEN), "the admin's token (secret)"));
        }
        return keyNote;
    }
}
