package ledger.command.demand;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import ledger.events.AccountPseudonym;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Turns account identifiers into keyed pseudonyms (counting rule 9) before any event is built. The key comes
 * from {@code ledger.pseudonym.key} or, on the embedded default, from a key file created on first start. A
 * fingerprint of the key is kept in the database, and a start with another key than the log was written with
 * is refused: its pseudonyms would silently count the same account twice.
 */
@Component
class Pseudonyms {

    private static final Logger log = LoggerFactory.getLogger(Pseudonyms.class);
    private static final String ALGORITHM = "HmacSHA256";

    private final byte[] key;
    private final ThreadLocal<Mac> macs;

    Pseudonyms(@Value("${ledger.pseudonym.key:}") String configuredKey,
               @Value("${ledger.pseudonym.key-file}") String keyFile,
               MongoDatabase ledgerDatabase) {
        this.key = configuredKey.isBlank() ? keyFromFile(Path.of(keyFile))
                // "base64:" and a key file's content: the embedded default's key, carried to a ledger moved elsewhere
                : configuredKey.startsWith("base64:") ? Base64.getDecoder().decode(configuredKey.substring(7).trim())
                : configuredKey.getBytes(StandardCharsets.UTF_8);
        this.macs = ThreadLocal.withInitial(this::newMac);
        checkFingerprint(ledgerDatabase.getCollection("ledger_meta"));
    }

    AccountPseudonym of(String accountIdentifier) {
        String normalised = accountIdentifier.trim().toLowerCase(Locale.ROOT);
        return new AccountPseudonym(HexFormat.of().formatHex(macs.get().doFinal(normalised.getBytes(StandardCharsets.UTF_8))));
    }

    private void checkFingerprint(MongoCollection<Document> meta) {
        String fingerprint = fingerprint();
        try {
            meta.insertOne(new Document("_id", "pseudonym-key").append("fingerprint", fingerprint));
            log.info("pseudonym key fingerprint {} recorded in the log's database", fingerprint);
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
                throw e;
            }
            Document stored = meta.find(new Document("_id", "pseudonym-key")).first();
            String expected = stored == null ? null : stored.getString("fingerprint");
            if (!fingerprint.equals(expected)) {
                throw new IllegalStateException("The pseudonym key is not the one this event log was written with "
                        + "(key fingerprint " + fingerprint + ", log expects " + expected + "). Start with the original "
                        + "key (ledger.pseudonym.key / PSEUDONYM_KEY, or the key file of the data folder): with another "
                        + "key the same account would be counted twice.");
            }
        }
    }

    /** Identifies the key without revealing it: a hash of the key's MAC over a fixed label. */
    private String fingerprint() {
        try {
            byte[] mac = newMac().doFinal("ledger pseudonym key fingerprint".getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(mac)).substring(0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    private static byte[] keyFromFile(Path file) {
        try {
            if (Files.notExists(file)) {
                byte[] fresh = new byte[32];
                new SecureRandom().nextBytes(fresh);
                Path dir = Files.createDirectories(file.toAbsolutePath().getParent());
                // owner-only before the key is in it, and in place in one step: never readable by others, never half written
                Path draft = Files.createTempFile(dir, ".pseudonym", ".new");
                try {
                    try {
                        Files.setPosixFilePermissions(draft, PosixFilePermissions.fromString("rw-------"));
                    } catch (UnsupportedOperationException ignored) {
                        // not a POSIX file system: the folder's own permissions protect it
                    }
                    Files.writeString(draft, Base64.getEncoder().encodeToString(fresh) + "\n");
                    Files.move(draft, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                    log.info("created a new pseudonym key in {}", file.toAbsolutePath());
                } finally {
                    Files.deleteIfExists(draft);
                }
            }
            return Base64.getDecoder().decode(Files.readString(file).trim());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read or create the pseudonym key file " + file.toAbsolutePath(), e);
        }
    }
}
