package ledger.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import ledger.access.Role;
import ledger.access.TestTokens;
import ledger.eventlog.TestMongo;
import ledger.query.RunningLedger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * api.md's "every error on every path is a problem detail", on both sides through HTTP: what Tomcat refuses before
 * any filter (an encoded slash or backslash, a character HTTP does not allow), what Spring Security's firewall
 * refuses ({@code ..}, {@code ;}, an unknown method), unknown paths (404, but 401 first without a token), a wrong
 * method (405 with {@code Allow}), a body of another media type (415), an Accept nothing satisfies (406), a body
 * over the limit (413, by its length or once read past it), missing and malformed bodies, and the error path itself.
 * Never a framework's default body, an HTML page or a stack trace; a refused command stores nothing.
 */
class HttpErrorsTest {

    private static final String RECEIPT = "{\"demandId\":\"e-1\",\"receivedAt\":\"2014-03-02T10:15:00Z\",\"jurisdiction\":\"US\","
            + "\"agency\":\"FBI\",\"legalProcess\":\"SUBPOENA\",\"accounts\":[\"someone@example.org\"]}";

    private static RunningLedger ledger;
    private static List<String> sides;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() {
        ledger = new RunningLedger(TestMongo.embedded());
        sides = List.of(ledger.commands, ledger.queries);
    }

    @AfterAll
    static void stop() {
        if (ledger != null) {
            ledger.close();
        }
    }

    /** What every error answer is: a problem detail of this status, and nothing of a framework's or server's own. */
    private static JsonNode problem(int status, int expected, String contentType, String body) {
        assertThat(status).as(body).isEqualTo(expected);
        assertThat(contentType).as(body).startsWith("application/problem+json");
        assertThat(body).doesNotContain("<html", "Exception", "\"trace\"", "\"timestamp\"", "No static resource", "at ledger.", "at org.");
        JsonNode json = read(body);
        assertThat(json.get("status").asInt()).isEqualTo(expected);
        assertThat(json.get("title").asText()).isNotBlank();
        assertThat(json.get("detail").asText()).isNotBlank();
        assertThat(json.get("type").asText()).isEqualTo("about:blank");
        return json;
    }

