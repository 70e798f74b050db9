package ledger.query.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.GZIPOutputStream;
import ledger.logbundle.LogRecord;
import ledger.query.audit.Recount;
import ledger.query.figures.DemandState;
import ledger.query.figures.Period;
import ledger.query.log.Repairs;
import ledger.logbundle.BundleBroken;
import ledger.logbundle.BundleEvents;
import ledger.logbundle.BundleReader;
import ledger.logbundle.BundleRecord;
import org.bson.Document;

/**
 * {@code ./run backup DIR} and {@code ./run restore DIR} (docs/backup.md).
 *
 * <p>A backup is taken from a running ledger through its query side, with an admin token: the records the log does
 * not hold (published reports, repairs) first, then the log's head, then the bundle up to that head, so every report
 * it holds is pinned within the bundle. The bundle is read again from the disk and checked (the chain recomputed,
 * its last hash the head's, each report's {@code logHash} at its position, each period's figures recounted); the
 * data folder's secrets a restore needs (the pseudonym key, the tokens file, the admin's token) are copied; a
 * manifest naming every file with its SHA-256 is written last, so a folder without one is a backup that did not
 * finish. Every file is readable by its owner only.
 *
 * <p>A restore checks all of that again, puts the secrets into an empty data folder ({@code --prepare}, before the
 * ledger's first start there), and then, the ledger started on it, imports the bundle and the records, waits for the
 * figures, and compares the head, each period's digest and each report's verification with the manifest's.
 */
public final class BackupTool {

    static final String MANIFEST = "manifest.json";
    static final String BUNDLE = "log.ndjson.gz";
    static final String RECORDS = "records.ndjson";
    static final String KEY = "pseudonym.key";
    static final String TOKENS = "tokens.json";
    static final String ADMIN_TOKEN = "admin.token";
    static final String FORMAT = "ledger-backup/1";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** Exit statuses: a check failed, the command line is wrong, the ledger is unreachable or refused. */
    static final int FAILED = 1;
    static final int USAGE = 2;
    static final int LEDGER = 3;

    private final Map<String, String> env;
    private final PrintStream out;
    private final PrintStream err;
    private final boolean terminal;
    private final String name;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private String url;
    private Token token;

    BackupTool(String name, Map<String, String> env, PrintStream out, PrintStream err, boolean terminal) {
        this.name = name;
        this.env = env;
        this.out = out;
        this.err = err;
        this.terminal = terminal;
    }

    public static void main(String command, String[] args) {
        BackupTool tool = new BackupTool(command, System.getenv(), System.out, System.err, System.console() != null);
        System.exit(command.equals("backup") ? tool.backup(args) : tool.restore(args));
    }

    /** A refusal or a failed check: its message, and the exit status. */
    static final class Stop extends Exception {
        final int status;

