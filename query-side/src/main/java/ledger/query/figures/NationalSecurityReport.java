package ledger.query.figures;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import ledger.events.LegalProcess;

/**
 * A period's national-security report (counting rules 16 and 17): one line per national-security kind,
 * NATIONAL_SECURITY_LETTER then FISA_ORDER, always both, with its requests and distinct accounts each printed
 * only as a band of 500. The exact counts stay inside, for audits; only the bands are ever printed.
 */
public record NationalSecurityReport(Period period, List<Line> lines, String csv, String digest) {

    public static final String HEADER = "kind,requests,accounts";

    /** The reporting delay US law sets for banded national-security figures. */
    public static final Duration DELAY = Duration.ofDays(180);

    private static final long BAND = 500;

    /** One kind's exact counts. */
    public record Line(LegalProcess kind, long requests, long accounts) {

        public String requestsBand() {
            return band(requests);
        }

        public String accountsBand() {
            return band(accounts);
        }
    }

    /** The report of these rows by legal process; kinds without demands are printed as {@code 0-499}. */
    public static NationalSecurityReport of(Period period, Map<LegalProcess, Row> byProcess) {
        List<Line> lines = new ArrayList<>();
        StringBuilder csv = new StringBuilder(HEADER).append('\n');
        for (LegalProcess kind : LegalProcess.values()) {
            if (kind.nationalSecurity()) {
                Row row = byProcess.getOrDefault(kind, Row.empty(kind.name()));
                Line line = new Line(kind, row.requests(), row.accounts());
                lines.add(line);
                csv.append(kind.name()).append(',').append(line.requestsBand()).append(',').append(line.accountsBand()).append('\n');
            }
        }
        String text = csv.toString();
        return new NationalSecurityReport(period, List.copyOf(lines), text, CanonicalCsv.digest(text));
    }

    /** The band of 500 a count falls in: 0-499, 500-999, 1000-1499, ... */
    public static String band(long count) {
        if (count < 0) {
            throw new IllegalArgumentException("a count below zero: " + count);
        }
        long low = count / BAND * BAND;
        return low + "-" + (low + BAND - 1);
    }

    /**
     * The first instant the report may be shown: 180 days (of 24 hours, in UTC) after the first instant after
     * the period, so 2014-H1 (ending at 2014-07-01T00:00Z) from 2014-12-28T00:00Z on, and not a moment before.
     */
    public static Instant availableFrom(Period period) {
        return period.end().plus(DELAY);
    }

    /** The day (UTC) from whose start the report may be shown. */
    public static LocalDate availableFromDate(Period period) {
        return availableFrom(period).atZone(ZoneOffset.UTC).toLocalDate();
    }

    public static boolean availableAt(Period period, Instant now) {
        return !now.isBefore(availableFrom(period));
    }
}
