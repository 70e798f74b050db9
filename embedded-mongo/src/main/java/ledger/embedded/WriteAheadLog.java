package ledger.embedded;

import de.bwaldvogel.mongo.bson.Document;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes every write durable before it is answered, with a write-ahead log ({@link WalRecord} records in
 * {@link WalSegments}, read back by {@link WalRecovery}): concurrent writes share one sync, and the H2 file is
 * written only at checkpoints, about once a second.
 *
 * <p>Writes are applied one at a time; each write command, as applied, is appended to the log under the same
 * lock, so the log holds them in the order they took effect. A writer is answered once the log is synced past
 * its command. A checkpoint ({@link Checkpoints}) stores whole commands in the H2 file, with the number of the
 * last one it holds; segments wholly before it are then deleted. After a crash the commands logged after the
 * checkpoint are applied again, in order, before the server listens. Replaying a command on the state it was
 * first applied to gives the same state: every write the ledger sends names its documents by key, and the
 * driver gives inserted documents their ids.
 *
 * <p>Reads take no lock, so they may see a write whose command is not synced yet. A read is answered only once
 * every write that had started before it ended is durable: a client never sees what a crash can take back.
 *
 * <p>Space: segments are preallocated, and the next one (the spare) is allocated ahead of need, so an append
 * cannot run out of space. A write is admitted only if its record's room is already allocated, and a
 * checkpoint runs only if the file system has room for it; otherwise writes are refused (disk full, 14031)
 * before they are applied, and allocation and checkpoint are retried every second: writes resume by
 * themselves once space is freed. A failed sync is never retried as though it had worked: the store halts (96),
 * nobody waiting on it is acknowledged, and a restart recovers what is on disk.
 */
final class WriteAheadLog implements AutoCloseable {

    /** Applies one logged command again during recovery. */
    interface Replay {
        void apply(String database, Document command);
    }

    /** The log's settings: the size of its segments, and the faults a test injects ({@link Faults#NONE} otherwise). */
    record Options(long segmentBytes, Faults faults) {
        static final long DEFAULT_SEGMENT_BYTES = 16L << 20;

        Options(long segmentBytes) {
            this(segmentBytes, Faults.NONE);
        }

        static Options defaults() {
            String configured = System.getenv("WAL_SEGMENT_BYTES");
            return new Options(configured == null || configured.isBlank() ? DEFAULT_SEGMENT_BYTES : Long.parseLong(configured.trim()));
        }
    }

    /**
     * The log's fault-injection points, for tests only: how its files are opened (a test's fail to write or sync
     * on demand), and whether a checkpoint first checks that the file system has room for it (a test turns the
     * check off to make a checkpoint run out of space).
     */
    record Faults(WalSegments.Opener opener, boolean checkpointSpaceCheck) {
        static final Faults NONE = new Faults(WalSegments.FILES, true);
        static final Faults NO_CHECKPOINT_SPACE_CHECK = new Faults(WalSegments.FILES, false);

        static Faults opening(WalSegments.Opener opener) {
            return new Faults(opener, true);
        }
    }

    /** Whether recovery refuses damage (a start) or keeps what precedes it (a repair). */
    enum Mode { START, REPAIR }

    private static final Logger log = LoggerFactory.getLogger(WriteAheadLog.class);
    private static final long CHECKPOINT_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long CHECKPOINT_AT_BYTES = 64L << 20;
    private static final long RETRY_MILLIS = 1000;
    /** How a write that found the disk full says it is held up (until the write goes through). */
    private static final String SEGMENT_WRITE_BLOCKED = "cannot write the write-ahead log segment ";
    private static final long IDLE_BEFORE_COMPACTING_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final long SLOW_CHECKPOINT_MILLIS = 50;
    private static final int BATCH_BYTES = 1 << 16;
    private static final int KEEP_BATCH_BYTES = 1 << 20;

    private final MVStore store;
    private final Checkpoints checkpoints;
    private final WalSegments segments;
    private final ReentrantLock apply = new ReentrantLock();
    private final Object monitor = new Object();
    private final Thread syncer;
    private final Thread allocator;
    private final ByteBuf scratch = Unpooled.buffer(1 << 16);
    private final WalRecovery.Loss repaired;

