package ledger.query.demand;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import ledger.eventlog.LoggedEvent;
import ledger.eventlog.MongoEventLog;
import ledger.query.figures.DemandState;
import ledger.query.figures.Outcome;
import ledger.query.figures.Period;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Every demand by its id, as the log has it up to {@link #position()}: what the list of demands filters and
 * pages through. It is read from the log with one cursor when the query side starts (as long as a replay's read
 * of the log) and then follows the log's head. It is kept in each query side's memory, ordered by
 * demandId, because the list is a page of a sorted, filtered set that the embedded server could only answer by
 * scanning a collection on every request (it answers from an index only an exact match); the log stays the
 * one record of the demands, and each instance follows it for itself, so every instance lists the same.
 */
@Component
final class DemandDirectory implements SmartLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(DemandDirectory.class);

    /**
     * A demand as the list shows it: what counts of it, as the counting rules fold its events (DemandState), kept
     * without its accounts (the list never shows them), and its last event's position. The period is placed
     * once, when folded: a filtered page may test every demand.
     */
    record Listed(DemandState state, Period period, Tracking tracking, long position) {

        Listed(DemandState state, Tracking tracking, long position) {
            this(state, state.period(), tracking, position);
        }

        String demandId() {
            return state.demandId();
        }

        Instant receivedAt() {
            return state.receivedAt();
        }

        String jurisdiction() {
            return state.jurisdiction();
        }

        String legalProcess() {
            return state.legalProcess().name();
        }

        Outcome outcome() {
            return state.outcome();
        }

        /** Its place in the queue: still waiting for a response (outcome pending), by due date; null when answered. */
        Timeline.Slot queueSlot() {
            return outcome() == Outcome.PENDING ? new Timeline.Slot(state.dueAt(), demandId()) : null;
        }

        /** Its place among the notices that may become due; null when none can (yet) for ever. */
        Timeline.Slot noticeSlot() {
            Instant since = tracking.noticePossibleSince(state.nonDisclosureOrder());
            return since == null ? null : new Timeline.Slot(since, demandId());
        }

        /** The queue's key for its owner: the empty string for the unassigned, as {@code assignee=} asks. */
        String owner() {
            return tracking.assignee() == null ? "" : tracking.assignee();
        }
    }

    private final MongoEventLog log;
    private final long pollMillis;
    private final ConcurrentSkipListMap<String, Listed> demands = new ConcurrentSkipListMap<>();
    /**
     * The demandIds of each value a list can be filtered by (a period, a jurisdiction, an outcome, a legal
     * process), in order: a page walks the smallest set its filters name instead of every demand. Written by the
     * follower alone; a reader may meet an id whose demand has just moved, so every filter is tested again.
     */
    private final Map<Key, Ids> index = new ConcurrentHashMap<>();

    /** A value a list is filtered by: {@code p} a period, {@code j} a jurisdiction, {@code o} an outcome, {@code l} a legal process. */
    record Key(char kind, Object value) {
    }

    private record Ids(ConcurrentSkipListSet<String> ids, AtomicInteger size) {
    }

    /** The demands waiting for a response by due date, and the same by owner and by jurisdiction (tracking.md). */
    private final Timeline queue = new Timeline();
    private final Map<String, Timeline> queueByOwner = new ConcurrentHashMap<>();
    private final Map<String, Timeline> queueByJurisdiction = new ConcurrentHashMap<>();
    /** Disclosed demands whose user is not yet notified, by the time notice becomes possible. */
    private final Timeline notices = new Timeline();
    private final AtomicLong read = new AtomicLong();
    private volatile long position = -1;
    /** While the directory is first read: the demands by id, unordered. */
    private Map<String, Listed> loading;
    private volatile boolean running;
    private Thread follower;

    DemandDirectory(MongoEventLog log, @Value("${ledger.query.poll-millis:200}") long pollMillis) {
        this.log = log;
        this.pollMillis = pollMillis;
    }

    /** The log position the directory reflects; -1 while it is first read. */
    long position() {
        return position;
    }

    long eventsRead() {
        return read.get();
    }

    ConcurrentNavigableMap<String, Listed> demands() {
        return demands;
    }

    static Key periodKey(Period period) {
        return new Key('p', period);
    }

    static Key jurisdictionKey(String code) {
        return new Key('j', code);
    }

    static Key outcomeKey(Outcome outcome) {
        return new Key('o', outcome);
    }

    static Key legalProcessKey(String legalProcess) {
        return new Key('l', legalProcess);
    }

    private static List<Key> keysOf(Listed d) {
        return List.of(periodKey(d.period()), jurisdictionKey(d.jurisdiction()), outcomeKey(d.outcome()), legalProcessKey(d.legalProcess()));
    }

    /** The demandIds to walk for a page filtered by these keys: the fewest of theirs, or every demand's. */
    NavigableSet<String> candidates(List<Key> keys) {
        NavigableSet<String> fewest = demands.keySet();
        int size = Integer.MAX_VALUE;
        for (Key key : keys) {
            Ids ids = index.get(key);
            if (ids == null) {
                return Collections.emptyNavigableSet();
            }
            if (ids.size().get() < size) {
                size = ids.size().get();
                fewest = ids.ids();
            }
        }
        return fewest;
    }

    Timeline queue() {
        return queue;
    }

    Timeline notices() {
        return notices;
    }

    /** The queue's demands of this owner ("" the unassigned) or jurisdiction, or of all when both are null; the fewer. */
    Timeline queueOf(String owner, String jurisdiction) {
        Timeline fewest = queue;
        if (owner != null) {
            fewest = queueByOwner.getOrDefault(owner, EMPTY);
        }
        if (jurisdiction != null) {
            Timeline of = queueByJurisdiction.getOrDefault(jurisdiction, EMPTY);
            if (owner == null || of.size() < fewest.size()) {
                fewest = of;
            }
        }
        return fewest;
    }

    private static final Timeline EMPTY = new Timeline();

    private void put(String id, Listed after) {
        Listed before = demands.put(id, after);
        if (loading == null) {
            track(before, after);
        }
        List<Key> old = before == null ? List.of() : keysOf(before);
        List<Key> now = keysOf(after);
        for (Key key : now) {
            if (!old.contains(key)) {
                Ids ids = index.computeIfAbsent(key, k -> new Ids(new ConcurrentSkipListSet<>(), new AtomicInteger()));
                if (ids.ids().add(id)) {
                    ids.size().incrementAndGet();
                }
            }
        }
        for (Key key : old) {
            if (!now.contains(key)) {
                Ids ids = index.get(key);
                if (ids != null && ids.ids().remove(id)) {
                    ids.size().decrementAndGet();
                }
            }
        }
    }

    /**
     * The queue and the notices as they move from one state of a demand to the next (written by the follower alone):
     * a slot is touched only when its key changes, as most events of a pending demand leave both where they are.
     */
    private void track(Listed before, Listed after) {
        Timeline.Slot was = before == null ? null : before.queueSlot();
        Timeline.Slot is = after.queueSlot();
        boolean queueMoves = was == null ? is != null
                : !was.equals(is) || !before.owner().equals(after.owner()) || !before.jurisdiction().equals(after.jurisdiction());
        if (queueMoves) {
            if (was != null) {
                queue.remove(was);
                queueByOwner.getOrDefault(before.owner(), EMPTY).remove(was);
                queueByJurisdiction.getOrDefault(before.jurisdiction(), EMPTY).remove(was);
            }
            if (is != null) {
                queue.add(is);
                queueByOwner.computeIfAbsent(after.owner(), k -> new Timeline()).add(is);
                queueByJurisdiction.computeIfAbsent(after.jurisdiction(), k -> new Timeline()).add(is);
            }
        }
        Timeline.Slot noticeWas = before == null ? null : before.noticeSlot();
        Timeline.Slot noticeIs = after.noticeSlot();
        if (!Objects.equals(noticeWas, noticeIs)) {
            if (noticeWas != null) {
                notices.remove(noticeWas);
            }
            if (noticeIs != null) {
                notices.add(noticeIs);
            }
        }
    }

    /** The queue and the notices of a directory just read, each filled in its order. */
    private void trackAll(List<Listed> all) {
        List<Timeline.Slot> waiting = new ArrayList<>();
        List<Timeline.Slot> due = new ArrayList<>();
        Map<String, List<Timeline.Slot>> byOwner = new HashMap<>();
        Map<String, List<Timeline.Slot>> byJurisdiction = new HashMap<>();
        for (Listed d : all) {
            Timeline.Slot slot = d.queueSlot();
            if (slot != null) {
                waiting.add(slot);
                byOwner.computeIfAbsent(d.owner(), k -> new ArrayList<>()).add(slot);
                byJurisdiction.computeIfAbsent(d.jurisdiction(), k -> new ArrayList<>()).add(slot);
            }
            Timeline.Slot notice = d.noticeSlot();
            if (notice != null) {
                due.add(notice);
            }
        }
        fill(queue, waiting);
        fill(notices, due);
        byOwner.forEach((owner, slots) -> fill(queueByOwner.computeIfAbsent(owner, k -> new Timeline()), slots));
        byJurisdiction.forEach((code, slots) -> fill(queueByJurisdiction.computeIfAbsent(code, k -> new Timeline()), slots));
    }

    private static void fill(Timeline timeline, List<Timeline.Slot> slots) {
        slots.sort(Timeline.Slot.ORDER);
        timeline.addAll(slots);
    }

    private void clearTracking() {
        queue.clear();
        notices.clear();
        queueByOwner.clear();
        queueByJurisdiction.clear();
    }

    private void follow() {
        while (running) {
            try {
                if (position < 0) {
                    long started = System.nanoTime();
                    long head = log.headPosition();
                    // folded into a hash map first, then put in demandId order: a skip list filled in order keeps its
                    // nodes in cache (docs/benchmarks.md)
                    loading = new HashMap<>();
                    log.scan(head, this::fold);
                    List<Listed> sorted = new ArrayList<>(loading.values());
                    sorted.sort(Comparator.comparing(Listed::demandId));
                    sorted.forEach(d -> put(d.demandId(), d));
                    trackAll(sorted);
                    loading = null;
                    position = head;
                    LOG.info("directory of demands read: {} demands up to position {} in {} ms", demands.size(), head,
                            (System.nanoTime() - started) / 1_000_000);
                }
                log.follow(position, Long.MAX_VALUE, e -> {
                    fold(e);
                    position = e.position();
                });
                Thread.sleep(pollMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.warn("directory of demands cannot read the log ({}); trying again in a second", e.toString());
                demands.clear();
                index.clear();
                clearTracking();
                position = -1; // read whole again: a scan cut off midway left it partial
                try {
                    Thread.sleep(1_000);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void fold(LoggedEvent logged) {
        read.incrementAndGet();
        Object event = logged.payload();
        String id = logged.aggregateId();
        if (id == null) {
            return;
        }
        Listed d = loading != null ? loading.get(id) : demands.get(id);
        Tracking tracking = Tracking.apply(d == null ? null : d.tracking(), event);
        DemandState after = DemandState.apply(d == null ? null : d.state(), event);
        if (after == null) {
            return; // an event of a demand never received
        }
        store(id, new Listed(after.withoutAccounts(), tracking, logged.position()));
    }

    private void store(String id, Listed d) {
        if (loading != null) {
            loading.put(id, d);
        } else {
            put(id, d);
        }
    }

    @Override
    public void start() {
        running = true;
        follower = new Thread(this::follow, "demand-directory");
        follower.setDaemon(true);
        follower.start();
    }

    @Override
    public void stop() {
        running = false;
        if (follower != null) {
            follower.interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
