package ledger.access;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ledger's own tokens, by the SHA-256 of the token, as the tokens file says now: the file is looked at
 * every second and a changed file is in force at once; a changed file that cannot be used leaves the last good
 * one in force. Holds no token, only hashes, so nothing here can leak one.
 */
final class LedgerTokens implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LedgerTokens.class);

    record Holder(String name, Set<Role> roles) {
    }

    private final Path file;
    private final ScheduledExecutorService watcher;
    private volatile Map<String, Holder> byHash;
    private volatile String lastSeen;
    private final java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();

    LedgerTokens(Path file, Path adminTokenFile) {
        this.file = file;
        createOnFirstStart(file, adminTokenFile);
        this.lastSeen = stamp();
        this.byHash = index(TokensFile.read(file)); // a bad file stops the start, with its line
        this.watcher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tokens-file-watcher");
            t.setDaemon(true);
            return t;
        });
        watcher.scheduleWithFixedDelay(this::reloadIfChanged, 1, 1, TimeUnit.SECONDS);
    }

    Holder holderOf(String token) {
        return byHash.get(TokensFile.sha256(token));
    }

    /** How many changed versions of the file were refused since the start: for tests, which cannot see the watcher's thread. */
    int refusedChanges() {
        return refused.get();
    }

    private void reloadIfChanged() {
        String now = stamp();
        if (now.equals(lastSeen)) {
            return;
        }
        lastSeen = now;
        try {
            byHash = index(TokensFile.read(file));
            LOG.info("tokens file {} reloaded: {} tokens", file, byHash.size());
        } catch (RuntimeException e) {
            refused.incrementAndGet();
            LOG.error("tokens file changed but not used; the last good version stays in force: {}", e.getMessage());
        }
    }

    /** Modification time, size and inode: an atomic replace within one timestamp tick still shows. */
    private String stamp() {
        try {
            return Files.getLastModifiedTime(file).toMillis() + "/" + Files.size(file) + "/"
                    + Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            return "missing";
        }
    }

    private static Map<String, Holder> index(List<TokensFile.Entry> entries) {
        return entries.stream().collect(Collectors.toUnmodifiableMap(TokensFile.Entry::sha256,
                e -> new Holder(e.name(), Set.copyOf(e.roles())), (a, b) -> a));
    }

    /**
     * Both sides may start at once on a new data folder: the file is linked into place, which only one of
     * them can do; the other then reads the winner's file. The admin token goes to a file only its owner reads.
     */
    static void createOnFirstStart(Path file, Path adminTokenFile) {
        if (Files.exists(file)) {
            return;
        }
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            String token = TokensFile.newToken();
            Path draft = Files.createTempFile(dir, ".tokens", ".new");
            try {
                TokensFile.write(draft, List.of(new TokensFile.Entry("admin", Set.of(Role.ADMIN), TokensFile.sha256(token))));
                Path secret = Files.createTempFile(adminTokenFile.toAbsolutePath().getParent(), ".admin", ".new");
                ownerOnly(secret);
                Files.writeString(secret, token + "\n", StandardCharsets.UTF_8);
                try {
                    Files.createLink(file, draft);
                } catch (FileAlreadyExistsException lost) {
                    Files.deleteIfExists(secret);
                    return;
                }
                Files.move(secret, adminTokenFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                LOG.warn("first start: a token named 'admin' with the role admin is in {}", adminTokenFile.toAbsolutePath());
            } finally {
                Files.deleteIfExists(draft);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the tokens file " + file, e);
        }
    }

    private static void ownerOnly(Path path) throws IOException {
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // a file system without POSIX permissions: the data folder's own protection applies
        }
    }

    @Override
    public void close() {
        watcher.shutdownNow();
    }
}
