package ledger.query.figures;

import java.time.Instant;
import java.time.LocalDate;
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
        // by the epoch day: a replay asks this of every demand, and a zoned date-time costs a zone lookup each time
        LocalDate utc = LocalDate.ofEpochDay(Math.floorDiv(receivedAt.getEpochSecond(), 86_400L));
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
        // not String.format: a replay names the period of every demand, on a JVM that has not compiled the formatter yet
        String digits = Integer.toString(year);
        return "000".substring(Math.min(3, digits.length() - 1)) + digits + "-H" + half;
    }
}