    // guarded by monitor
    private long started;
    private long durable;
    private ByteBuf pending = Unpooled.buffer(BATCH_BYTES);
    /** the batch last written, cleared for reuse: a sync allocates no buffer of its own */
    private ByteBuf spareBatch;
    private long pendingUpTo;
    /** where in the pending batch the records placed in the spare segment begin, or -1 */
    private int pendingBreak = -1;
    /** bytes left in the segment the next record goes to */
    private long room;
    private boolean spareReady;
    private boolean spareClaimed;
    private boolean needSpare;
    private String allocationFailure;
    /** why the syncer cannot go on for now (a checkpoint or an append without space), or null */
    private String blocked;
    private boolean refusing;
    private long refusedSince;
    private long refusedWrites;
    private volatile StoreRefusal halted;
    private boolean closed;
    /** set when the server stops: a wait for space gives up, so that nobody waits on it past the stop */
    private volatile boolean stopping;
    private long lastWriteNanos = System.nanoTime();
    private boolean compactedSinceLastWrite = true;

    // the syncer's own
    private WalSegments.LogFile current;
    private Path currentPath;
    private long position;
    private final Deque<Closed> closedSegments = new ArrayDeque<>();
    private long bytesSinceCheckpoint;
    private long checkpointed;
    private long lastCheckpointNanos = System.nanoTime();

    private record Closed(Path path, long lastTicket) {
    }

    /**
     * Recovers the log in {@code dir} onto the store and starts it. At a start, damage throws
     * {@link WalRecovery.Damaged} with the store left as it was; at a repair, what precedes the damage is kept,
     * the rest moved aside, and {@link #repaired()} says what was dropped.
     */
    WriteAheadLog(MVStore store, Path dir, Options options, Mode mode, Replay replay, Function<String, Long> keptEnd) {
        this.store = store;
        this.segments = new WalSegments(dir, options.segmentBytes(), options.faults().opener());
        this.checkpoints = new Checkpoints(store, segments, options.faults().checkpointSpaceCheck(), this::halt);
        this.repaired = recover(mode, replay, keptEnd);
        this.syncer = new Thread(this::syncLoop, "write-ahead-log");
        syncer.setDaemon(true);
        this.allocator = new Thread(this::allocateLoop, "write-ahead-log-allocator");
        allocator.setDaemon(true);
        syncer.start();
        allocator.start();
    }

    /** At a repair, what was dropped; else null. */
    WalRecovery.Loss repaired() {
        return repaired;
    }

    // ---------------------------------------------------------------- writing and reading

    /**
     * Applies a write command and answers once it is durable; refused before it is applied if the log has no
     * room allocated for a record of up to {@code bound} bytes, or the store is halted.
     */
    <T> T write(String database, Document command, long bound, Supplier<T> operation) {
        long ticket = 0;
        while (true) {
            lockToApply();
            boolean admitted = false;
            try {
                synchronized (monitor) {
                    admitted = admit(bound);
                    if (admitted) {
                        ticket = ++started;
                    }
                }
            } finally {
                if (!admitted) {
                    apply.unlock();
                }
            }
            if (admitted) {
                break;
            }
            // the next segment is being allocated: wait for it without holding up a checkpoint
            synchronized (monitor) {
                if (!spareReady && allocationFailure == null && halted == null) {
                    waitOnMonitor(RETRY_MILLIS);
                }
            }
        }
        try {
            try {
                return operation.get();
            } finally {
                // the command as applied (an insert's documents carry the ids the server gave them)
                ByteBuf record = WalRecord.encode(scratch, ticket, database, command);
                synchronized (monitor) {
                    place(record.readableBytes());
                    pending.writeBytes(record);
                    pendingUpTo = ticket;
                    lastWriteNanos = System.nanoTime();
                    compactedSinceLastWrite = false;
                    monitor.notifyAll();
                }
            }
        } finally {
            apply.unlock();
            awaitDurable(ticket);
        }
    }

