package ledger.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * security.md's "What never leaves the process", on the three processes users run (each from its packaged jar, as
 * {@code ./run} starts them) on a new data folder with no tokens file: the first start creates the tokens file and
 * the admin's token (owner-only, the file holding its hash only); a token minted with {@code ./run token} while the
 * ledger runs works within seconds, and once revoked is refused within seconds, without a restart. Demands are
 * logged whose account identifiers are distinctive strings, with invalid bodies and wrong tokens among them; then,
 * the ledger stopped, no file the processes wrote (their output and the data folder) and no answer the test got
 * holds a token, an {@code Authorization} header's value or a raw account identifier; the failed authentications
 * are in the log, with the first 8 hex digits of the presented token's SHA-256. The sides log as
 * {@code LOG_FORMAT=json} makes them (operations.md): every line of their output is one JSON object, and none
 * carries a stack trace (a refused request is one line at most). Everything is in {@code target/secrets}.
 */
class SecretsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TOKEN_FORMAT = Pattern.compile("ldg_[A-Za-z0-9_-]{43}");
    private static final int DEMANDS = 36;
    private static final String AT = "{\"occurredAt\":\"2014-03-09T10:15:00Z\"}";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    /** Every answer the test got, its status line, headers and body. */
    private final List<String> answers = new ArrayList<>();

    @Test
    void noTokenNoAuthorizationHeaderAndNoRawAccountIdentifierLeavesTheLedger() throws Exception {
        long started = System.nanoTime();
        Map<String, String> secrets = new LinkedHashMap<>(); // what must be found nowhere, by what it is
        Set<String> pseudonyms = new LinkedHashSet<>();
        Map<String, Integer> refusedAtCommands = new LinkedHashMap<>(); // a wrong token -> how often presented
        Map<String, Integer> refusedAtQueries = new LinkedHashMap<>();
        String admin;
        String intake;
        Path logs;
        try (PackagedLedger ledger = new PackagedLedger("secrets", false)) {
            logs = ledger.logs;
            Path tokensFile = ledger.dataDir.resolve("tokens.json");
            Path adminFile = ledger.dataDir.resolve("admin.token");
            assertThat(tokensFile).doesNotExist();
            ledger.environment.put("LOG_FORMAT", "json");
            ledger.startServer();
            ledger.startSides();

            // ---- the first start: a tokens file and the admin's token, owner-only, the file holding its hash only
            assertThat(adminFile).exists();
            String adminFileText = Files.readString(adminFile, StandardCharsets.UTF_8);
            admin = adminFileText.trim();
            secrets.put("the admin token", admin);
            assertThat(admin).matches(TOKEN_FORMAT);
            assertThat(adminFileText).isEqualTo(admin + "\n");
            assertThat(Files.getPosixFilePermissions(adminFile)).as("admin.token's permissions")
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(Files.getPosixFilePermissions(tokensFile)).as("tokens.json is writable by its owner only")
                    .doesNotContain(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);
            JsonNode tokens = JSON.readTree(tokensFile.toFile()).get("tokens");
            assertThat(tokens).hasSize(1);
            assertThat(tokens.get(0).get("name").asText()).isEqualTo("admin");
            assertThat(tokens.get(0).get("roles").toString()).isEqualTo("[\"admin\"]");
            assertThat(tokens.get(0).get("sha256").asText()).isEqualTo(sha256(admin));
            assertThat(Files.readString(tokensFile)).doesNotContain(admin);
            assertThat(get(ledger.queries() + "/api/demands?limit=1", admin).status()).isEqualTo(200);

            // ---- a token minted while the ledger runs: printed once, its hash in the file, in force within seconds
            PackagedLedger.ToolRun minted = ledger.token("intake", "recorder");
            assertThat(minted.exitStatus()).as("./run token intake recorder: %s", minted.stdout()).isZero();
            intake = minted.stdout().trim();
            secrets.put("the minted token", intake);
            assertThat(intake).matches(TOKEN_FORMAT).isNotEqualTo(admin);
            assertThat(minted.stdout()).isEqualTo(intake + "\n");
            String tokensText = Files.readString(tokensFile);
            assertThat(tokensText).contains(sha256(intake)).contains(sha256(admin)).doesNotContain(intake);
            assertThat(Files.getPosixFilePermissions(tokensFile)).as("tokens.json, rewritten by ./run token")
                    .doesNotContain(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);
            long mintedAt = System.nanoTime();
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).until(() ->
                    get(ledger.queries() + "/api/demands/none-such", intake).status() == 404
                            && post(ledger.commands() + "/api/demands", intake, "{}").status() == 400);
            System.out.printf("SecretsIT: the minted token in force after %d ms%n", (System.nanoTime() - mintedAt) / 1_000_000);

            // ---- demands whose account identifiers are distinctive, as clients send them (case, blanks)
            byte[] pseudonymKey = Base64.getDecoder().decode(Files.readString(ledger.dataDir.resolve("pseudonym.key")).trim());
            List<String> ids = new ArrayList<>();
            for (int n = 1; n <= DEMANDS; n++) {
                String id = "2014-H1-SEC-" + n;
                List<String> accounts = new ArrayList<>(List.of(account(n)));
                if (n % 4 == 0) {
                    accounts.add(account(n + 1000));
                }
                accounts.forEach(a -> secret(secrets, a));
                accounts.forEach(a -> pseudonyms.add(pseudonym(pseudonymKey, a)));
                Answer receipt = post(ledger.commands() + "/api/demands", intake, receipt(id, accounts), "Idempotency-Key", "secrets-" + n);
                assertThat(receipt.status()).as(receipt.text()).isEqualTo(201);
                ids.add(id);
                if (n % 3 == 0) {
                    Answer disclosure = post(ledger.commands() + "/api/demands/" + id + "/subscriber-disclosures", intake, AT);
                    assertThat(disclosure.status()).as(disclosure.text()).isEqualTo(201);
                }
            }
            // a correction (legal's right: the admin's) names another account
            String corrected = ids.get(0);
            String correctedAccount = "ZQ-Secret-Account-Corrected@Example.org";
            secret(secrets, correctedAccount);
            pseudonyms.add(pseudonym(pseudonymKey, correctedAccount));
            Answer correction = post(ledger.commands() + "/api/demands/" + corrected + "/corrections", admin,
                    "{\"accounts\":[\"" + correctedAccount + "\"]}");
            assertThat(correction.status()).as(correction.text()).isEqualTo(201);
            assertThat(post(ledger.commands() + "/api/demands/" + corrected + "/corrections", intake,
                    "{\"accounts\":[\"" + correctedAccount + "\"]}").status()).as("a recorder may not correct").isEqualTo(403);

            // ---- invalid bodies that name accounts: refused, and the refusals echo none of them
            String badId = "2014-H1-SEC-bad";
            String head = "{\"demandId\":\"" + badId + "\",\"receivedAt\":\"2014-03-02T10:15:00Z\",\"jurisdiction\":\"US\","
                    + "\"agency\":\"FBI\",\"legalProcess\":\"SUBPOENA\",\"accounts\":[";
            Map<String, String> invalid = new LinkedHashMap<>();
            invalid.put("the JSON cut short", head + "\"zq-secret-account-901@example.org\"");
            invalid.put("an account not quoted", head + "zqsecretuser902]}");
            invalid.put("an account not a string", head + "\"zq-secret-account-903@example.org\", 903]}");
            invalid.put("an unknown jurisdiction", head.replace("\"US\"", "\"XX\"") + "\"zq-secret-account-904@example.org\"]}");
            invalid.put("an account under an unknown field", head + "\"zq-secret-account-905@example.org\"], "
                    + "\"account\":\"zq-secret-account-906@example.org\"}");
            for (String a : List.of("zq-secret-account-901@example.org", "zqsecretuser902", "zq-secret-account-903@example.org",
                    "zq-secret-account-904@example.org", "zq-secret-account-905@example.org", "zq-secret-account-906@example.org")) {
                secret(secrets, a);
            }
            for (Map.Entry<String, String> body : invalid.entrySet()) {
                Answer refused = post(ledger.commands() + "/api/demands", intake, body.getValue());
                assertThat(refused.status()).as("%s: %s", body.getKey(), refused.text()).isEqualTo(400);
                assertThat(refused.body()).as(body.getKey()).isNotNull();
            }

            // ---- wrong tokens: 401, logged once each with their hash's first 8 hex digits
            String unknown = "ldg_" + Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(32));
            String lookalike = "ldg_" + admin.substring(4, 40) + "zzzzzzz"; // the admin's, its end changed
            String malformed = "ldg_zq!not*a#token"; // not even a bearer token's characters
            secrets.put("an unknown token", unknown);
            secrets.put("a token like the admin's", lookalike);
            secrets.put("a malformed token", malformed);
            String refusedId = "2014-H1-SEC-refused";
            for (String wrong : List.of(unknown, unknown, lookalike, malformed)) {
                Answer refused = post(ledger.commands() + "/api/demands", wrong, receipt(refusedId, List.of(account(950))));
                assertRefused(refused);
                refusedAtCommands.merge(wrong, 1, Integer::sum);
            }
            secret(secrets, account(950));
            for (String wrong : List.of(unknown, lookalike)) {
                assertRefused(get(ledger.queries() + "/api/demands/" + ids.get(1), wrong));
                refusedAtQueries.merge(wrong, 1, Integer::sum);
            }
            assertThat(get(ledger.queries() + "/api/demands/" + refusedId, admin).status()).as("a refused receipt stored nothing")
                    .isEqualTo(404);
            assertThat(get(ledger.queries() + "/api/demands/" + badId, admin).status()).as("an invalid receipt stored nothing")
                    .isEqualTo(404);

            // ---- each demand's history: who recorded each event (the minted token's name), no pseudonym
            for (String id : ids) {
                Answer demand = get(ledger.queries() + "/api/demands/" + id, intake);
                assertThat(demand.status()).as(demand.text()).isEqualTo(200);
                JsonNode history = demand.body().get("history");
                assertThat(history).as(id).isNotEmpty();
                assertThat(demand.body().get("accounts").isInt()).as("%s: accounts counted, not shown", id).isTrue();
                List<String> actors = new ArrayList<>();
                for (JsonNode event : history) {
                    actors.add(event.path("actor").asText(null));
                    assertThat(event.path("accounts").isMissingNode() || event.get("accounts").isInt())
                            .as("%s: an event's accounts counted, not shown: %s", id, event).isTrue();
                }
                int n = Integer.parseInt(id.substring(id.lastIndexOf('-') + 1));
                List<String> expected = new ArrayList<>(List.of("intake"));
                if (n % 3 == 0) {
                    expected.add("intake");
                }
                if (id.equals(corrected)) {
                    expected.add("admin");
                }
                assertThat(actors).as("%s: the actors of its history", id).isEqualTo(expected);
            }

            // ---- the minted token revoked while the ledger runs: refused within 5 seconds, no restart
            long pidCommand = ledger.command.pid();
            long pidQuery = ledger.query.pid();
            PackagedLedger.ToolRun revoked = ledger.token("--revoke", "intake");
            assertThat(revoked.exitStatus()).as("./run token --revoke intake: %s", revoked.stdout()).isZero();
            assertThat(Files.readString(tokensFile)).doesNotContain(sha256(intake)).contains(sha256(admin));
            long revokedAt = System.nanoTime();
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).until(() ->
                    get(ledger.queries() + "/api/demands/" + ids.get(0), intake).status() == 401
                            && post(ledger.commands() + "/api/demands", intake, "{}").status() == 401);
            System.out.printf("SecretsIT: the revoked token refused after %d ms%n", (System.nanoTime() - revokedAt) / 1_000_000);
            assertRefused(post(ledger.commands() + "/api/demands", intake, receipt(refusedId, List.of(account(950)))));
            assertRefused(get(ledger.queries() + "/api/demands/" + ids.get(0), intake));
            assertThat(ledger.alive()).isTrue();
            assertThat(List.of(ledger.command.pid(), ledger.query.pid())).isEqualTo(List.of(pidCommand, pidQuery));
            assertThat(get(ledger.queries() + "/api/demands/" + ids.get(0), admin).status()).as("the admin's token still works")
                    .isEqualTo(200);

            // ---- the log exported as a bundle into the data folder (searched below: pseudonyms only), checked by
            // the packaged jar as ./run verify runs it
            HttpResponse<byte[]> bundle = http.send(HttpRequest.newBuilder(URI.create(ledger.queries() + "/api/log/export"))
                    .header("Authorization", "Bearer " + admin).header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(bundle.statusCode()).isEqualTo(200);
            Files.write(ledger.dataDir.resolve("ledger.ndjson.gz"), bundle.body());
            String headHash = get(ledger.queries() + "/api/log/head", admin).body().get("hash").asText();
            PackagedLedger.ToolRun verified = ledger.verify("ledger.ndjson.gz", "--period", "2014-H1", "--hash", headHash);
            assertThat(verified.exitStatus()).as("./run verify: %s", verified.stdout()).isZero();
            assertThat(verified.stdout()).contains("hash      " + headHash, "2014-H1   sha256:");

            ledger.stopAll();
        }

        // ---- nothing of the secrets in any file the processes wrote, nor in any answer
        List<String> found = new ArrayList<>();
        Map<Path, String> files = new LinkedHashMap<>();
        try (Stream<Path> all = Files.walk(logs)) {
            for (Path file : all.filter(Files::isRegularFile).sorted().toList()) {
                // as bytes, so binary files (the database's) are searched too; every needle is ASCII
                files.put(file, new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
            }
        }
        Path adminFile = logs.resolve("data").resolve("admin.token");
        Path tokensFile = logs.resolve("data").resolve("tokens.json");
        assertThat(files).containsKeys(adminFile, tokensFile);
        Map<String, String> hashes = new LinkedHashMap<>();
        secrets.forEach((what, secret) -> {
            if (secret.startsWith("ldg_")) {
                hashes.put("the full SHA-256 of " + what, sha256(secret));
            }
        });
        files.forEach((file, text) -> {
            String where = logs.relativize(file).toString();
            secrets.forEach((what, secret) -> {
                if (!(file.equals(adminFile) && secret.equals(admin)) && text.contains(secret)) {
                    found.add(what + " (" + secret + ") in " + where + ": " + excerpt(text, text.indexOf(secret)));
                }
            });
            if (!file.equals(tokensFile)) {
                hashes.forEach((what, hash) -> {
                    if (text.contains(hash)) {
                        found.add(what + " in " + where + ": " + excerpt(text, text.indexOf(hash)));
                    }
                });
            }
            if (!file.equals(adminFile)) {
                bearerOrToken(text).forEach(at -> found.add("a bearer token in " + where + ": " + excerpt(text, at)));
            }
        });
        String received = String.join("\n", answers);
        secrets.forEach((what, secret) -> {
            if (received.contains(secret)) {
                found.add(what + " (" + secret + ") in an answer: " + excerpt(received, received.indexOf(secret)));
            }
        });
        hashes.forEach((what, hash) -> {
            if (received.contains(hash)) {
                found.add(what + " in an answer: " + excerpt(received, received.indexOf(hash)));
            }
        });
        pseudonyms.forEach(p -> {
            if (received.contains(p)) {
                found.add("a pseudonym in an answer: " + excerpt(received, received.indexOf(p)));
            }
        });
        bearerOrToken(received).forEach(at -> found.add("a bearer token in an answer: " + excerpt(received, at)));

        // ---- the failed authentications, each logged once with the first 8 hex digits of the token's SHA-256
        String commandLog = files.get(logs.resolve("command-side-1.log"));
        String queryLog = files.get(logs.resolve("query-side-1.log"));
        List<String> missing = new ArrayList<>();
        refusedAtCommands.forEach((token, times) -> checkLogged(missing, "command side", commandLog, token, times));
        refusedAtQueries.forEach((token, times) -> checkLogged(missing, "query side", queryLog, token, times));
        for (String side : List.of("command side", "query side")) {
            String text = side.equals("command side") ? commandLog : queryLog;
            if (failedAuthentications(text, sha256(intake).substring(0, 8)) == 0) {
                missing.add("the revoked token's refusals are not in the " + side + "'s log");
            }
        }

        // ---- LOG_FORMAT=json: one JSON object a line, no stack trace
        List<String> notJson = new ArrayList<>();
        int lines = 0;
        for (String side : List.of("command-side-1.log", "query-side-1.log", "embedded-mongo-1.log")) {
            for (String line : (Iterable<String>) files.get(logs.resolve(side)).lines()::iterator) {
                lines++;
                try {
                    JsonNode entry = JSON.readTree(line);
                    if (!entry.isObject() || !entry.has("@timestamp") || !entry.has("message")) {
                        notJson.add(side + ": not a log entry: " + line);
                    } else if (entry.path("error").has("stack_trace")) {
                        notJson.add(side + ": a stack trace: " + line.substring(0, Math.min(line.length(), 300)));
                    }
                } catch (IOException e) {
                    notJson.add(side + ": not JSON: " + line);
                }
            }
        }
        System.out.printf("SecretsIT: %d lines of the three processes' logs read as JSON, %d not as they should%n", lines, notJson.size());

        System.out.printf("SecretsIT: %d answers and %d files (%s) searched for %d secrets, %d hashes and %d pseudonyms;"
                        + " %d found, %d failed authentications not logged as they should; %d ms in all%n", answers.size(),
                files.size(), files.keySet().stream().map(p -> logs.relativize(p).toString()).toList(), secrets.size(),
                hashes.size(), pseudonyms.size(), found.size(), missing.size(), (System.nanoTime() - started) / 1_000_000);
        found.forEach(f -> System.out.println("SecretsIT: found " + f));
        missing.forEach(m -> System.out.println("SecretsIT: " + m));
        assertThat(found).as("secrets that left the ledger (files in %s)", logs).isEmpty();
        assertThat(missing).as("failed authentications as logged (in %s)", logs).isEmpty();
        assertThat(notJson).as("the three processes' logs with LOG_FORMAT=json (in %s)", logs).isEmpty();
    }

    // ---- the secrets ----

    /** Account identifiers as clients may spell them: blanks around, and mixed case. */
    private static String account(int n) {
        String plain = "zq-secret-account-" + n + "@example.org";
        return switch (n % 3) {
            case 0 -> "  ZQ-Secret-Account-" + n + "@Example.ORG ";
            case 1 -> plain;
            default -> "Zq-Secret-Account-" + n + "@example.org\t";
        };
    }

    /** An account identifier as sent, lower-cased, trimmed, and both (the form its pseudonym is made of). */
    private static void secret(Map<String, String> secrets, String account) {
        for (String form : List.of(account, account.trim(), account.toLowerCase(Locale.ROOT), account.trim().toLowerCase(Locale.ROOT))) {
            secrets.putIfAbsent("the account identifier '" + form + "'", form);
        }
    }

    /** The command side's pseudonym of an account identifier: HMAC-SHA256 of its normalised form. */
    private static String pseudonym(byte[] key, String account) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(account.trim().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Where the text holds {@code Bearer } and a token, or anything of the ledger's tokens' form. */
    private static List<Integer> bearerOrToken(String text) {
        List<Integer> at = new ArrayList<>();
        Matcher m = Pattern.compile("(?i)bearer\\s+(?!realm=)[A-Za-z0-9._~+/=!*#-]{8,}|ldg_[A-Za-z0-9_-]{20,}").matcher(text);
        while (m.find()) {
            at.add(m.start());
        }
        return at;
    }

    private static void checkLogged(List<String> missing, String side, String log, String token, int times) {
        String prefix = sha256(token).substring(0, 8);
        int logged = failedAuthentications(log, prefix);
        if (logged != times) {
            missing.add(String.format("'%s' presented %d times to the %s, logged %d times with its hash's first 8 hex digits %s",
                    token, times, side, logged, prefix));
        }
    }

    private static int failedAuthentications(String log, String prefix) {
        return (int) log.lines().filter(l -> l.contains("WARN") && l.contains("authentication failed") && l.contains("127.0.0.1")
                && l.contains("sha256 " + prefix)).count();
    }

    private static String excerpt(String text, int at) {
        return text.substring(Math.max(0, at - 80), Math.min(text.length(), at + 80)).replaceAll("[^\\x20-\\x7e]", "?");
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    // ---- HTTP ----

    private record Answer(int status, JsonNode body, String text) {
    }

    private static String receipt(String id, List<String> accounts) throws IOException {
        Map<String, Object> receipt = new LinkedHashMap<>();
        receipt.put("demandId", id);
        receipt.put("receivedAt", "2014-03-02T10:15:00Z");
        receipt.put("jurisdiction", "US");
        receipt.put("agency", "FBI");
        receipt.put("legalProcess", "SUBPOENA");
        receipt.put("accounts", accounts);
        return JSON.writeValueAsString(receipt);
    }

    private void assertRefused(Answer answer) {
        assertThat(answer.status()).as(answer.text()).isEqualTo(401);
        assertThat(answer.text().toLowerCase(Locale.ROOT)).contains("www-authenticate: bearer realm=\"ledger\"");
    }

    private Answer post(String url, String token, String body, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return send(request, token);
    }

    private Answer get(String url, String token) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(url)).GET(), token);
    }

    private Answer send(HttpRequest.Builder request, String token) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request.timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
        StringBuilder text = new StringBuilder().append(r.statusCode());
        r.headers().map().forEach((name, values) -> values.forEach(v -> text.append('\n').append(name).append(": ").append(v)));
        text.append("\n\n").append(r.body());
        synchronized (answers) {
            answers.add(text.toString());
        }
        JsonNode body;
        try {
            body = r.body().isBlank() ? null : JSON.readTree(r.body());
        } catch (IOException notJson) {
            body = null;
        }
        return new Answer(r.statusCode(), body, text.toString());
    }
}
