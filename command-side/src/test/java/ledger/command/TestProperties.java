package ledger.command;

import java.nio.file.Path;
import ledger.access.TestTokens;
import org.springframework.test.context.DynamicPropertyRegistry;

/** What a test gives the command side it starts: a MongoDB, and a tokens file with {@link TestTokens}' tokens. */
public final class TestProperties {

    private TestProperties() {
    }

    public static void mongoAndTokens(DynamicPropertyRegistry registry, String mongoUri) {
        Path tokens = TestTokens.file();
        registry.add("ledger.mongodb.uri", () -> mongoUri);
        registry.add("ledger.tokens.file", tokens::toString);
        registry.add("ledger.tokens.admin-token-file", () -> tokens.resolveSibling("admin.token").toString());
    }
}
