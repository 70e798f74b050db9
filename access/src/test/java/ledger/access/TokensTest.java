package ledger.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tokens file of security.md: its checks with the line named, hot reload, the first start, minting and revoking. */
class TokensTest {

    @TempDir
    Path dir;

    private Path file(String text) throws Exception {
        return Files.writeString(dir.resolve("tokens.json"), text);
    }

    @Test
    void aBadFileIsRefusedWithTheLineNamed() throws Exception {
        String hash = "a".repeat(64);
        assertThatThrownBy(() -> TokensFile.read(file("{\"tokens\": [\n  {\"name\": \"a\", \"roles\": [\"viewer\"], \"sha256\": \"" + hash
                + "\"},\n  {\"name\": \"b\", \"roles\": [\"superuser\"], \"sha256\": \"" + hash.replace('a', 'b') + "\"}\n]}\n")))
                .isInstanceOf(TokensFile.Invalid.class).hasMessageContaining("line 3").hasMessageContaining("superuser");
        assertThatThrownBy(() -> TokensFile.read(file("{\"tokens\": [\n  {\"name\": \"a\", \"roles\": [\"viewer\"],, }\n]}")))
                .isInstanceOf(TokensFile.Invalid.class).hasMessageContaining("line 2").hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> TokensFile.read(file("{\"tokens\": [\n{\"name\": \"a\", \"roles\": [], \"sha256\": \"" + hash
                + "\"},\n{\"name\": \"a\", \"roles\": [], \"sha256\": \"" + hash + "\"}]}")))
                .hasMessageContaining("line 3").hasMessageContaining("twice");
        assertThatThrownBy(() -> TokensFile.read(file("{\"tokens\": [{\"name\": \"Upper\", \"roles\": [], \"sha256\": \"" + hash + "\"}]}")))
                .hasMessageContaining("line 1").hasMessageContaining("name");
        assertThatThrownBy(() -> TokensFile.read(file("{\"tokens\": [{\"name\": \"a\", \"roles\": [], \"sha256\": \"ABC\"}]}")))
                .hasMessageContaining("sha256");
        assertThatThrownBy(() -> new LedgerTokens(file("{\"tokens\": 3}"), dir.resolve("admin.token")))
                .hasMessageContaining("must be an array");
    }

    @Test
    void aChangedFileIsInForceWithinFiveSecondsAndABadChangeKeepsTheLastGoodOne() throws Exception {
        Path file = dir.resolve("tokens.json");
        TokensFile.write(file, List.of(new TokensFile.Entry("first", Set.of(Role.VIEWER), TokensFile.sha256("token-1"))));
        try (LedgerTokens tokens = new LedgerTokens(file, dir.resolve("admin.token"))) {
            assertThat(tokens.holderOf("token-1")).isEqualTo(new LedgerTokens.Holder("first", Set.of(Role.VIEWER)));
            assertThat(tokens.holderOf("token-2")).isNull();

            TokensFile.write(file, List.of(new TokensFile.Entry("second", Set.of(Role.RECORDER, Role.LEGAL), TokensFile.sha256("token-2"))));
            await().atMost(Duration.ofSeconds(5)).until(() -> tokens.holderOf("token-2") != null);
            assertThat(tokens.holderOf("token-1")).as("revoked").isNull();
            assertThat(tokens.holderOf("token-2").roles()).containsExactlyInAnyOrder(Role.RECORDER, Role.LEGAL);

            Files.writeString(file, "{\"tokens\": [ oops");
            await().atMost(Duration.ofSeconds(5)).until(() -> tokens.refusedChanges() == 1);
            assertThat(tokens.holderOf("token-2")).isNotNull();
        }
    }

    @Test
    void theFirstStartWritesAnAdminTokenReadableByItsOwnerOnlyAndConcurrentStartsAgree() throws Exception {
        Path file = dir.resolve("data").resolve("tokens.json");
        Path admin = dir.resolve("data").resolve("admin.token");
        Files.createDirectories(file.getParent());
        int starts = 4;
        ExecutorService pool = Executors.newFixedThreadPool(starts);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<LedgerTokens>> started = new ArrayList<>();
        for (int i = 0; i < starts; i++) {
            started.add(pool.submit(() -> {
                go.await();
                return new LedgerTokens(file, admin);
            }));
        }
        go.countDown();
        List<LedgerTokens> all = new ArrayList<>();
        for (Future<LedgerTokens> f : started) {
            all.add(f.get());
        }
        pool.shutdown();
        String token = Files.readString(admin).trim();
        assertThat(token).matches("ldg_[A-Za-z0-9_-]{43}");
        assertThat(Files.getPosixFilePermissions(admin)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.readString(file)).doesNotContain(token).contains(TokensFile.sha256(token));
        for (LedgerTokens tokens : all) {
            assertThat(tokens.holderOf(token)).isEqualTo(new LedgerTokens.Holder("admin", Set.of(Role.ADMIN)));
            tokens.close();
        }
        try (var files = Files.list(file.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("tokens.json", "admin.token");
        }
    }

    @Test
    void tokensAreMintedOnceAndRevoked() throws Exception {
        Path file = dir.resolve("tokens.json");
        PrintStream out = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            assertThat(TokenTool.run(file, "intake-desk", "recorder,legal")).isZero();
            assertThat(TokenTool.run(file, "intake-desk", "viewer")).as("a name is unique").isEqualTo(1);
            assertThat(TokenTool.run(file, "x", "superuser")).isEqualTo(1);
            assertThat(TokenTool.run(file, "Bad Name", "viewer")).isEqualTo(2);
        } finally {
            System.setOut(out);
        }
        String token = printed.toString(StandardCharsets.UTF_8).lines().findFirst().orElseThrow();
        assertThat(token).matches("ldg_[A-Za-z0-9_-]{43}");
        List<TokensFile.Entry> entries = TokensFile.read(file);
        assertThat(entries).containsExactly(new TokensFile.Entry("intake-desk", Set.of(Role.RECORDER, Role.LEGAL), TokensFile.sha256(token)));
        assertThat(Files.readString(file)).doesNotContain(token);

        assertThat(TokenTool.run(file, "--revoke", "intake-desk")).isZero();
        assertThat(TokensFile.read(file)).isEmpty();
        assertThat(TokenTool.run(file, "--revoke", "intake-desk")).isEqualTo(1);
    }

    @Test
    void jwtRolesComeFromADottedPathAndUnknownRolesAreIgnored() {
        IdentityProvider provider = new IdentityProvider("", "", "", "realm_access.roles");
        var jwt = org.springframework.security.oauth2.jwt.Jwt.withTokenValue("t").header("alg", "RS256")
                .claim("realm_access", java.util.Map.of("roles", List.of("auditor", "offline_access", "viewer")))
                .subject("s-1").build();
        assertThat(provider.roles(jwt)).containsExactlyInAnyOrder(Role.AUDITOR, Role.VIEWER);
        assertThat(provider.actor(jwt)).isEqualTo("s-1");
        assertThat(new IdentityProvider("", "", "", "roles").roles(jwt)).isEmpty();
        assertThat(IdentityProvider.looksLikeJwt("aaa.bbb.ccc")).isTrue();
        assertThat(IdentityProvider.looksLikeJwt("ldg_abc")).isFalse();
        assertThat(IdentityProvider.looksLikeJwt("a..b")).isFalse();
    }
}
