package ledger.events;

import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/** The requesting authority's country: an ISO 3166-1 alpha-2 code in upper case (counting rule 6). */
public record Jurisdiction(String code) implements Comparable<Jurisdiction> {

    private static final Set<String> ISO_CODES = Set.of(Locale.getISOCountries());

    public Jurisdiction {
        Objects.requireNonNull(code, "code");
        if (!isKnown(code)) {
            throw new IllegalArgumentException("'" + code + "' is not an ISO 3166-1 alpha-2 code in upper case");
        }
    }

    public static boolean isKnown(String code) {
        return code != null && code.length() == 2 && code.equals(code.toUpperCase(Locale.ROOT)) && ISO_CODES.contains(code);
    }

    @Override
    public int compareTo(Jurisdiction other) {
        return code.compareTo(other.code);
    }

    @Override
    public String toString() {
        return code;
    }
}
