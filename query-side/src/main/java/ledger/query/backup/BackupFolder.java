package ledger.query.backup;

import static ledger.query.backup.BackupTool.BUNDLE;
import static ledger.query.backup.BackupTool.FAILED;
import static ledger.query.backup.BackupTool.FORMAT;
import static ledger.query.backup.BackupTool.JSON;
import static ledger.query.backup.BackupTool.MANIFEST;
import static ledger.query.backup.BackupTool.RECORDS;
import static ledger.query.backup.BackupTool.USAGE;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import ledger.query.backup.BackupTool.Stop;
import org.bson.Document;

/** A backup folder's files: each owner-only from its creation, the manifest that names them with their SHA-256, the records. */
final class BackupFolder {

    private BackupFolder() {
    }

    /** The manifest, and every file it names there with its SHA-256: a folder without one is a backup that did not finish. */
    static JsonNode manifest(Path dir) throws IOException, Stop {
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

    /** The published reports of a records file (see {@link BackupRecords}). */
    static List<Document> reports(byte[] records) {
        return collection(records, BackupRecords.REPORTS);
    }

    /** The repairs of a records file (see {@link BackupRecords}). */
    static List<Document> repairs(byte[] records) {
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

    static void refuseNonEmpty(Path dir, String message) throws IOException, Stop {
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
    static void createOwnerOnly(Path file) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file); // not a POSIX file system: the folder's permissions protect it
        } catch (FileAlreadyExistsException e) {
            ownerOnly(file, "rw-------");
        }
    }

    static void ownerOnly(Path path, String permissions) throws IOException {
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system
        }
    }

    static void write(Path file, byte[] bytes) throws IOException {
        createOwnerOnly(file);
        Files.write(file, bytes);
    }

    static void copy(Path from, Path to) throws IOException {
        createOwnerOnly(to);
        try (InputStream in = Files.newInputStream(from); OutputStream o = Files.newOutputStream(to)) {
            in.transferTo(o);
        }
    }

    /** A file's entry in the manifest: its SHA-256, its size, what it is. */
    static ObjectNode file(Path file, String what) throws IOException {
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
}
