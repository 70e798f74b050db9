package ledger.events;

import java.util.Objects;

/**
 * A keyed pseudonym of an account identifier (counting rule 9): the hex HMAC-SHA256 of the trimmed,
 * lower-cased identifier. Distinct pseudonyms are distinct accounts; the raw identifier never enters the log.
 */
public record AccountPseudonym(String value) implements Comparable<AccountPseudonym> {

    public AccountPseudonym {
        Objects.requireNonNull(value, "value");
        if (!value.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("an account pseudonym is 64 lower-case hex digits");
        }
    }

    @Override
    public int compareTo(AccountPseudonym other) {
        return value.compareTo(other.value);
    }
}
