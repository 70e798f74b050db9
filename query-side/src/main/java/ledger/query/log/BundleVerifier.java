package ledger.query.log;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import ledger.logbundle.BundleBroken;
import ledger.logbundle.BundleEvents;
import ledger.logbundle.BundleReader;
import ledger.logbundle.BundleRecord;
import ledger.logbundle.LogRecord;
import ledger.query.audit.Recount;
import ledger.query.figures.Period;
import ledger.query.figures.PeriodCounts;

/**
 * {@code ./run verify BUNDLE [--period P]... [--hash sha256:...]}: checks a bundle's chain line by line, prints
 * its last position and hash, and each period's digest (and its handling table's, counting rule 19) recounted from the bundle by the counting rules
 * ({@link Recount}: what audits recount with, nothing of the projection). No database, no running ledger.
 * Exits 1 at the first broken line, or when {@code --hash} is the hash of no position of the bundle; 2 when
 * the command line is wrong.
 */
public final class BundleVerifier {

    private BundleVerifier() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        String bundle = null;
        List<Period> periods = new ArrayList<>();
        byte[] wanted = null;
        String wantedText = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if ((arg.equals("--period") || arg.equals("--hash")) && i + 1 == args.length) {
                return usage(err, arg + " needs a value");
            }
            if (arg.equals("--period")) {
                try {
                    periods.add(Period.parse(args[++i]));
                } catch (IllegalArgumentException e) {
                    return usage(err, e.getMessage());
                }
            } else if (arg.equals("--hash")) {
                wantedText = args[++i];
                wanted = LogRecord.parse(wantedText);
                if (wanted == null) {
                    return usage(err, "--hash '" + wantedText + "' is not 'sha256:' and 64 lower-case hex digits");
                }
            } else if (arg.startsWith("--") || bundle != null) {
                return usage(err, "unexpected argument '" + arg + "'");
            } else {
                bundle = arg;
            }
        }
        if (bundle == null) {
            return usage(err, "which bundle?");
        }
        Recount recount = new Recount();
        BundleEvents events = new BundleEvents();
        long foundAt = -1;
        long started = System.nanoTime();
        try (InputStream in = bundle.equals("-") ? System.in : Files.newInputStream(Path.of(bundle));
             BundleReader reader = new BundleReader(in)) {
            BundleRecord record;
            while ((record = reader.next()) != null) {
                if (wanted != null && foundAt < 0 && Arrays.equals(wanted, record.hash())) {
                    foundAt = record.position();
                }
                recount.apply(record.demandId(), events.event(record));
            }
            if (reader.position() == 0) {
                err.println("verify: " + bundle + " holds no event");
                return 1;
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            out.printf("verify: %s: the chain holds from position 1 to %d (%d events, %.1f s)%n", bundle, reader.position(),
                    reader.position(), seconds);
            out.println("position  " + reader.position());
            out.println("hash      " + LogRecord.text(reader.hash()));
            for (Period period : periods) {
                PeriodCounts counts = recount.counts(period);
                out.println(period + "   " + counts.byJurisdiction().digest());
                out.println(period + " handling   " + counts.byHandling().digest());
            }
        } catch (NoSuchFileException e) {
            err.println("verify: no such file: " + bundle);
            return 2;
        } catch (BundleBroken e) {
            err.println("verify: " + bundle + ": broken at line " + e.line() + ": " + e.reason());
            return 1;
        } catch (IOException e) {
            err.println("verify: cannot read " + bundle + ": " + e.getMessage());
            return 1;
        }
        if (wanted != null) {
            if (foundAt < 0) {
                err.println("verify: " + wantedText + " is the hash of no position of the bundle");
                return 1;
            }
            out.println(wantedText + " is the hash at position " + foundAt);
        }
        return 0;
    }

    private static int usage(PrintStream err, String problem) {
        err.println("verify: " + problem);
        err.println("usage: ./run verify BUNDLE [--period YYYY-H1|YYYY-H2]... [--hash sha256:<64 hex>]   (BUNDLE: a file, or - for stdin; gzipped or not)");
        return 2;
    }
}
