package ledger.access;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The tokens file of security.md: names, roles and the SHA-256 of each token, never a token itself. Read with
 * the line of every entry, so a bad file is refused with the line to fix.
 */
final class TokensFile {

    private static final Pattern NAME = Pattern.compile("[a-z0-9._-]{1,64}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private TokensFile() {
    }

    record Entry(String name, Set<Role> roles, String sha256) {
    }

    /** A tokens file that cannot be used, and where. */
    static final class Invalid extends RuntimeException {
        Invalid(Path file, int line, String problem) {
            super(file + (line > 0 ? ", line " + line : "") + ": " + problem);
        }
    }

    static List<Entry> read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new Invalid(file, 0, "cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        List<Entry> entries = new ArrayList<>();
        Set<String> names = new HashSet<>();
        try (JsonParser parser = new JsonFactory(JSON).createParser(bytes)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new Invalid(file, line(parser), "must be a JSON object {\"tokens\": [...]}");
            }
            boolean seen = false;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (!field.equals("tokens")) {
                    parser.skipChildren();
                    continue;
                }
                seen = true;
                if (value != JsonToken.START_ARRAY) {
                    throw new Invalid(file, line(parser), "\"tokens\" must be an array");
                }
                while (parser.nextToken() == JsonToken.START_OBJECT) {
                    int line = line(parser);
                    JsonNode node = parser.readValueAsTree();
                    Entry entry = entry(file, line, node);
                    if (!names.add(entry.name())) {
                        throw new Invalid(file, line, "the name '" + entry.name() + "' is used twice");
                    }
                    entries.add(entry);
                }
                if (parser.currentToken() != JsonToken.END_ARRAY) {
                    throw new Invalid(file, line(parser), "every token must be a JSON object");
                }
            }
            if (!seen) {
                throw new Invalid(file, 1, "no \"tokens\" array");
            }
            if (parser.currentToken() != JsonToken.END_OBJECT || parser.nextToken() != null) {
                throw new Invalid(file, line(parser), "unexpected content after the tokens");
            }
        } catch (JsonProcessingException e) {
            throw new Invalid(file, e.getLocation() == null ? 0 : e.getLocation().getLineNr(),
                    "is not valid JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return entries;
    }

    private static int line(JsonParser parser) {
        return parser.currentTokenLocation().getLineNr();
    }

    private static Entry entry(Path file, int line, JsonNode node) {
        String name = node.path("name").asText("");
        if (!NAME.matcher(name).matches()) {
            throw new Invalid(file, line, "\"name\" must be 1 to 64 of a-z 0-9 . _ -");
        }
        JsonNode roleList = node.path("roles");
        if (!roleList.isArray()) {
            throw new Invalid(file, line, "\"roles\" of '" + name + "' must be an array of role names");
        }
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (JsonNode r : roleList) {
            roles.add(Role.of(r.asText()).orElseThrow(() -> new Invalid(file, line,
                    "unknown role '" + r.asText() + "' for '" + name + "' (known: " + known() + ")")));
        }
        String sha256 = node.path("sha256").asText("");
        if (!SHA256.matcher(sha256).matches()) {
            throw new Invalid(file, line, "\"sha256\" of '" + name + "' must be 64 lower-case hex digits");
        }
        return new Entry(name, roles, sha256);
    }

    static String known() {
        return String.join(", ", java.util.Arrays.stream(Role.values()).map(Role::id).toList());
    }

    /** One entry per line, so a problem's line number names the token it is about. */
    static void write(Path file, List<Entry> entries) {
        StringBuilder text = new StringBuilder("{\"tokens\": [\n");
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            text.append("  {\"name\": \"").append(e.name()).append("\", \"roles\": [")
                    .append(String.join(", ", e.roles().stream().map(r -> "\"" + r.id() + "\"").toList()))
                    .append("], \"sha256\": \"").append(e.sha256()).append("\"}")
                    .append(i + 1 < entries.size() ? ",\n" : "\n");
        }
        text.append("]}\n");
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path temp = Files.createTempFile(parent, ".tokens", ".tmp");
            Files.writeString(temp, text, StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Set<Role> roles(Path file, String list) {
        Set<Role> roles = new LinkedHashSet<>();
        for (String id : list.split(",")) {
            roles.add(Role.of(id.trim()).orElseThrow(() -> new Invalid(file, 0,
                    "unknown role '" + id.trim() + "' (known: " + known() + ")")));
        }
        return roles;
    }

    static boolean validName(String name) {
        return NAME.matcher(name).matches();
    }

    /** {@code ldg_} and 256 random bits in base64url: 47 characters. */
    static String newToken() {
        byte[] bits = new byte[32];
        RANDOM.nextBytes(bits);
        return "ldg_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bits);
    }

    static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
