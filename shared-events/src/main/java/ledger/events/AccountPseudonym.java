package ledger.events;

import java.util.Objects;

/**
 * A keyed pseudonym of an account identifier (counting rule 9): the hex HMAC-SHA256 of the trimmed,
 * lower-cased identifier. Distinct pseudonyms are distinct accounts; the raw identifier never enters the log.
 */
public record AccountPseudonym(String value) implements Comparable<AccountPseudonym> {

    /** Compiled once: every replay, audit and bundle check makes a pseudonym per account named. */
    private static final java.util.regex.Pattern HEX = java.util.regex.Pattern.compile("[0-9a-f]{64}");

    public AccountPseudonym {
        Objects.requireNonNull(value, "value");
        if (!HEX.matcher(value).matches()) {
            throw new IllegalArgumentException("an account pseudonym is 64 lower-case hex digits");
        }
    }

    @Override
    public int compareTo(AccountPseudonym other) {
        return value.compareTo(other.value);
    }
}
