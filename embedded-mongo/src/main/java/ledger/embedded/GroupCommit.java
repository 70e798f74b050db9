package ledger.embedded;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes every write durable before it is answered, and lets concurrent writes share one commit and one sync;
 * and answers a read only once what it may have seen is durable too.
 *
 * <p>A write runs under the shared side of a lock; a commit takes the exclusive side, so what it stores is
 * always whole operations (a document together with its index entries), in the order they were applied:
 * the file after any crash holds a prefix of the answered writes and more, never a torn one, and needs no
 * repair. The commit writes the changed pages to the file; the sync then forces them to the disk outside
 * the lock, while the next writes are applied. A writer is answered once a sync has covered it.
 *
 * <p>Reads take no lock, so they may see a write that is not synced yet. If the server died before that
 * sync, a client would have seen an event the log then no longer holds, and may have counted it or
 * appended after it. So a read is answered only once every write that had started before it ended is durable:
 * a client never sees anything a crash can take back (what a read concern {@code majority} gives on MongoDB).
 *
 * <p>When the store has been idle for a while, the committer rewrites sparse chunks, so that space freed by
 * overwritten and dropped documents is reused instead of the file growing.
 */
final class GroupCommit implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GroupCommit.class);
    private static final long IDLE_BEFORE_COMPACTING_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final int TARGET_FILL_RATE = 80;
    private static final int COMPACT_BYTES = 16 << 20;

    private final MVStore store;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Object monitor = new Object();
    private final Thread committer;
    /** Writes started so far; each takes the next number when it starts. Guarded by monitor. */
    private long started;
    /** Writes covered by a commit and a sync. Guarded by monitor. */
    private long durable;
    private boolean closed;
    private RuntimeException failure;
    private long commits;
    private long lastWriteNanos = System.nanoTime();
    private boolean compactedSinceLastWrite = true;

    GroupCommit(MVStore store) {
        this.store = store;
        this.committer = new Thread(this::commitLoop, "group-commit");
        committer.setDaemon(true);
        committer.start();
    }

    /** Applies a write and answers once it is on disk. */
    <T> T write(Supplier<T> operation) {
        long ticket;
        lock.readLock().lock();
        synchronized (monitor) {
            ticket = ++started;
            lastWriteNanos = System.nanoTime();
            compactedSinceLastWrite = false;
        }
        try {
            return operation.get();
        } finally {
            lock.readLock().unlock();
            synchronized (monitor) {
                monitor.notifyAll();
            }
            awaitDurable(ticket);
        }
    }

    /** Runs a read and answers once every write it may have seen is on disk. */
    <T> T read(Supplier<T> operation) {
        try {
            return operation.get();
        } finally {
            long seen;
            synchronized (monitor) {
                seen = started;
            }
            awaitDurable(seen);
        }
    }

    private void awaitDurable(long ticket) {
        synchronized (monitor) {
            if (durable >= ticket) {
                return;
            }
            boolean interrupted = false;
            while (durable < ticket && failure == null) {
                try {
                    monitor.wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            if (durable < ticket) {
                throw failure;
            }
        }
    }

    private void commitLoop() {
        try {
            while (true) {
                boolean compact = false;
                synchronized (monitor) {
                    while (started == durable && !closed && !compact) {
                        monitor.wait(500);
                        compact = started == durable && !compactedSinceLastWrite
                                && System.nanoTime() - lastWriteNanos >= IDLE_BEFORE_COMPACTING_NANOS;
                    }
                    if (closed && started == durable) {
                        return;
                    }
                    compactedSinceLastWrite |= compact;
                }
                if (compact) {
                    compact();
                    continue;
                }
                long target;
                lock.writeLock().lock();
                try {
                    synchronized (monitor) {
                        // the exclusive lock: every write started so far has finished
                        target = started;
                    }
                    store.commit();
                } finally {
                    lock.writeLock().unlock();
                }
                store.sync();
                synchronized (monitor) {
                    durable = target;
                    commits++;
                    monitor.notifyAll();
                }
            }
        } catch (Throwable e) {
            log.error("the store cannot commit: writes are refused from now on", e);
            synchronized (monitor) {
                failure = new IllegalStateException("the embedded store cannot commit: " + e, e);
                monitor.notifyAll();
            }
        }
    }

    /** Rewrites sparse chunks; writes wait meanwhile, for at most a few seconds. */
    private void compact() {
        lock.writeLock().lock();
        try {
            int before = store.getFillRate();
            if (before < TARGET_FILL_RATE) {
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
        } finally {
            lock.writeLock().unlock();
        }
    }

    long commits() {
        synchronized (monitor) {
            return commits;
        }
    }

    /** Waits for the writes applied so far to be durable, then stops the committer. */
    @Override
    public void close() {
        synchronized (monitor) {
            closed = true;
            monitor.notifyAll();
        }
        try {
            committer.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