    /** Runs a read and answers once every write it may have seen is durable. */
    <T> T read(Supplier<T> operation) {
        StoreRefusal stopped = halted;
        if (stopped != null && store.isClosed()) {
            throw stopped; // a failed checkpoint closed the store: nothing can be read from it any more
        }
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

    /**
     * Under the monitor and the apply lock: whether a record of {@code bound} bytes has its room allocated
     * (false: wait, the next segment is being allocated); throws if the store refuses writes.
     */
    private boolean admit(long bound) {
        if (halted != null) {
            throw halted;
        }
        if (bound > segments.segmentBytes()) {
            throw StoreRefusal.tooLarge("the write's log record may take " + bound + " bytes, more than a write-ahead "
                    + "log segment holds (" + segments.segmentBytes() + " bytes, WAL_SEGMENT_BYTES): send it in smaller batches");
        }
        boolean fits = bound <= room || (spareReady && !spareClaimed);
        String reason = blocked != null ? blocked : fits ? null : allocationFailure;
        if (reason == null) {
            if (fits && refusing) {
                refusing = false;
                log.info("space freed: writes are accepted again ({} refused in {} s)", refusedWrites,
                        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - refusedSince));
                refusedWrites = 0;
            }
            return fits;
        }
        throw refuse(reason);
    }

    /** Under the monitor: a refusal for want of space, said once when refusals begin. */
    private StoreRefusal refuse(String reason) {
        refusedWrites++;
        startRefusing(reason);
        return StoreRefusal.diskFull(reason);
    }

    /** Writes are refused from now on until space is freed; said once, when refusals begin. */
    private void startRefusing(String reason) {
        if (!refusing) {
            refusing = true;
            refusedSince = System.nanoTime();
            log.warn("disk full: {}; writes are refused (14031) until space is freed, reads go on", reason);
        }
    }

