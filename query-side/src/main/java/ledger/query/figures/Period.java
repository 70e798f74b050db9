package ledger.query.figures;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A reporting half-year in UTC (counting rule 5): {@code 2014-H1} is [2014-01-01T00:00Z, 2014-07-01T00:00Z). */
public record Period(int year, int half) implements Comparable<Period> {

    private static final Pattern FORMAT = Pattern.compile("(\\d{4})-H([12])");

    public Period {
        if (year < 1 || year > 9999 || (half != 1 && half != 2)) {
            throw new IllegalArgumentException("no such period: " + year + "-H" + half);
        }
    }

    /** Parses {@code YYYY-H1} or {@code YYYY-H2}; anything else is refused. */
    public static Period parse(String text) {
        Matcher m = text == null ? null : FORMAT.matcher(text);
        if (m == null || !m.matches() || Integer.parseInt(m.group(1)) < 1) {
            throw new IllegalArgumentException("'" + text + "' is not a period: expected YYYY-H1 or YYYY-H2, such as 2014-H1");
        }
        return new Period(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    public static Period of(Instant receivedAt) {
        ZonedDateTime utc = receivedAt.atZone(ZoneOffset.UTC);
        return new Period(utc.getYear(), utc.getMonthValue() <= 6 ? 1 : 2);
    }

    /** The first instant after the period: {@code 2014-H1} ends at 2014-07-01T00:00:00Z. */
    public Instant end() {
        return ZonedDateTime.of(half == 1 ? year : year + 1, half == 1 ? 7 : 1, 1, 0, 0, 0, 0, ZoneOffset.UTC).toInstant();
    }

    @Override
    public int compareTo(Period other) {
        return Integer.compare(year * 2 + half, other.year * 2 + other.half);
    }

    @Override
    public String toString() {
        return String.format("%04d-H%d", year, half);
    }
}