    private static JsonNode read(String body) {
        try {
            return RunningLedger.JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode problem(RunningLedger.Answer a, int expected) {
        return problem(a.status(), expected, a.headers().getOrDefault("Content-Type", List.of("")).get(0), a.body());
    }

    private static JsonNode problem(Raw a, int expected) {
        return problem(a.status, expected, a.header("Content-Type"), a.body);
    }

    private RunningLedger.Answer send(String method, String url, String authorization, String contentType, String accept, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Authorization", authorization)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (accept != null) {
            request.header("Accept", accept);
        }
        return ledger.send(request.build());
    }

    private long head() {
        return ledger.getQuery("/api/log/head").json().get("position").asLong();
    }

    @Test
    void whatTomcatRefusesBeforeAnyFilterIsA400ProblemDetail() {
        for (String side : sides) {
            for (String path : List.of("/api/demands/a%2Fb/rejection", "/api/demands/a%5Cb", "/api/demands/a|b", "/api/demands/a%00b")) {
                for (String authorization : List.of(TestTokens.ADMIN, "none")) {
                    Raw a = Raw.send(side, "POST " + path + " HTTP/1.1", authorization, "{}");
                    JsonNode json = problem(a, 400);
                    assertThat(json.get("detail").asText()).as(side + path).contains("refused before it was read");
                }
            }
        }
    }

    @Test
    void aHeaderTooLargeIsA400ProblemDetail() {
        for (String side : sides) {
            Raw a = Raw.send(side, "GET /api/log/head HTTP/1.1\r\nX-Large: " + "a".repeat(10_000), TestTokens.ADMIN, null);
            assertThat(problem(a, 400).get("detail").asText()).contains("too large");
        }
    }

    @Test
    void whatTheFirewallRefusesIsA400ProblemDetail() {
        for (String side : sides) {
            for (String line : List.of("POST /api/demands/../x HTTP/1.1", "GET /api/demands/x;y HTTP/1.1", "GET /api//demands HTTP/1.1",
                    "GET /api/demands/%2e%2e/x HTTP/1.1", "FOO /api/demands HTTP/1.1")) {
                Raw a = Raw.send(side, line, TestTokens.ADMIN, null);
                problem(a, 400);
                assertThat(Raw.send(side, line, "none", null).status).as("refused before anything asks who calls").isEqualTo(400);
            }
        }
    }

    @Test
    void anUnknownPathIs404WithATokenAnd401Without() {
        for (String side : sides) {
            JsonNode json = problem(send("GET", side + "/nowhere", TestTokens.ADMIN, null, null, null), 404);
            assertThat(json.get("detail").asText()).contains("/nowhere");
            assertThat(json.get("field").asText()).isEqualTo("path");
            RunningLedger.Answer anonymous = send("GET", side + "/nowhere", "none", null, null, null);
            problem(anonymous, 401);
            assertThat(anonymous.headers().get("WWW-Authenticate")).containsExactly("Bearer realm=\"ledger\"");
            problem(send("DELETE", side + "/api/demands/x", "none", null, null, null), 401);
            problem(send("GET", side + "/nowhere", "Bearer ldg_unknown", null, null, null), 401);
        }
    }

    /** A path an access rule names but no handler serves is refused as any unknown path, in the same words. */
    @Test
    void aNamedPathNothingServesIs404InTheWordsOfAnyUnknownPath() {
        for (String path : List.of("/nowhere", "/api/statistics/2014-H1/nowhere", "/api/log/nowhere")) {
            JsonNode json = problem(send("GET", ledger.queries + path, TestTokens.ADMIN, null, null, null), 404);
            assertThat(json.get("detail").asText()).isEqualTo("nothing is served at " + path);
        }
    }

    @Test
    void theErrorPathIsNoLongerBootsAndAnswersAsAnyUnknownPath() {
        for (String side : sides) {
            problem(send("GET", side + "/error", TestTokens.ADMIN, null, null, null), 404);
            problem(send("POST", side + "/error", TestTokens.ADMIN, "application/json", null, "{}"), 404);
            problem(send("GET", side + "/error", "none", null, null, null), 401);
        }
    }

    @Test
    void aWrongMethodIs405WithAllow() {
        RunningLedger.Answer onDemand = send("DELETE", ledger.commands + "/api/demands/d-1", TestTokens.ADMIN, null, null, null);
        assertThat(problem(onDemand, 405).get("detail").asText()).contains("DELETE", "query side");
        assertThat(onDemand.headers()).containsKey("Allow");
        RunningLedger.Answer onDemands = send("DELETE", ledger.commands + "/api/demands", TestTokens.ADMIN, null, null, null);
        problem(onDemands, 405);
        assertThat(onDemands.headers().get("Allow")).containsExactly("POST");
        RunningLedger.Answer read = send("PUT", ledger.commands + "/api/demands/d-1/rejection", TestTokens.ADMIN, "application/json", null, "{}");
        problem(read, 405);
        assertThat(read.headers().get("Allow")).containsExactly("POST");
        RunningLedger.Answer query = send("DELETE", ledger.queries + "/api/demands/d-1", TestTokens.ADMIN, null, null, null);
        assertThat(problem(query, 405).get("detail").asText()).contains("DELETE", "GET");
        assertThat(query.headers().get("Allow")).containsExactly("GET, HEAD"); // a rule for GET grants HEAD too
    }

    @Test
    void aBodyOfAnotherMediaTypeIs415AndStoresNothing() {
        long before = head();
        for (String type : List.of("text/plain", "application/x-www-form-urlencoded", "application/xml", "not a type")) {
            RunningLedger.Answer a = send("POST", ledger.commands + "/api/demands", TestTokens.ADMIN, type, null, RECEIPT);
            JsonNode json = problem(a, 415);
            assertThat(json.get("field").asText()).isEqualTo("Content-Type");
            assertThat(json.get("detail").asText()).as(type).contains("application/json");
            assertThat(a.headers().get("Accept")).containsExactly("application/json");
        }
        problem(send("POST", ledger.commands + "/api/demands/e-1/rejection", TestTokens.ADMIN, "text/plain", null,
                "{\"occurredAt\":\"2014-03-03T10:15:00Z\",\"reason\":\"OVERBROAD\"}"), 415);
        assertThat(head()).isEqualTo(before);
        // JSON by another name is JSON
        assertThat(send("POST", ledger.commands + "/api/demands", TestTokens.ADMIN, "application/json; charset=utf-8", null, RECEIPT).status())
                .isEqualTo(201);
    }

    @Test
    void anAcceptNothingSatisfiesIs406AndStoresNothing() {
        long before = head();
        RunningLedger.Answer command = send("POST", ledger.commands + "/api/demands", TestTokens.ADMIN, "application/json", "image/png",
                RECEIPT.replace("e-1", "e-406"));
        assertThat(problem(command, 406).get("field").asText()).isEqualTo("Accept");
        assertThat(head()).isEqualTo(before);
        problem(send("GET", ledger.queries + "/api/log/head", TestTokens.ADMIN, null, "image/png", null), 406);
        problem(send("GET", ledger.queries + "/api/statistics/2014-H1", TestTokens.ADMIN, null, "text/html", null), 406);
        assertThat(send("POST", ledger.commands + "/api/demands", TestTokens.ADMIN, "application/json", "application/json, */*;q=0.1",
                RECEIPT.replace("e-1", "e-ok")).status()).isEqualTo(201);
    }

    @Test
    void aBodyOverTheLimitIs413NamingTheLimit() throws Exception {
        long before = head();
        for (String url : List.of(ledger.commands + "/api/demands", ledger.queries + "/api/reports/2014-H1")) {
            // refused by its declared length, before it is read
            String side = url.substring(0, url.indexOf("/api"));
            Raw raw = Raw.send(side, "POST " + url.substring(side.length()) + " HTTP/1.1", TestTokens.ADMIN, "{\"demandId\":", 12L << 20);
            JsonNode json = problem(raw, 413);
            assertThat(json.get("detail").asText()).contains("1048576 bytes", "1 MiB");
            assertThat(json.get("limit").asLong()).isEqualTo(1048576);
            assertThat(json.get("field").asText()).isEqualTo("body");
            assertThat(raw.body()).as("the same bytes every time: the fields in one order").endsWith("\"field\":\"body\",\"limit\":1048576}");
        }
        // a body sent in chunks, of no declared length, is refused once read past the limit
        byte[] overLimit = new byte[1536 * 1024];
        java.util.Arrays.fill(overLimit, (byte) ' ');
        HttpResponse<String> chunked = http.send(HttpRequest.newBuilder(URI.create(ledger.commands + "/api/demands"))
                .header("Authorization", TestTokens.ADMIN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(overLimit))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(problem(chunked.statusCode(), 413, chunked.headers().firstValue("Content-Type").orElse(""), chunked.body())
                .get("detail").asText()).contains("1 MiB");
        assertThat(head()).isEqualTo(before);
        // without a token: 401, the body unread
        assertThat(Raw.send(ledger.commands, "POST /api/demands HTTP/1.1", "none", "{", 12L << 20).status).isEqualTo(401);
    }

    @Test
    void missingAndMalformedBodiesAre400NamingTheBody() {
        JsonNode missing = problem(send("POST", ledger.commands + "/api/demands", TestTokens.ADMIN, "application/json", null, null), 400);
        assertThat(missing.get("field").asText()).isEqualTo("body");
        JsonNode malformed = problem(send("POST", ledger.commands + "/api/demands", TestTokens.ADMIN, "application/json", null,
                "{\"demandId\": \"x\", \"accounts\": [\"secret@example.org\""), 400);
        assertThat(malformed.get("field").asText()).isEqualTo("body");
        assertThat(malformed.get("detail").asText()).contains("not valid JSON").doesNotContain("secret@example.org");
        JsonNode field = problem(send("POST", ledger.commands + "/api/demands", TestTokens.ADMIN, "application/json", null,
                RECEIPT.replace("\"US\"", "42")), 400);
        assertThat(field.get("field").asText()).isEqualTo("jurisdiction");
        JsonNode parameter = problem(send("GET", ledger.queries + "/api/log/export?from=x", TestTokens.ADMIN, null, null, null), 400);
        assertThat(parameter.get("field").asText()).isEqualTo("from");
    }

    @Test
    void securityRefusalsAreAsBefore() {
        RunningLedger.Answer none = send("POST", ledger.commands + "/api/demands", "none", "application/json", null, RECEIPT);
        assertThat(problem(none, 401).get("detail").asText()).contains("bearer token");
        RunningLedger.Answer viewer = send("POST", ledger.commands + "/api/demands", TestTokens.bearer(Role.VIEWER), "application/json", null, RECEIPT);
        assertThat(problem(viewer, 403).get("requiredRoles")).isNotNull();
        RunningLedger.Answer recorder = send("GET", ledger.queries + "/api/audits/2014-H1", TestTokens.bearer(Role.RECORDER), null, null, null);
        problem(recorder, 403);
    }

    /** A request written byte for byte on a socket: what an HTTP client library would not send. */
    record Raw(int status, Map<String, String> headers, String body) {

        String header(String name) {
            return headers.getOrDefault(name.toLowerCase(Locale.ROOT), "");
        }

        static Raw send(String base, String requestLine, String authorization, String body) {
            return send(base, requestLine, authorization, body, body == null ? 0 : body.getBytes(StandardCharsets.UTF_8).length);
        }

        /** With a Content-Length of {@code declared}, whatever of it {@code body} is. */
        static Raw send(String base, String requestLine, String authorization, String body, long declared) {
            URI uri = URI.create(base);
            try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
                socket.setSoTimeout(10_000);
                StringBuilder request = new StringBuilder(requestLine).append("\r\nHost: ").append(uri.getHost()).append("\r\nConnection: close\r\n");
                if (!authorization.equals("none")) {
                    request.append("Authorization: ").append(authorization).append("\r\n");
                }
                byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
                if (body != null) {
                    request.append("Content-Type: application/json\r\nContent-Length: ").append(declared).append("\r\n");
                }
                request.append("\r\n");
                OutputStream out = socket.getOutputStream();
                out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
                out.write(content);
                out.flush();
                InputStream in = socket.getInputStream();
                ByteArrayOutputStream head = new ByteArrayOutputStream();
                while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                    int b = in.read();
                    if (b < 0) {
                        throw new IOException("the connection closed before an answer: " + head);
                    }
                    head.write(b);
                }
                String[] lines = head.toString(StandardCharsets.ISO_8859_1).trim().split("\r\n");
                Map<String, String> headers = new LinkedHashMap<>();
                for (int i = 1; i < lines.length; i++) {
                    int colon = lines[i].indexOf(':');
                    headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
                }
                String rest;
                if (headers.containsKey("content-length")) {
                    // read as much as said: the server may wait for the rest of a body it refused
                    rest = new String(in.readNBytes(Integer.parseInt(headers.get("content-length"))), StandardCharsets.UTF_8);
                } else {
                    ByteArrayOutputStream all = new ByteArrayOutputStream();
                    in.transferTo(all);
                    rest = all.toString(StandardCharsets.UTF_8);
                }
                if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                    StringBuilder decoded = new StringBuilder();
                    int at = 0;
                    while (true) {
                        int lineEnd = rest.indexOf("\r\n", at);
                        int size = Integer.parseInt(rest.substring(at, lineEnd).trim(), 16);
                        if (size == 0) {
                            break;
                        }
                        decoded.append(rest, lineEnd + 2, lineEnd + 2 + size);
                        at = lineEnd + 2 + size + 2;
                    }
                    rest = decoded.toString();
                }
                return new Raw(Integer.parseInt(lines[0].split(" ")[1]), headers, rest);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