        Stop(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    // ----------------------------------------------------------------------------------------------- backup

    int backup(String[] args) {
        try {
            List<String> rest = options(args);
            if (rest.size() != 1) {
                throw new Stop(USAGE, "usage: ./run backup DIR [--url QUERY_SIDE_URL]   (DIR: a new or empty folder)");
            }
            Path dir = Path.of(rest.get(0)).toAbsolutePath().normalize();
            refuseNonEmpty(dir, "the backup folder " + dir + " is not empty: a backup goes into a new or empty folder");
            token = Token.find(env);
            Files.createDirectories(dir);
            ownerOnly(dir, "rwx------");
            long started = System.nanoTime();

            // the records first: every report read then is at or before the head read next, so within the bundle
            byte[] records = get("/api/backup/records").body();
            write(dir.resolve(RECORDS), records);
            JsonNode head = JSON.readTree(get("/api/log/head").body());
            long position = head.get("position").asLong();
            String hash = head.get("hash").textValue();
            if (position == 0) {
                throw new Stop(FAILED, "the ledger holds no event yet: nothing to back up");
            }
            out.printf(Locale.ROOT, "%s: %s, log head %,d %s, into %s%n", name, url, position, hash, dir);
            export(dir.resolve(BUNDLE), position);

            Checked checked = check(dir.resolve(BUNDLE), position, hash, reports(records), repairs(records));
            ObjectNode files = JSON.createObjectNode();
            files.set(BUNDLE, file(dir.resolve(BUNDLE), "the log's bundle up to the head (log-bundle.md)"));
            files.set(RECORDS, file(dir.resolve(RECORDS), "the published reports and repairs, which the log does not hold"));
            String keyNote = copySecrets(dir, files);

            ObjectNode manifest = JSON.createObjectNode();
            manifest.put("format", FORMAT);
            manifest.put("createdAt", Instant.now().toString());
            manifest.put("from", url);
            manifest.putObject("head").put("position", position).put("hash", hash);
            manifest.set("files", files);
            manifest.put("pseudonymKey", keyNote);
            ObjectNode periods = manifest.putObject("periods");
            checked.digests.forEach((period, digest) -> periods.put(period.toString(), digest));
            manifest.set("reports", JSON.valueToTree(checked.reports));
            manifest.put("repairs", checked.repairs);
            Path draft = dir.resolve(MANIFEST + ".new");
            write(draft, JSON.writeValueAsBytes(manifest));
            Files.move(draft, dir.resolve(MANIFEST), StandardCopyOption.ATOMIC_MOVE);

            out.printf(Locale.ROOT, "%s: done in %.1f s: the log to position %,d (%s, chain checked), %d period(s) recounted, "
                            + "%d published report(s), %d repair(s), %s; %s written last%n", name, seconds(started), position, hash,
                    checked.digests.size(), checked.reports.size(), checked.repairs, keyNote, MANIFEST);
            return 0;
        } catch (Stop stop) {
            err.println(name + ": " + stop.getMessage());
            return stop.status;
        } catch (IOException e) {
            err.println(name + ": " + e);
            return FAILED;
        }
    }

    /** The bundle up to {@code position}, gzipped as it arrives, with progress. */
    private void export(Path file, long position) throws IOException, Stop {
        HttpResponse<InputStream> answer = send(request("/api/log/export?to=" + position).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        Progress progress = new Progress(name + ": exporting the log", position, terminal, err);
        createOwnerOnly(file);
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
        Path dataDir = dataDir();
        String keyNote;
        Path key = dataDir.resolve(KEY);
        if (Files.isRegularFile(key)) {
            copy(key, dir.resolve(KEY));
            files.set(KEY, file(dir.resolve(KEY), "the pseudonym key (secret): without it a restored ledger refuses to start"));
            keyNote = "the pseudonym key in " + KEY;
            if (present(env.get("PSEUDONYM_KEY"))) {
                keyNote += " (but this ledger runs with PSEUDONYM_KEY, which a restore must set again)";
            }
        } else if (present(env.get("PSEUDONYM_KEY"))) {
            keyNote = "not in this backup: the ledger takes it from PSEUDONYM_KEY, which a restore must set again";
        } else {
            throw new Stop(FAILED, "no pseudonym key in " + key + " and no PSEUDONYM_KEY: set DATA_DIR to the ledger's data folder");
        }
        Path tokens = tokensFile(dataDir);
        if (Files.isRegularFile(tokens)) {
            copy(tokens, dir.resolve(TOKENS));
            files.set(TOKENS, file(dir.resolve(TOKENS), "the tokens file (names, roles and hashes)"));
        }
        Path admin = dataDir.resolve(ADMIN_TOKEN);
        if (Files.isRegularFile(admin)) {
            copy(admin, dir.resolve(ADMIN_TOKEN));
            files.set(ADMIN_TOKEN, file(dir.resolve(ADMIN_TOKEN), "the admin's token (secret)"));
        }
        return keyNote;
    }

    // ----------------------------------------------------------------------------------------------- restore

    int restore(String[] args) {
        try {
            boolean prepare = false;
            List<String> given = new ArrayList<>(List.of(args));
            if (given.remove("--prepare")) {
                prepare = true;
            }
            List<String> rest = options(given.toArray(String[]::new));
            if (rest.size() != 1) {
                throw new Stop(USAGE, "usage: ./run restore DIR   (DIR: a backup of ./run backup; DATA_DIR: a new or empty folder)");
            }
            Path dir = Path.of(rest.get(0)).toAbsolutePath().normalize();
            return prepare ? prepare(dir) : load(dir);
        } catch (Stop stop) {
            err.println(name + ": " + stop.getMessage());
            return stop.status;
        } catch (IOException e) {
            err.println(name + ": " + e);
            return FAILED;
        }
    }

    /** The backup checked through, and its secrets put into the empty data folder the ledger will start on. */
    private int prepare(Path dir) throws IOException, Stop {
        Path dataDir = dataDir();
        refuseNonEmpty(dataDir, "the data folder " + dataDir + " is not empty: a restore goes into a new or empty data folder "
                + "(set DATA_DIR to one, or move this one away)");
        long started = System.nanoTime();
        JsonNode manifest = manifest(dir);
        JsonNode files = manifest.get("files");
        byte[] records = Files.readAllBytes(dir.resolve(RECORDS));
        Checked checked = check(dir.resolve(BUNDLE), manifest.get("head").get("position").asLong(),
                manifest.get("head").get("hash").textValue(), reports(records), repairs(records));
        Map<String, String> recorded = new TreeMap<>();
        manifest.get("periods").fields().forEachRemaining(e -> recorded.put(e.getKey(), e.getValue().textValue()));
        Map<String, String> recounted = new TreeMap<>();
        checked.digests.forEach((period, digest) -> recounted.put(period.toString(), digest));
        if (!recorded.equals(recounted)) {
            throw new Stop(FAILED, "the figures recounted from the bundle " + recounted + " are not the manifest's " + recorded);
        }
        if (!files.has(KEY) && !present(env.get("PSEUDONYM_KEY"))) {
            throw new Stop(FAILED, "this backup holds no pseudonym key (" + manifest.path("pseudonymKey").asText()
                    + "): set PSEUDONYM_KEY to the key the ledger was written with");
        }
        if (!files.has(ADMIN_TOKEN) && !present(env.get("LEDGER_TOKEN"))) {
            throw new Stop(USAGE, "this backup holds no admin token: set LEDGER_TOKEN to an admin's token of its tokens file");
        }
        Files.createDirectories(dataDir);
        ownerOnly(dataDir, "rwx------");
        if (files.has(KEY)) {
            copy(dir.resolve(KEY), dataDir.resolve(KEY));
        }
        if (files.has(TOKENS)) {
            Path tokens = tokensFile(dataDir);
            if (Files.exists(tokens)) {
                throw new Stop(FAILED, "the tokens file " + tokens + " exists: a restore does not overwrite it");
            }
            Files.createDirectories(tokens.toAbsolutePath().getParent());
            copy(dir.resolve(TOKENS), tokens);
        }
        if (files.has(ADMIN_TOKEN)) {
            copy(dir.resolve(ADMIN_TOKEN), dataDir.resolve(ADMIN_TOKEN));
        }
        out.printf(Locale.ROOT, "%s: %s checked in %.1f s (every file's SHA-256, the chain to position %,d, %d period(s) "
                        + "recounted); the pseudonym key and tokens are in %s%n", name, dir, seconds(started),
                manifest.get("head").get("position").asLong(), recorded.size(), dataDir);
        return 0;
    }

    /**
     * On the ledger started on the prepared data folder: the bundle imported, the records restored, the figures
     * awaited and compared with the manifest's, each report verified, the log verified to the same head.
     */
    private int load(Path dir) throws IOException, Stop {
        long started = System.nanoTime();
        JsonNode manifest = manifest(dir);
        long position = manifest.get("head").get("position").asLong();
        String hash = manifest.get("head").get("hash").textValue();
        token = Token.find(env);
        awaitLedger();
        long headNow = JSON.readTree(get("/api/log/head").body()).get("position").asLong();
        if (headNow != 0) {
            throw new Stop(FAILED, "the ledger at " + url + " holds events (to position " + headNow + "): a restore goes into an empty one");
        }
        out.printf(Locale.ROOT, "%s: importing the log, %,d events, into %s...%n", name, position, url);
        long importing = System.nanoTime();
        HttpResponse<byte[]> imported = send(request("/api/log/import").header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofFile(dir.resolve(BUNDLE))).build(), HttpResponse.BodyHandlers.ofByteArray());
        JsonNode answer = JSON.readTree(imported.body());
        if (answer.get("position").asLong() != position || !hash.equals(answer.get("hash").textValue())) {
            throw new Stop(FAILED, "the import answered head " + answer + " where the backup's is " + position + " " + hash);
        }
        out.printf(Locale.ROOT, "%s: imported in %.1f s, head %,d %s%n", name, seconds(importing), position, hash);
        JsonNode restored = JSON.readTree(send(request("/api/backup/records").header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofFile(dir.resolve(RECORDS))).build(), HttpResponse.BodyHandlers.ofByteArray()).body());

        Map<String, String> expected = new TreeMap<>();
        manifest.get("periods").fields().forEachRemaining(e -> expected.put(e.getKey(), e.getValue().textValue()));
        awaitFigures(expected.keySet(), position);
        List<String> differ = new ArrayList<>();
        for (var e : expected.entrySet()) {
            String digest = JSON.readTree(get("/api/statistics/" + e.getKey()).body()).get("digest").textValue();
            if (!e.getValue().equals(digest)) {
                differ.add(e.getKey() + " has " + digest + " where the backup recorded " + e.getValue());
            }
        }
        int verified = 0;
        int brokenByRepair = 0;
        for (JsonNode report : manifest.get("reports")) {
            String at = report.get("period").textValue() + "/" + report.get("version").asInt();
            JsonNode v = JSON.readTree(get("/api/reports/" + at + "/verification").body());
            if (v.has("brokenByRepair")) {
                brokenByRepair++;
            } else if (v.path("matches").asBoolean() && v.path("chainValid").asBoolean()) {
                verified++;
            } else {
                differ.add("report " + at + " does not verify: " + v.path("matches") + " matches, chain valid " + v.path("chainValid"));
            }
        }
        JsonNode log = JSON.readTree(get("/api/log/verification").body());
        if (!log.path("valid").asBoolean() || log.get("position").asLong() != position || !hash.equals(log.get("hash").textValue())) {
            differ.add("the log's verification answered " + log + " where the backup's head is " + position + " " + hash);
        }
        if (!differ.isEmpty()) {
            throw new Stop(FAILED, "restored, but not as backed up: " + String.join("; ", differ));
        }
        out.printf(Locale.ROOT, "%s: done in %.1f s: the log to position %,d with the same hash %s, %d period(s) with the same "
                        + "figures, %d of %d published report(s) verified%s, %d repair(s) restored%n", name, seconds(started), position,
                hash, expected.size(), verified, manifest.get("reports").size(),
                brokenByRepair == 0 ? "" : " (" + brokenByRepair + " broken by a repair before the backup, as they were)",
                restored.path("repairs").asInt());
        return 0;
    }

