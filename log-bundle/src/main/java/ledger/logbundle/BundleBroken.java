package ledger.logbundle;

/** A bundle's line that breaks the chain or is not a record of {@code log-bundle.md}: where, and why. */
public final class BundleBroken extends Exception {

    private final long line;
    private final String reason;

    public BundleBroken(long line, String reason) {
        super("line " + line + ": " + reason);
        this.line = line;
        this.reason = reason;
    }

    public long line() {
        return line;
    }

    public String reason() {
        return reason;
    }
}
