package ledger.query;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import ledger.query.log.BundleVerifier;

/** The offline verifier ({@code ./run verify}) run in this JVM on a bundle: its exit status and what it printed. */
public record OfflineVerification(int status, String out, String err) {

    public static OfflineVerification of(byte[] bundle, String... options) throws IOException {
        Path file = Files.createTempFile("bundle", ".ndjson");
        try {
            Files.write(file, bundle);
            String[] args = new String[options.length + 1];
            args[0] = file.toString();
            System.arraycopy(options, 0, args, 1, options.length);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int status = BundleVerifier.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
            return new OfflineVerification(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            Files.delete(file);
        }
    }
}
