package ledger.command.importing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import ledger.command.demand.CommandKind;

/**
 * An operator's log in the fixture format (fixtures/README.md): one command a line, {@code op} plus the HTTP body of
 * api.md or tracking.md, gzipped or not (told by the gzip magic bytes, not by the name). Read as a stream of bytes split at
 * {@code \n}, so the line numbers counted when the file is first read are the ones its lines are sent with.
 */
final class OperatorLog {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PLAIN_ID = Pattern.compile("[A-Za-z0-9._:-]+");

    private final Path file;

    OperatorLog(Path file) {
        this.file = file;
    }

    /** What the first read of the file finds: the commands to send and the prefix of every line's key. */
    record Contents(long commands, String keyPrefix) {

        /**
         * A line's Idempotency-Key: the first 16 hex digits (64 bits) of the SHA-256 of the file's decompressed
         * bytes, and the line's number. The same file sent again (gzipped or not) gives each line the key it had, so
         * the ledger stores nothing twice; another file gives other keys, so a line that happens to equal a line of
         * another log at the same number is not taken for it. A log that grew is another file: import what was added
         * as a file of its own.
         */
        String key(long lineNumber) {
            return keyPrefix + lineNumber;
        }
    }

    /** One line to send: its number, its key, the API path and the JSON body. */
    record Command(long lineNumber, String demandId, String path, byte[] body) {
    }

    /** A line that cannot become a command (not JSON, no {@code op} or {@code demandId}...), refused before sending. */
    static final class Unreadable extends Exception {
        Unreadable(String message) {
            super(message, null, false, false);
        }
    }

    /** Reads the whole file once: its digest and the number of lines that hold something. */
    Contents read() throws IOException {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        long commands = 0;
        boolean blank = true;
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = open()) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha256.update(buffer, 0, n);
                for (int i = 0; i < n; i++) {
                    byte b = buffer[i];
                    if (b == '\n') {
                        commands += blank ? 0 : 1;
                        blank = true;
                    } else if (b != ' ' && b != '\t' && b != '\r') {
                        blank = false;
                    }
                }
            }
        }
        commands += blank ? 0 : 1;
        String digest = HexFormat.of().formatHex(sha256.digest()).substring(0, 16);
        return new Contents(commands, "import-" + digest + "-");
    }

    /** The file's lines, in order, as bytes without their line end. */
    final class Lines implements AutoCloseable {
        private final InputStream in;
        private final byte[] buffer = new byte[1 << 16];
        private int position;
        private int limit;
        private byte[] line = new byte[4096];
        private int length;
        private long number;

        private Lines() throws IOException {
            in = open();
        }

        /** The next line (false at the end); then {@link #number()} and {@link #command()}. */
        boolean next() throws IOException {
            length = 0;
            boolean any = false;
            while (true) {
                if (position == limit) {
                    limit = Math.max(0, in.read(buffer));
                    position = 0;
                    if (limit == 0) {
                        if (!any) {
                            return false;
                        }
                        break;
                    }
                }
                any = true;
                int end = position;
                while (end < limit && buffer[end] != '\n') {
                    end++;
                }
                append(position, end - position);
                position = end;
                if (end < limit) {
                    position++; // the \n
                    break;
                }
            }
            number++;
            if (length > 0 && line[length - 1] == '\r') {
                length--;
            }
            return true;
        }

        private void append(int from, int count) {
            if (length + count > line.length) {
                line = Arrays.copyOf(line, Math.max(line.length * 2, length + count));
            }
            System.arraycopy(buffer, from, line, length, count);
            length += count;
        }

        long number() {
            return number;
        }

        boolean blank() {
            for (int i = 0; i < length; i++) {
                if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r') {
                    return false;
                }
            }
            return true;
        }

        /** The line as a command of api.md: the path its {@code op} maps to, the rest its body. */
        Command command() throws Unreadable {
            JsonNode node;
            try {
                node = JSON.readTree(line, 0, length);
            } catch (IOException e) {
                throw new Unreadable("not JSON: " + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
            }
            if (!(node instanceof ObjectNode command)) {
                throw new Unreadable("not a JSON object");
            }
            JsonNode op = command.get("op");
            JsonNode id = command.get("demandId");
            if (op == null || !op.isTextual()) {
                throw new Unreadable("no \"op\" (one of " + CommandKind.ops() + ")");
            }
            if (id == null || !id.isTextual() || id.asText().isEmpty()) {
                throw new Unreadable("no \"demandId\"");
            }
            String demandId = id.asText();
            // as the acceptance client maps them; every other field goes in the body, for the ledger to judge
            CommandKind kind = CommandKind.ofOp(op.asText())
                    .orElseThrow(() -> new Unreadable("op '" + op.asText() + "' is none of " + CommandKind.ops()));
            String path = kind.pathFor(pathSegment(demandId));
            command.remove("op");
            if (kind != CommandKind.RECEIVE) {
                command.remove("demandId");
            }
            try {
                return new Command(number, demandId, path, JSON.writeValueAsBytes(command));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    Lines lines() throws IOException {
        return new Lines();
    }

    private InputStream open() throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        in.mark(2);
        boolean gzip = in.read() == 0x1f && in.read() == 0x8b;
        in.reset();
        return gzip ? new GZIPInputStream(in, 1 << 16) : in;
    }

    /** A demandId as one path segment: as it is when it is one the ledger accepts, else percent-encoded. */
    private static String pathSegment(String demandId) {
        if (PLAIN_ID.matcher(demandId).matches()) {
            return demandId;
        }
        StringBuilder encoded = new StringBuilder();
        for (byte b : demandId.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c < 0x80 && (Character.isLetterOrDigit(c) || "._:-".indexOf(c) >= 0)) {
                encoded.append((char) c);
            } else {
                encoded.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return encoded.toString();
    }
}
