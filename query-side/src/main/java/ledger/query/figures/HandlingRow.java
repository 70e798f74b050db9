package ledger.query.figures;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One row of the handling table (counting rule 19): a jurisdiction's demands or the TOTAL, named by its label. The
 * hours to a first response are kept as a count per whole hour ({@code hours}: hours to the number of the row's
 * responded demands that took them), all a median needs and the same whatever order demands were counted in;
 * a TOTAL's hours are its rows' added together, so its median is over all their demands, never a median of
 * medians. Percentages are derived from the counts, never stored.
 */
public record HandlingRow(String label, long requests, long withDeadline, long onTime, long late, long open,
                          long nonDisclosureOrders, long usersNotified, SortedMap<Long, Long> hours) {

    public HandlingRow {
        TreeMap<Long, Long> kept = new TreeMap<>();
        hours.forEach((h, n) -> {
            if (n < 0) {
                throw new IllegalArgumentException("fewer than no demands took " + h + " hours in " + label);
            }
            if (n > 0) {
                kept.put(h, n);
            }
        });
        hours = Collections.unmodifiableSortedMap(kept);
    }

    public static HandlingRow empty(String label) {
        return new HandlingRow(label, 0, 0, 0, 0, 0, 0, 0, new TreeMap<>());
    }

    /** The demands with a response. */
    public long responded() {
        long n = 0;
        for (long count : hours.values()) {
            n += count;
        }
        return n;
    }

    /**
     * The lower median of the hours to a first response: the element at index {@code (n-1) // 2} of their sorted
     * list; null when no demand of the row has a response.
     */
    public Long medianHoursToResponse() {
        long n = responded();
        if (n == 0) {
            return null;
        }
        long index = (n - 1) / 2;
        long seen = 0;
        for (Map.Entry<Long, Long> entry : hours.entrySet()) {
            seen += entry.getValue();
            if (index < seen) {
                return entry.getKey();
            }
        }
        throw new IllegalStateException("unreachable");
    }

    /** {@code 100 * onTime / withDeadline}, rule 10's rounding; none without a due date in the row. */
    public BigDecimal onTimePct() {
        return percent(onTime, withDeadline);
    }

    /** {@code 100 * nonDisclosureOrders / requests}, rule 10's rounding; none without requests. */
    public BigDecimal nonDisclosurePct() {
        return percent(nonDisclosureOrders, requests);
    }

    private static BigDecimal percent(long count, long of) {
        if (of == 0) {
            return null;
        }
        return BigDecimal.valueOf(100L * count).divide(BigDecimal.valueOf(of), 2, RoundingMode.HALF_UP);
    }

    /** Counts being added up: demands counted in (or taken out, with -1) one by one, or whole rows. */
    public static final class Tally {
        private long requests;
        private long withDeadline;
        private long onTime;
        private long late;
        private long open;
        private long nonDisclosureOrders;
        private long usersNotified;
        private final TreeMap<Long, Long> hours = new TreeMap<>();

        /** One demand in ({@code sign} 1) or out (-1). */
        public Tally count(DemandState d, int sign) {
            requests += sign;
            if (d.dueAt() != null) {
                withDeadline += sign;
                if (d.onTime()) {
                    onTime += sign;
                } else if (d.late()) {
                    late += sign;
                } else {
                    open += sign;
                }
            }
            if (d.nonDisclosureOrder()) {
                nonDisclosureOrders += sign;
            }
            if (d.userNotified()) {
                usersNotified += sign;
            }
            if (d.firstResponse() != null) {
                hours.merge(d.hoursToResponse(), (long) sign, Long::sum);
            }
            return this;
        }

        /** A whole row's counts in ({@code sign} 1) or out (-1). */
        public Tally add(HandlingRow row, int sign) {
            return add(sign, row.requests, row.withDeadline, row.onTime, row.late, row.open, row.nonDisclosureOrders, row.usersNotified,
                    row.hours);
        }

        private Tally add(int sign, long requests, long withDeadline, long onTime, long late, long open, long nonDisclosureOrders,
                          long usersNotified, Map<Long, Long> hours) {
            this.requests += sign * requests;
            this.withDeadline += sign * withDeadline;
            this.onTime += sign * onTime;
            this.late += sign * late;
            this.open += sign * open;
            this.nonDisclosureOrders += sign * nonDisclosureOrders;
            this.usersNotified += sign * usersNotified;
            hours.forEach((h, n) -> this.hours.merge(h, sign * n, Long::sum));
            return this;
        }

        /** Whether everything counted in was taken out again. */
        public boolean isZero() {
            return requests == 0 && withDeadline == 0 && onTime == 0 && late == 0 && open == 0 && nonDisclosureOrders == 0
                    && usersNotified == 0 && hours.values().stream().allMatch(n -> n == 0);
        }

        /** The row of these counts; a tally of deltas may be below zero in places, a row may not. */
        public HandlingRow row(String label) {
            return new HandlingRow(label, requests, withDeadline, onTime, late, open, nonDisclosureOrders, usersNotified, hours);
        }

        /** The signed deltas as they are, for adding to a stored row ({@link #row} refuses a count below zero). */
        public HandlingRow addedTo(HandlingRow stored) {
            return new Tally().add(stored, 1)
                    .add(1, requests, withDeadline, onTime, late, open, nonDisclosureOrders, usersNotified, hours)
                    .row(stored.label());
        }
    }
}
