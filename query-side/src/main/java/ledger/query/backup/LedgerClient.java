package ledger.query.backup;

import static ledger.query.backup.BackupTool.ADMIN_TOKEN;
import static ledger.query.backup.BackupTool.LEDGER;
import static ledger.query.backup.BackupTool.USAGE;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import ledger.query.backup.BackupTool.Stop;

/** The query side a backup or a restore talks to, with an admin's token; a refusal names the answer, never the token. */
final class LedgerClient {

    final String url;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private Token token;

    private LedgerClient(String url) {
        this.url = url;
    }

    /** {@code --url URL} taken out of {@code args}, which keeps the rest; else the query side of this machine. */
    static LedgerClient of(Map<String, String> env, List<String> args) throws Stop {
        String url = "http://127.0.0.1:" + env.getOrDefault("QUERY_PORT", "8082");
        for (Iterator<String> each = args.iterator(); each.hasNext(); ) {
            String arg = each.next();
            if (arg.equals("--url")) {
                each.remove();
                if (!each.hasNext()) {
                    throw new Stop(USAGE, "--url needs a value");
                }
                url = each.next().replaceAll("/+$", "");
                each.remove();
            } else if (arg.startsWith("--")) {
                throw new Stop(USAGE, "unexpected option " + arg);
            }
        }
        return new LedgerClient(url);
    }

    /** Finds the token every request then carries. */
    void authenticate(Map<String, String> env) throws Stop {
        token = Token.find(env);
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(url + path)).header("Authorization", "Bearer " + token.value());
    }

    HttpResponse<byte[]> get(String path) throws IOException, Stop {
        return send(request(path).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> body) throws IOException, Stop {
        return send(request, body, false);
    }

    /** A 2xx, else a stop that names the answer (never the token); {@code anyStatus}: whatever it is. */
    <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> body, boolean anyStatus) throws IOException, Stop {
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

    /** Until the query side answers (a ledger just started), for three minutes at most. */
    void awaitLedger() throws Stop, IOException {
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

    static void pause(long millis) throws Stop {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Stop(LEDGER, "interrupted");
        }
    }

    /** The bearer token and where it came from (named in a refusal; the token itself never printed). */
    record Token(String value, String source) {

        static Token find(Map<String, String> env) throws Stop {
            String value = env.get("LEDGER_TOKEN");
            if (BackupTool.present(value)) {
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
}
