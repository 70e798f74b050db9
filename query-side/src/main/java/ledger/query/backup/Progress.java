package ledger.query.backup;

import java.io.PrintStream;
import java.util.Locale;

/** Progress of a long step: on a terminal one line rewritten a few times a second, else a line every 5 s. */
final class Progress {
    private final String what;
    private final long total;
    private final boolean terminal;
    private final PrintStream err;
    private final long started = System.nanoTime();
    private long shownAt = System.nanoTime();
    private boolean shown;

    Progress(String what, long total, boolean terminal, PrintStream err) {
        this.what = what;
        this.total = total;
        this.terminal = terminal;
        this.err = err;
    }

    void at(long done) {
        long now = System.nanoTime();
        if (now - shownAt < (terminal ? 250_000_000L : 5_000_000_000L)) {
            return;
        }
        shownAt = now;
        double seconds = (now - started) / 1e9;
        double rate = done / Math.max(seconds, 1e-3);
        String left = done == 0 ? "--" : String.format(Locale.ROOT, "%.0f s", (total - done) / Math.max(rate, 1e-3));
        String text = String.format(Locale.ROOT, "%s: %,d of %,d events (%.0f %%), %,.0f/s, %s left", what, done, total,
                100.0 * done / Math.max(total, 1), rate, left);
        if (terminal) {
            err.print("\r" + text + "\033[K");
        } else {
            err.println(text);
        }
        shown = true;
    }

    void done(long done) {
        if (shown && terminal) {
            err.print("\r\033[K");
        }
        if (shown) {
            err.printf(Locale.ROOT, "%s: %,d events in %.1f s%n", what, done, (System.nanoTime() - started) / 1e9);
        }
    }
}