    private void awaitLedger() throws Stop, IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (true) {
            try {
                HttpResponse<byte[]> answer = http.send(request("/api/log/head").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
                if (answer.statusCode() == 200) {
                    return;
                }
                if (answer.statusCode() == 401 || answer.statusCode() == 403) {
                    throw refusedAnswer("/api/log/head", answer);
                }
            } catch (ConnectException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Stop(LEDGER, "interrupted");
            }
            if (System.nanoTime() > deadline) {
                throw new Stop(LEDGER, "no query side answers at " + url + " (waited 180 s)");
            }
            pause(250);
        }
    }

    /** Until every period's figures include the whole log (the projection builds as after a replay). */
    private void awaitFigures(Iterable<String> periods, long position) throws IOException, Stop {
        Progress progress = new Progress(name + ": figures being built", position, terminal, err);
        long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
        for (String period : periods) {
            while (true) {
                HttpResponse<byte[]> answer = send(request("/api/statistics/" + period).GET().build(), HttpResponse.BodyHandlers.ofByteArray(), true);
                long at = answer.statusCode() == 200 ? JSON.readTree(answer.body()).get("position").asLong() : 0;
                progress.at(at);
                if (at >= position) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new Stop(FAILED, "the figures of " + period + " did not reach position " + position + " within 30 minutes");
                }
                pause(200);
            }
        }
        progress.done(position);
    }

