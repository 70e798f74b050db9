package ledger.query.demand;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Demands ordered by an instant (a due date, the time notice became possible), those without one last, then by
 * demandId: a page is a seek and a walk of at most its length. It also counts, for the metrics, the demands whose
 * instant is before a moving boundary (now): kept up to date by the one writer and moved by the reader over the
 * demands passed since, so a scrape walks only what the clock passed, not the whole set.
 */
final class Timeline {

    /** A demand's place: {@code at} null sorts last. */
    record Slot(Instant at, String demandId) {

        static final Comparator<Slot> ORDER = Comparator.comparing(Slot::at, Comparator.nullsLast(Comparator.naturalOrder()))
                .thenComparing(Slot::demandId);

        /** Before every slot at {@code at} or later. */
        static Slot first(Instant at) {
            return new Slot(at, "");
        }
    }

    private final ConcurrentSkipListSet<Slot> slots = new ConcurrentSkipListSet<>(Slot.ORDER);
    private final AtomicInteger size = new AtomicInteger();
    private Instant boundary;
    private long before;

    NavigableSet<Slot> slots() {
        return slots;
    }

    int size() {
        return size.get();
    }

    synchronized void add(Slot slot) {
        if (slots.add(slot)) {
            size.incrementAndGet();
            if (passed(slot)) {
                before++;
            }
        }
    }

    synchronized void remove(Slot slot) {
        if (slots.remove(slot)) {
            size.decrementAndGet();
            if (passed(slot)) {
                before--;
            }
        }
    }

    /** Slots given in their order (a directory read at start): a skip list filled in order stays in cache. */
    synchronized void addAll(List<Slot> sorted) {
        sorted.forEach(this::add);
    }

    synchronized void clear() {
        slots.clear();
        size.set(0);
        boundary = null;
        before = 0;
    }

    private boolean passed(Slot slot) {
        return boundary != null && slot.at() != null && slot.at().isBefore(boundary);
    }

    /** How many slots are at an instant before {@code boundary}. */
    synchronized long countBefore(Instant to) {
        if (boundary == null) {
            before = slots.headSet(Slot.first(to)).size();
        } else if (to.isAfter(boundary)) {
            before += slots.subSet(Slot.first(boundary), Slot.first(to)).size();
        } else if (to.isBefore(boundary)) {
            before -= slots.subSet(Slot.first(to), Slot.first(boundary)).size();
        }
        boundary = to;
        return before;
    }
}
