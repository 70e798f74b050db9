package ledger.events;

import java.util.Objects;

/**
 * A keyed pseudonym of an account identifier (counting rule 9): the hex HMAC-SHA256 of the trimmed,
 * lower-cased identifier. Distinct pseudonyms are distinct accounts; the raw identifier never enters the log.
 */
public record AccountPseudonym(String value) implements Comparable<AccountPseudonym> {

    public AccountPseudonym {
        Objects.requireNonNull(value, "value");
        if (!isHex64(value)) {
            throw new IllegalArgumentException("an account pseudonym is 64 lower-case hex digits");
        }
    }

    @Override
    public int compareTo(AccountPseudonym other) {
        return value.compareTo(other.value);
    }

    /** Checked for every account of every event a replay reads: a loop, not a regular expression compiled each time. */
    private static boolean isHex64(String value) {
        if (value.length() != 64) {
            return false;
        }
        for (int i = 0; i < 64; i++) {
            char c = value.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }
}
