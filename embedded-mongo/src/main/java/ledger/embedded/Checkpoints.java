package ledger.embedded;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The H2 file's side of the write-ahead log: a checkpoint stores everything applied in the file, marked with the
 * number of the last command it holds, once the file system has room for it; while idle, sparse chunks are
 * rewritten. {@link WriteAheadLog} decides when, and calls these holding its apply lock (but for {@link #sync}).
 * A failure halts the store ({@link Halt}): H2 closes a store whose commit failed.
 */
final class Checkpoints {

    /** Stops the store for good, with the reason. */
    interface Halt {
        void halt(String why, Throwable cause);
    }

    /** The start of why writes wait for a checkpoint's room (the log clears its block by it). */
    static final String NO_ROOM = "the checkpoint of";
    private static final String MAP = "_wal";
    private static final String LAST = "checkpoint";
    /** What a checkpoint needs beyond the pages it writes: H2's chunk headers, its layout map, slack. */
    private static final long MARGIN = 1L << 20;
    private static final int TARGET_FILL_RATE = 80;
    private static final int COMPACT_BYTES = 16 << 20;
    /** The log's lines, under its name. */
    private static final Logger log = LoggerFactory.getLogger(WriteAheadLog.class);

    private final MVStore store;
    private final String name;
    private final MVMap<String, Long> marks;
    private final WalSegments segments;
    private final boolean spaceCheck;
    private final Halt halt;

    /** {@code spaceCheck}: {@link WriteAheadLog.Faults#checkpointSpaceCheck}. */
    Checkpoints(MVStore store, WalSegments segments, boolean spaceCheck, Halt halt) {
        this.store = store;
        this.name = store.getFileStore() == null ? "the store" : Path.of(store.getFileStore().getFileName()).getFileName().toString();
        this.marks = store.openMap(MAP);
        this.segments = segments;
        this.spaceCheck = spaceCheck;
        this.halt = halt;
    }

    /** The file's name, as messages give it. */
    String name() {
        return name;
    }

    /** The last command the file's checkpoint holds; 0 when none. */
    long last() {
        return marks.getOrDefault(LAST, 0L);
    }

    /** The bytes a checkpoint of everything applied may need. */
    long needed() {
        return store.getUnsavedMemory() + MARGIN;
    }

    static String noRoom(String name, long needed, long usable) {
        return NO_ROOM + " " + name + " needs about " + needed + " bytes, the file system has " + usable;
    }

    /** Why a checkpoint cannot be stored now for want of room, or null. */
    String noRoom() {
        long needed = needed();
        long usable = spaceCheck ? segments.usableSpace() : Long.MAX_VALUE;
        return usable < needed ? noRoom(name, needed, usable) : null;
    }

    /** Stores everything applied, marked as holding the commands up to {@code upTo}; not yet synced. */
    void store(long upTo) {
        marks.put(LAST, upTo);
        try {
            store.commit();
        } catch (RuntimeException e) {
            // H2 closes a store whose commit failed: nothing more can be read or stored in it
            halt.halt("a checkpoint of " + name + " failed (" + reason(e) + ")", e);
            throw e;
        }
    }

    /** Syncs what {@link #store} wrote. */
    void sync() {
        try {
            store.sync();
        } catch (RuntimeException e) {
            halt.halt("a sync of " + name + " failed (" + reason(e) + ")", e);
            throw e;
        }
    }

    /** At a start: stores and syncs everything recovery applied; a failure stops the start. */
    void storeRecovered(long last) {
        marks.put(LAST, last);
        store.commit();
        store.sync();
    }

    /** Rewrites sparse chunks, if the file system has room for that, for at most a few seconds. */
    void compact() {
        try {
            int before = store.getFillRate();
            if (before < TARGET_FILL_RATE && segments.usableSpace() > 4L * COMPACT_BYTES) {
                long start = System.nanoTime();
                while (store.compact(TARGET_FILL_RATE, COMPACT_BYTES)
                        && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(3)) {
                    store.commit();
                }
                store.commit();
                store.sync();
                log.info("compacted the store while idle: fill rate {} % -> {} % in {} ms", before, store.getFillRate(),
                        (System.nanoTime() - start) / 1_000_000);
            }
        } catch (RuntimeException e) {
            halt.halt("a compaction of " + name + " failed (" + reason(e) + ")", e);
            throw e;
        }
    }

    /** A failure's message, with its root cause's where that says more (H2 wraps "No space left on device"). */
    private static String reason(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e || root.getMessage() == null ? String.valueOf(e.getMessage()) : e.getMessage() + ": " + root.getMessage();
    }
}