    // ----------------------------------------------------------------------------------------------- checks

    /** What the check of a bundle found: each period's digest, the reports it pins, the repairs on record. */
    record Checked(Map<Period, String> digests, List<Map<String, Object>> reports, int repairs) {
    }

    /**
     * The bundle read from the disk: the chain recomputed line by line, its end the head's position and hash, each
     * report's {@code logHash} the hash at its position (unless a repair on record dropped it), every period recounted.
     */
    Checked check(Path bundle, long position, String hash, List<Document> reports, List<Document> repairs) throws IOException, Stop {
        Map<Long, List<Document>> pinned = new HashMap<>();
        for (Document report : reports) {
            long at = ((Number) report.get("position")).longValue();
            if (at > position) {
                throw new Stop(FAILED, "report " + report.get("_id") + " is at position " + at + ", after the bundle's end " + position);
            }
            pinned.computeIfAbsent(at, p -> new ArrayList<>()).add(report);
        }
        List<Repairs.Repair> known = repairs.stream().map(Repairs.Repair::of).toList();
        Recount recount = new Recount();
        BundleEvents events = new BundleEvents();
        Progress progress = new Progress(name + ": checking the copy", position, terminal, err);
        try (InputStream in = Files.newInputStream(bundle); BundleReader reader = new BundleReader(in)) {
            BundleRecord record;
            while ((record = reader.next()) != null) {
                try {
                    recount.apply(record.demandId(), events.event(record.type(), record.payload()));
                } catch (IllegalArgumentException e) {
                    throw new UnreadableEvent(record.line(), e.getMessage());
                }
                for (Document report : pinned.getOrDefault(record.position(), List.of())) {
                    Object logHash = report.get("logHash");
                    if (logHash != null && !logHash.equals(LogRecord.text(record.hash())) && !BackupRecords.droppedByRepair(report, known)) {
                        throw new Stop(FAILED, "report " + report.get("_id") + " pins " + logHash + " at position " + record.position()
                                + ", where the bundle has " + LogRecord.text(record.hash()));
                    }
                }
                if ((record.position() & 0x3fff) == 0) {
                    progress.at(record.position());
                }
            }
            progress.done(reader.position());
            if (reader.position() != position || !LogRecord.text(reader.hash()).equals(hash)) {
                throw new Stop(FAILED, "the bundle ends at position " + reader.position() + " with " + LogRecord.text(reader.hash())
                        + ", not at the head " + position + " " + hash);
            }
        } catch (BundleBroken e) {
            throw new Stop(FAILED, bundle + " is broken at line " + e.line() + ": " + e.reason());
        } catch (UnreadableEvent e) {
            throw new Stop(FAILED, bundle + " is broken at line " + e.line + ": " + e.getMessage());
        }
        Map<Period, String> digests = new TreeMap<>();
        for (Period period : new TreeSet<>(recount.demands().values().stream().map(DemandState::period).toList())) {
            digests.put(period, recount.figures(period).digest());
        }
        List<Map<String, Object>> summaries = new ArrayList<>();
        for (Document report : reports) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("period", report.get("period"));
            s.put("version", report.get("version"));
            s.put("position", ((Number) report.get("position")).longValue());
            s.put("logHash", report.get("logHash"));
            summaries.add(s);
        }
        return new Checked(digests, summaries, repairs.size());
    }

    private static final class UnreadableEvent extends Exception {
        final long line;

        UnreadableEvent(long line, String message) {
            super(message, null, false, false);
            this.line = line;
        }
    }

    /** The manifest, and every file it names there with its SHA-256: a folder without one is a backup that did not finish. */
    JsonNode manifest(Path dir) throws IOException, Stop {
        Path file = dir.resolve(MANIFEST);
        if (!Files.isDirectory(dir)) {
            throw new Stop(FAILED, "no backup folder " + dir);
        }
        if (!Files.isRegularFile(file)) {
            throw new Stop(FAILED, "no " + MANIFEST + " in " + dir + ": not a backup, or one that did not finish (the manifest is written last)");
        }
        JsonNode manifest;
        try {
            manifest = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new Stop(FAILED, file + " is not JSON: " + e.getMessage());
        }
        if (!FORMAT.equals(manifest.path("format").asText()) || !manifest.path("head").path("position").canConvertToLong()
                || !manifest.path("head").path("hash").isTextual() || !manifest.path("files").isObject()
                || !manifest.path("periods").isObject() || !manifest.path("reports").isArray()) {
            throw new Stop(FAILED, file + " is not a manifest of " + FORMAT);
        }
        for (String required : List.of(BUNDLE, RECORDS)) {
            if (!manifest.get("files").has(required)) {
                throw new Stop(FAILED, "the manifest names no " + required);
            }
        }
        for (var e : (Iterable<Map.Entry<String, JsonNode>>) manifest.get("files")::fields) {
            Path named = dir.resolve(e.getKey()).normalize();
            if (!named.getParent().equals(dir) || !Files.isRegularFile(named)) {
                throw new Stop(FAILED, "the manifest names " + e.getKey() + ", which is not in " + dir);
            }
            String sha = sha256(named);
            if (!sha.equals(e.getValue().path("sha256").asText())) {
                throw new Stop(FAILED, e.getKey() + " is not the file the backup wrote: its SHA-256 is " + sha + ", the manifest's "
                        + e.getValue().path("sha256").asText());
            }
        }
        return manifest;
    }

    private static List<Document> reports(byte[] records) {
        return collection(records, BackupRecords.REPORTS);
    }

    private static List<Document> repairs(byte[] records) {
        return collection(records, BackupRecords.REPAIRS);
    }

    private static List<Document> collection(byte[] records, String name) {
        List<Document> found = new ArrayList<>();
        for (String line : new String(records, StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                Document d = Document.parse(line);
                if (name.equals(d.get("collection"))) {
                    found.add(d.get("document", Document.class));
                }
            }
        }
        return found;
    }

    // ----------------------------------------------------------------------------------------------- HTTP

    /** {@code --url URL} taken out; the rest. */
    private List<String> options(String[] args) throws Stop {
        url = "http://127.0.0.1:" + env.getOrDefault("QUERY_PORT", "8082");
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--url")) {
                if (i + 1 == args.length) {
                    throw new Stop(USAGE, "--url needs a value");
                }
                url = args[++i].replaceAll("/+$", "");
            } else if (args[i].startsWith("--")) {
                throw new Stop(USAGE, "unexpected option " + args[i]);
            } else {
                rest.add(args[i]);
            }
        }
        return rest;
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(url + path)).header("Authorization", "Bearer " + token.value());
    }

    private HttpResponse<byte[]> get(String path) throws IOException, Stop {
        return send(request(path).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> body) throws IOException, Stop {
        return send(request, body, false);
    }

    /** A 2xx, else a stop that names the answer (never the token); {@code anyStatus}: whatever it is. */
    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> body, boolean anyStatus) throws IOException, Stop {
        HttpResponse<T> answer;
        try {
            answer = http.send(request, body);
        } catch (ConnectException e) {
            throw new Stop(LEDGER, "no query side answers at " + url + " (is the ledger running? --url names another)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Stop(LEDGER, "interrupted");
        }
        if (!anyStatus && answer.statusCode() / 100 != 2) {
            throw refusedAnswer(request.uri().getPath(), answer);
        }
        return answer;
    }

    private Stop refusedAnswer(String path, HttpResponse<?> answer) throws IOException {
        String detail;
        Object body = answer.body();
        if (body instanceof InputStream in) {
            try (in) {
                body = in.readAllBytes();
            }
        }
        detail = body instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(body);
        String hint = answer.statusCode() == 401 ? " (the token, from " + token.source() + ", is not one this ledger knows)"
                : answer.statusCode() == 403 ? " (the token, from " + token.source() + ", is not an admin's)" : "";
        return new Stop(LEDGER, url + path + " answered " + answer.statusCode() + hint + ": " + detail.strip());
    }

    /** The bearer token and where it came from (named in a refusal; the token itself never printed). */
    record Token(String value, String source) {

        static Token find(Map<String, String> env) throws Stop {
            String value = env.get("LEDGER_TOKEN");
            if (present(value)) {
                return new Token(value.trim(), "LEDGER_TOKEN");
            }
            String dataDir = env.getOrDefault("DATA_DIR", "");
            Path file = Path.of(dataDir.isBlank() ? "./data" : dataDir, ADMIN_TOKEN).toAbsolutePath().normalize();
            try {
                String text = Files.readString(file, StandardCharsets.UTF_8).trim();
                if (!text.isEmpty()) {
                    return new Token(text, file.toString());
                }
            } catch (IOException e) {
                // said below
            }
            throw new Stop(USAGE, "no token: set LEDGER_TOKEN to an admin's token, or DATA_DIR to the ledger's data folder (no token in "
                    + file + ")");
        }
    }

    // ----------------------------------------------------------------------------------------------- files

    private Path dataDir() {
        String dataDir = env.getOrDefault("DATA_DIR", "");
        return Path.of(dataDir.isBlank() ? "./data" : dataDir).toAbsolutePath().normalize();
    }

    private Path tokensFile(Path dataDir) {
        String file = env.get("LEDGER_TOKENS_FILE");
        return present(file) ? Path.of(file).toAbsolutePath().normalize() : dataDir.resolve(TOKENS);
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }

    private static void refuseNonEmpty(Path dir, String message) throws IOException, Stop {
        if (Files.exists(dir)) {
            if (!Files.isDirectory(dir)) {
                throw new Stop(USAGE, dir + " is not a folder");
            }
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                if (entries.iterator().hasNext()) {
                    throw new Stop(USAGE, message);
                }
            }
        }
    }

    /** Owner-only from the start, before anything is in it. */
    private static void createOwnerOnly(Path file) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file); // not a POSIX file system: the folder's permissions protect it
        } catch (FileAlreadyExistsException e) {
            ownerOnly(file, "rw-------");
        }
    }

    private static void ownerOnly(Path path, String permissions) throws IOException {
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system
        }
    }

    private static void write(Path file, byte[] bytes) throws IOException {
        createOwnerOnly(file);
        Files.write(file, bytes);
    }

    private static void copy(Path from, Path to) throws IOException {
        createOwnerOnly(to);
        try (InputStream in = Files.newInputStream(from); OutputStream o = Files.newOutputStream(to)) {
            in.transferTo(o);
        }
    }

    private static ObjectNode file(Path file, String what) throws IOException {
        ObjectNode node = JSON.createObjectNode();
        node.put("sha256", sha256(file));
        node.put("bytes", Files.size(file));
        node.put("what", what);
        return node;
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static void pause(long millis) throws Stop {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Stop(LEDGER, "interrupted");
        }
    }

    /** Progress of a long step: on a terminal one line rewritten a few times a second, else a line every 5 s. */
    static final class Progress {
        private final String what;
        private final long total;
        private final boolean terminal;
        private final PrintStream err;
        private final long started = System.nanoTime();
        private long shownAt = System.nanoTime();
        private boolean shown;

        Progress(String what, long total, boolean terminal, PrintStream err) {
            this.what = what;
            this.total = total;
            this.terminal = terminal;
            this.err = err;
        }

        void at(long done) {
            long now = System.nanoTime();
            if (now - shownAt < (terminal ? 250_000_000L : 5_000_000_000L)) {
                return;
            }
            shownAt = now;
            double seconds = (now - started) / 1e9;
            double rate = done / Math.max(seconds, 1e-3);
            String left = done == 0 ? "--" : String.format(Locale.ROOT, "%.0f s", (total - done) / Math.max(rate, 1e-3));
            String text = String.format(Locale.ROOT, "%s: %,d of %,d events (%.0f %%), %,.0f/s, %s left", what, done, total,
                    100.0 * done / Math.max(total, 1), rate, left);
            if (terminal) {
                err.print("\r" + text + "\033[K");
            } else {
                err.println(text);
            }
            shown = true;
        }

        void done(long done) {
            if (shown && terminal) {
                err.print("\r\033[K");
            }
            if (shown) {
                err.printf(Locale.ROOT, "%s: %,d events in %.1f s%n", what, done, (System.nanoTime() - started) / 1e9);
            }
        }
    }
}