    /**
     * Takes the lock writes are applied under; while the syncer holds it waiting for space (a checkpoint whose
     * append found none), the write is refused rather than left waiting.
     */
    private void lockToApply() {
        try {
            while (!apply.tryLock(100, TimeUnit.MILLISECONDS)) {
                synchronized (monitor) {
                    if (halted != null) {
                        throw halted;
                    }
                    if (blocked != null) {
                        throw refuse(blocked);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to write", e);
        }
    }

    /** Under the monitor: places a record of {@code size} bytes after those pending, in this segment or the spare. */
    private void place(int size) {
        if (size <= room) {
            room -= size;
        } else if (spareReady && !spareClaimed && size <= segments.segmentBytes()) {
            spareClaimed = true;
            pendingBreak = pending.writerIndex();
            room = segments.segmentBytes() - size;
        } else {
            // admitted with a bound its record exceeds: it is applied but cannot be logged
            halt("a record of " + size + " bytes has no room in the write-ahead log", null);
        }
    }

    private void awaitDurable(long ticket) {
        synchronized (monitor) {
            boolean interrupted = false;
            while (durable < ticket && halted == null) {
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
                throw halted;
            }
        }
    }

    /** Under the monitor. */
    private void waitOnMonitor(long millis) {
        try {
            monitor.wait(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the write-ahead log", e);
        }
    }

    /** Stops taking writes for good; everyone waiting on what is not durable is answered with the reason. */
    private void halt(String why, Throwable cause) {
        synchronized (monitor) {
            if (halted == null) {
                halted = StoreRefusal.halted(why);
                log.error("store halted: {}; writes are refused (96) and nothing not yet synced is acknowledged; "
                        + "restart to recover what is on disk", why, cause);
            }
            monitor.notifyAll();
        }
    }

    /** After {@link #close}: whether the last checkpoint holds everything applied, so the store may be closed normally. */
    boolean checkpointedAll() {
        synchronized (monitor) {
            return halted == null && checkpointed == started;
        }
    }

    // ---------------------------------------------------------------- the syncer: log syncs and checkpoints

    private record Batch(ByteBuf bytes, long upTo, int breakAt) {
    }

    /** Under the monitor: takes what is pending, and the spare with it if records were placed there. */
    private Batch takePending() {
        Batch batch = new Batch(pending, pendingUpTo, pendingBreak);
        ByteBuf next = spareBatch != null ? spareBatch : Unpooled.buffer(BATCH_BYTES);
        spareBatch = null;
        pending = next;
        if (pendingBreak >= 0) {
            spareReady = false;
            spareClaimed = false;
            pendingBreak = -1;
        }
        return batch;
    }

    private void recycle(ByteBuf batch) {
        if (batch.capacity() <= KEEP_BATCH_BYTES) {
            synchronized (monitor) {
                spareBatch = batch.clear();
            }
        }
    }

    private void syncLoop() {
        try {
            while (true) {
                Batch batch;
                boolean checkpoint;
                boolean compact;
                boolean last;
                synchronized (monitor) {
                    while (true) {
                        if (halted != null) {
                            return;
                        }
                        checkpoint = started > checkpointed && (closed || bytesSinceCheckpoint >= CHECKPOINT_AT_BYTES
                                || closedSegments.size() > 1 || System.nanoTime() - lastCheckpointNanos >= CHECKPOINT_EVERY_NANOS);
                        compact = !checkpoint && started == checkpointed && !compactedSinceLastWrite && blocked == null
                                && System.nanoTime() - lastWriteNanos >= IDLE_BEFORE_COMPACTING_NANOS;
                        if (pending.isReadable() || checkpoint || compact || closed) {
                            break;
                        }
                        monitor.wait(checkpointed < started ? 100 : 500);
                    }
                    last = closed;
                    batch = takePending();
                    compactedSinceLastWrite |= compact;
                }
                if (batch.bytes().isReadable()) {
                    append(batch);
                    sync();
                    markDurable(batch.upTo());
                }
                recycle(batch.bytes());
                if (checkpoint) {
                    checkpoint();
                } else if (compact) {
                    compact();
                }
                if (last) {
                    return; // one last checkpoint was tried; what it could not store, the log holds
                }
            }
        } catch (Throwable e) {
            halt("the write-ahead log failed (" + e + ")", e);
        }
    }

    /** Writes a batch after what the current segment holds, going on in the spare where records were placed there. */
    private void append(Batch batch) {
        ByteBuf bytes = batch.bytes();
        if (batch.breakAt() >= 0) {
            if (batch.breakAt() > bytes.readerIndex()) {
                write(bytes, bytes.readerIndex(), batch.breakAt());
            }
            long firstTicket = bytes.getLong(batch.breakAt() + 4);
            try {
                if (current != null) {
                    // the segment is whole before the next one holds anything: a torn tail is only ever the last
                    sync();
                    current.close();
                    closedSegments.add(new Closed(currentPath, firstTicket - 1));
                }
                currentPath = segments.takeSpare(firstTicket);
                current = segments.open(currentPath);
                position = 0;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open the next write-ahead log segment", e);
            }
            synchronized (monitor) {
                needSpare = true;
                monitor.notifyAll();
            }
            write(bytes, batch.breakAt(), bytes.writerIndex());
        } else {
            write(bytes, bytes.readerIndex(), bytes.writerIndex());
        }
    }

    /**
     * Writes bytes at the segment's end. Inside a preallocated segment this needs no space; a file system that
     * needs some anyway (copy-on-write) may answer ENOSPC: the same bytes are then written again at the same
     * place every second until they fit, new writes refused meanwhile, so a partial append is overwritten,
     * never left behind.
     */
    private void write(ByteBuf bytes, int from, int to) {
        while (true) {
            try {
                current.write(bytes.nioBuffer(from, to - from), position);
                break;
            } catch (IOException e) {
                if (!WalSegments.isDiskFull(e)) {
                    throw new UncheckedIOException("cannot write the write-ahead log segment " + currentPath.getFileName(), e);
                }
                synchronized (monitor) {
                    blocked = SEGMENT_WRITE_BLOCKED + currentPath.getFileName() + " (" + e.getMessage() + ")";
                    waitOnMonitor(RETRY_MILLIS);
                    if (halted != null || closed || stopping) {
                        throw new IllegalStateException("stopped while the disk is full: the log keeps what was synced", e);
                    }
                }
            }
        }
        unblock(SEGMENT_WRITE_BLOCKED);
        position += to - from;
        bytesSinceCheckpoint += to - from;
    }

    /** Syncs the current segment; a failure halts the store: what the sync covered may or may not be on disk. */
    private void sync() {
        try {
            current.force();
        } catch (IOException e) {
            halt("a sync of " + currentPath.getFileName() + " failed (" + e.getMessage() + ")", e);
            throw new IllegalStateException("halted", e);
        }
    }

    private void markDurable(long upTo) {
        synchronized (monitor) {
            durable = Math.max(durable, upTo);
            monitor.notifyAll();
        }
    }

    /**
     * Stores everything applied so far in the H2 file, marked with the last command it holds, if the file
     * system has room for it; then deletes the segments wholly before it.
     */
    private void checkpoint() {
        long upTo;
        apply.lock();
        long locked = System.nanoTime();
        try {
            Batch rest;
            synchronized (monitor) {
                upTo = started;
                rest = takePending();
            }
            if (rest.bytes().isReadable()) {
                append(rest);
                sync();
            }
            recycle(rest.bytes());
            // everything up to here is in the log: its writers (and readers) need not wait for the checkpoint
            markDurable(upTo);
            lastCheckpointNanos = System.nanoTime();
            String noRoom = checkpoints.noRoom();
            if (noRoom != null) {
                block(noRoom);
                return;
            }
            checkpoints.store(upTo);
            unblock(Checkpoints.NO_ROOM);
        } finally {
            apply.unlock();
        }
        long held = (System.nanoTime() - locked) / 1_000_000;
        if (held >= SLOW_CHECKPOINT_MILLIS) {
            log.info("a checkpoint held writes up for {} ms (up to command {})", held, upTo);
        }
        checkpoints.sync();
        checkpointed = upTo;
        bytesSinceCheckpoint = 0;
        deleteClosedSegments();
    }

    private void block(String why) {
        synchronized (monitor) {
            blocked = why;
        }
    }

    private void unblock(String startingWith) {
        synchronized (monitor) {
            if (blocked != null && blocked.startsWith(startingWith)) {
                blocked = null;
                monitor.notifyAll();
            }
        }
    }

    private void deleteClosedSegments() {
        while (!closedSegments.isEmpty() && closedSegments.peekFirst().lastTicket() <= checkpointed && current != null) {
            try {
                Files.deleteIfExists(closedSegments.peekFirst().path());
            } catch (IOException e) {
                log.warn("cannot delete the write-ahead log segment {}", closedSegments.peekFirst().path(), e);
                return;
            }
            closedSegments.removeFirst();
        }
    }

    /** Rewrites sparse chunks ({@link Checkpoints#compact}); writes wait meanwhile, for at most a few seconds. */
    private void compact() {
        apply.lock();
        try {
            checkpoints.compact();
        } finally {
            apply.unlock();
        }
    }

    // ---------------------------------------------------------------- the allocator: the next segment, ahead of need

    private void allocateLoop() {
        while (true) {
            synchronized (monitor) {
                while (!needSpare && !closed && halted == null) {
                    waitOnMonitor(0);
                }
                if (closed || halted != null) {
                    return;
                }
            }
            String failure = null;
            try {
                segments.allocateSpare();
            } catch (IOException | RuntimeException e) {
                if (!WalSegments.isDiskFull(e) && segments.usableSpace() >= segments.segmentBytes()) {
                    halt("cannot allocate the next write-ahead log segment (" + e + ")", e);
                    return;
                }
                failure = "cannot allocate the next write-ahead log segment (" + segments.segmentBytes() + " bytes) in "
                        + segments.dir() + ": " + e.getMessage();
            }
            synchronized (monitor) {
                allocationFailure = failure;
                if (failure == null) {
                    needSpare = false;
                    spareReady = true;
                }
                monitor.notifyAll();
                if (failure != null) {
                    waitOnMonitor(RETRY_MILLIS);
                }
            }
        }
    }

    // ---------------------------------------------------------------- recovery

    /**
     * Applies the commands logged after the file's last checkpoint, checkpoints them, and opens a fresh segment;
     * a torn tail is dropped (and said), damage refuses the start (or, repairing, is moved aside).
     */
    private WalRecovery.Loss recover(Mode mode, Replay replay, Function<String, Long> keptEnd) {
        long checkpoint = checkpoints.last();
        List<Path> found = segments.list();
        WalRecovery recovery = WalRecovery.read(found, checkpoint);
        if (recovery.loss != null && recovery.loss.checkpointDamaged) {
            throw new WalRecovery.Damaged(recovery.loss);
        }
        long replayed = recovery.replay(replay);
        long last = recovery.last();
        WalRecovery.Loss loss = recovery.loss;
        if (loss != null) {
            loss.positionsAfter(keptEnd);
            if (mode == Mode.START) {
                throw new WalRecovery.Damaged(loss);
            }
        }
        for (WalRecovery.Position damaged : recovery.skipped) {
            log.warn("the write-ahead log segment {} is damaged at byte offset {}, among commands the checkpoint already "
                    + "holds (up to {}): skipped, nothing lost", damaged.file().getFileName(), damaged.offset(), checkpoint);
        }
        if (recovery.tornAt != null) {
            log.warn("dropped the end of the write-ahead log that was never synced: {} bytes at byte offset {} of {} "
                    + "(a write cut off by a crash; it was never acknowledged)", recovery.tornBytes, recovery.tornAt.offset(),
                    recovery.tornAt.file().getFileName());
        }
        if (replayed > 0) {
            log.info("applied {} commands logged after the last checkpoint ({} .. {})", replayed, checkpoint + 1, last);
        }
        started = last;
        durable = last;
        checkpointed = checkpoint;
        try {
            if (recovery.tornAt != null && loss == null) {
                zeroTornTail(recovery.tornAt, recovery.tornBytes);
            }
            long needed = checkpoints.needed();
            if (segments.usableSpace() >= needed) {
                checkpoints.storeRecovered(last);
                checkpointed = last;
                if (loss != null) {
                    // what precedes the damage is in the checkpoint now; the segments are kept for whoever wants
                    // to look at them, no longer part of the log
                    String aside = ".damaged-" + java.time.Instant.now().toString().replace(':', '-');
                    for (Path segment : found) {
                        Files.move(segment, segment.resolveSibling(segment.getFileName() + aside));
                    }
                    segments.syncDirectory();
                    found = List.of();
                }
                for (Path segment : found) {
                    Files.delete(segment);
                }
            } else {
                if (loss != null) {
                    throw new IOException("disk full: no room for the repair's checkpoint of " + checkpoints.name()
                            + " (about " + needed + " bytes); nothing was changed");
                }
                blocked = Checkpoints.noRoom(checkpoints.name(), needed, segments.usableSpace());
                for (Path segment : found) {
                    closedSegments.add(new Closed(segment, last));
                }
            }
            openFirstSegment(last + 1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return loss;
    }

    /** Overwrites a dropped torn tail with zeros, so that nothing written after it can be taken for damage. */
    private void zeroTornTail(WalRecovery.Position at, long bytes) throws IOException {
        try (WalSegments.LogFile file = segments.open(at.file())) {
            file.write(java.nio.ByteBuffer.allocate((int) bytes), at.offset());
            file.force();
        }
    }

    /** The segment the first write goes to: the spare left by the last run, else a new one; none if there is no room. */
    private void openFirstSegment(long firstTicket) throws IOException {
        Path spare = segments.spare();
        if (Files.exists(spare) && Files.size(spare) != segments.segmentBytes()) {
            Files.delete(spare);
        }
        try {
            if (!Files.exists(spare)) {
                segments.allocateSpare();
            }
            currentPath = segments.takeSpare(firstTicket);
            current = segments.open(currentPath);
            position = 0;
            room = segments.segmentBytes();
        } catch (IOException e) {
            if (!WalSegments.isDiskFull(e)) {
                throw e;
            }
            // no room for a segment: the server starts, refusing writes until the allocator makes one
            allocationFailure = "cannot allocate a write-ahead log segment (" + segments.segmentBytes() + " bytes) in "
                    + segments.dir() + ": " + e.getMessage();
            startRefusing(allocationFailure);
            current = null;
            room = 0;
        }
        needSpare = true;
    }

    // ---------------------------------------------------------------- closing

    /** The server is stopping: an append waiting for space gives up (its writers are answered 96; the log keeps what was synced). */
    void stopping() {
        stopping = true;
        synchronized (monitor) {
            monitor.notifyAll();
        }
    }

    /** Why writes are refused for want of space now, or null ({@link DurableBackend#refusing}). */
    String refusing() {
        synchronized (monitor) {
            return blocked != null ? blocked : refusing ? allocationFailure : null;
        }
    }

    /**
     * Waits for a last checkpoint of everything applied, then stops: the log's files are deleted if the checkpoint
     * holds everything, else kept with what it could not store.
     */
    @Override
    public void close() {
        synchronized (monitor) {
            if (closed) {
                return;
            }
            closed = true;
            monitor.notifyAll();
        }
        try {
            syncer.join(TimeUnit.SECONDS.toMillis(60));
            allocator.join(TimeUnit.SECONDS.toMillis(10));
            if (current != null) {
                current.close();
            }
            if (checkpointedAll() && !syncer.isAlive() && !allocator.isAlive()) {
                // the checkpoint holds everything: a clean stop leaves no log (the next start allocates it again)
                for (Closed old : closedSegments) {
                    Files.deleteIfExists(old.path());
                }
                if (currentPath != null) {
                    Files.deleteIfExists(currentPath);
                }
                Files.deleteIfExists(segments.spare());
                segments.syncDirectory();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            log.warn("cannot close the write-ahead log", e);
        }
    }
}
