package ledger.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The in-process benchmarks' token (security.md): an admin token of their own, in a tokens file of their own that
 * the sides they start are given, so every request they send is authenticated as users' requests are.
 */
final class BenchTokens {

    static final String TOKEN;
    static final String FILE_ARG;
    static final String ADMIN_FILE_ARG;

    static {
        byte[] bits = new byte[32];
        new SecureRandom().nextBytes(bits);
        TOKEN = "ldg_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bits);
        try {
            Path dir = Files.createTempDirectory("ledger-bench-tokens");
            String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(TOKEN.getBytes(StandardCharsets.UTF_8)));
            Path file = Files.writeString(dir.resolve("tokens.json"),
                    "{\"tokens\": [{\"name\": \"bench\", \"roles\": [\"admin\"], \"sha256\": \"" + sha256 + "\"}]}\n");
            FILE_ARG = "--ledger.tokens.file=" + file;
            ADMIN_FILE_ARG = "--ledger.tokens.admin-token-file=" + dir.resolve("admin.token");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private BenchTokens() {
    }
}
