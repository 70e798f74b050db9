package ledger.query.backup;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code ./run backup DIR} and {@code ./run restore DIR} (docs/backup.md): what both share (the command's name, its
 * environment and output, the backup folder's file names, the exit statuses); the jobs are {@link Backup} and
 * {@link Restore}, the check of a bundle {@link BundleCheck}, the folder's files {@link BackupFolder}, the query side
 * they talk to {@link LedgerClient}.
 *
 * <p>A backup is taken from a running ledger through its query side, with an admin token: the records the log does
 * not hold (published reports, repairs) first, then the log's head, then the bundle up to that head, so every report
 * it holds is pinned within the bundle. The bundle is read again from the disk and checked (the chain recomputed,
 * its last hash the head's, each report's {@code logHash} at its position, each period's figures recounted); the
 * data folder's secrets a restore needs (the pseudonym key, the tokens file, the admin's token) are copied; a
 * manifest naming every file with its SHA-256 is written last, so a folder without one is a backup that did not
 * finish. Every file is readable by its owner only.
 *
 * <p>A restore checks all of that again, puts the secrets into an empty data folder ({@code --prepare}, before the
 * ledger's first start there), and then, the ledger started on it, imports the bundle and the records, waits for the
 * figures, and compares the head, each period's digest and each report's verification with the manifest's.
 */
public final class BackupTool {

    static final String MANIFEST = "manifest.json";
    static final String BUNDLE = "log.ndjson.gz";
    static final String RECORDS = "records.ndjson";
    static final String KEY = "pseudonym.key";
    static final String TOKENS = "tokens.json";
    static final String ADMIN_TOKEN = "admin.token";
    static final String FORMAT = "ledger-backup/1";

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** Exit statuses: a check failed, the command line is wrong, the ledger is unreachable or refused. */
    static final int FAILED = 1;
    static final int USAGE = 2;
    static final int LEDGER = 3;

    final String name;
    final Map<String, String> env;
    final PrintStream out;
    final PrintStream err;
    final boolean terminal;

    BackupTool(String name, Map<String, String> env, PrintStream out, PrintStream err, boolean terminal) {
        this.name = name;
        this.env = env;
        this.out = out;
        this.err = err;
        this.terminal = terminal;
    }

    public static void main(String command, String[] args) {
        BackupTool tool = new BackupTool(command, System.getenv(), System.out, System.err, System.console() != null);
        System.exit(command.equals("backup") ? tool.run(() -> new Backup(tool).run(args)) : tool.run(() -> new Restore(tool).run(args)));
    }

    /** A refusal or a failed check: its message, and the exit status. */
    static final class Stop extends Exception {
        final int status;

        Stop(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    interface Job {
        int run() throws IOException, Stop;
    }

    /** A job's exit status; a stop or an I/O failure said on the error output, after the command's name. */
    int run(Job job) {
        try {
            return job.run();
        } catch (Stop stop) {
            err.println(name + ": " + stop.getMessage());
            return stop.status;
        } catch (IOException e) {
            err.println(name + ": " + e);
            return FAILED;
        }
    }

    /** The progress of a long step of this command. */
    Progress progress(String what, long total) {
        return new Progress(name + ": " + what, total, terminal, err);
    }

    Path dataDir() {
        String dataDir = env.getOrDefault("DATA_DIR", "");
        return Path.of(dataDir.isBlank() ? "./data" : dataDir).toAbsolutePath().normalize();
    }

    Path tokensFile(Path dataDir) {
        String file = env.get("LEDGER_TOKENS_FILE");
        return present(file) ? Path.of(file).toAbsolutePath().normalize() : dataDir.resolve(TOKENS);
    }

    static boolean present(String value) {
        return value != null && !value.isBlank();
    }

    static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
