package ledger.command.importing;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What an import has done so far, shown as it goes: on a terminal one line rewritten a few times a second, else a
 * plain line every 5 seconds (a log file gets no carriage returns). Refused lines are written between them.
 */
final class Progress {

    private static final long TERMINAL_NANOS = 250_000_000L;
    private static final long PLAIN_NANOS = 5_000_000_000L;

    final AtomicLong stored = new AtomicLong();
    final AtomicLong alreadyStored = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    private final long total;
    private final boolean terminal;
    private final PrintStream err;
    private final long started = System.nanoTime();
    private boolean lineShown;
    private Thread ticker;

    Progress(long total, boolean terminal, PrintStream err) {
        this.total = total;
        this.terminal = terminal;
        this.err = err;
    }

    long done() {
        return stored.get() + alreadyStored.get() + refused.get();
    }

    double seconds() {
        return (System.nanoTime() - started) / 1e9;
    }

    void start() {
        ticker = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep((terminal ? TERMINAL_NANOS : PLAIN_NANOS) / 1_000_000);
                    show();
                }
            } catch (InterruptedException e) {
                // finished
            }
        }, "import-progress");
        ticker.setDaemon(true);
        ticker.start();
    }

    void stop() {
        if (ticker != null) {
            ticker.interrupt();
            try {
                ticker.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            clearLine();
        }
    }

    /** A line of its own (a refused line, say), above the progress line on a terminal. */
    synchronized void report(String text) {
        clearLine();
        err.println(text);
    }

    private synchronized void show() {
        long done = done();
        double seconds = seconds();
        double rate = done / Math.max(seconds, 1e-3);
        String left = done == 0 ? "--:--" : clock((total - done) / Math.max(rate, 1e-3));
        String text = String.format(Locale.ROOT, "import: %,d of %,d lines (%.0f %%), %,.0f/s, %s left%s", done, total,
                total == 0 ? 100.0 : 100.0 * done / total, rate, left,
                refused.get() == 0 ? "" : String.format(Locale.ROOT, ", %,d refused", refused.get()));
        if (terminal) {
            err.print("\r" + text + "\033[K");
            lineShown = true;
        } else {
            err.println(text);
        }
        err.flush();
    }

    private void clearLine() {
        if (lineShown) {
            err.print("\r\033[K");
            lineShown = false;
        }
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
