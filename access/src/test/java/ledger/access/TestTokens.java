package ledger.access;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Tokens for tests: one per role, named after the role, written to a tokens file the sides are started with.
 * Known to the tests only, like any token is known only to its holder.
 */
public final class TestTokens {

    private TestTokens() {
    }

    public static String of(Role role) {
        return "ldg_test-" + role.id() + "-" + Integer.toHexString(("ledger-test" + role).hashCode());
    }

    public static String bearer(Role role) {
        return "Bearer " + of(role);
    }

    public static final String ADMIN = bearer(Role.ADMIN);

    /** A tokens file with a token per role; answers the file. */
    public static Path write(Path file) {
        List<TokensFile.Entry> entries = Arrays.stream(Role.values())
                .map(r -> new TokensFile.Entry(r.id(), Set.of(r), TokensFile.sha256(of(r)))).toList();
        TokensFile.write(file, entries);
        return file;
    }

    /** A tokens file in a new temporary folder. */
    public static Path file() {
        try {
            return write(Files.createTempDirectory("ledger-tokens").resolve("tokens.json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
