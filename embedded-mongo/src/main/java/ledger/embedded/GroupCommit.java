package ledger.embedded;

import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.bson.BsonDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes every write durable before it is answered, with a write-ahead log: concurrent writes share one sync,
 * and the H2 file is written only at checkpoints, about once a second.
 *
 * <p>Writes are applied one at a time; each write command, as applied, is appended to the log under the same
 * lock, so the log holds them in the order they took effect. A writer is answered once the log is synced past
 * its command. Committing the H2 file for every few writes would rewrite the same pages (the end of the event
 * log, its index pages, the projection's documents) hundreds of times a second; a checkpoint writes them
 * once: under the lock, so it stores whole commands, with the number of the last command it holds. After a
 * crash, the file holds the last checkpoint, and the commands logged after it are applied again, in order,
 * before the server listens. Replaying a command on the state it was first applied to gives the same state:
 * every write the ledger sends names its documents by key, and the driver gives inserted documents their ids.
 *
 * <p>Reads take no lock, so they may see a write whose command is not synced yet. If the server died before
 * that sync, a client would have seen an event the log no longer holds, and may have counted it or appended
 * after it. So a read is answered only once every write that had started before it ended is durable: a client
 * never sees anything a crash can take back (what read concern {@code majority} gives on MongoDB).
 *
 * <p>When the store has been idle for a while, sparse chunks are rewritten, so that space freed by overwritten
 * and dropped documents is reused instead of the file growing.
 */
final class GroupCommit implements AutoCloseable {

    /** Applies one logged command again during recovery. */
    interface Replay {
        void apply(String database, Document command);
    }

    private static final Logger log = LoggerFactory.getLogger(GroupCommit.class);
    static final String SEGMENT_PREFIX = "ledger-wal-";
    static final String SEGMENT_SUFFIX = ".log";
    private static final String CHECKPOINT_MAP = "_wal";
    private static final String CHECKPOINT_KEY = "checkpoint";
    private static final long CHECKPOINT_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long CHECKPOINT_AT_SEGMENT_BYTES = 64L << 20;
    private static final long IDLE_BEFORE_COMPACTING_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final int TARGET_FILL_RATE = 80;
    private static final int COMPACT_BYTES = 16 << 20;
    private static final int RECORD_HEADER = 4 + 8 + 4;
    private static final long SLOW_CHECKPOINT_MILLIS = 50;
    private static final int BATCH_BYTES = 1 << 16;
    private static final int KEEP_BATCH_BYTES = 1 << 20;

    private final MVStore store;
    private final MVMap<String, Long> checkpoints;
    private final Path dir;
    private final ReentrantLock apply = new ReentrantLock();
    private final Object monitor = new Object();
    private final Thread syncer;
    private final ByteBuf scratch = Unpooled.buffer(1 << 16);

    // guarded by monitor
    private long started;
    private long durable;
    private ByteBuf pending = Unpooled.buffer(BATCH_BYTES);
    /** the batch last written, cleared for reuse: a fresh buffer for every sync was most of the syncer's memory zeroing */
    private ByteBuf spare;
    private long pendingUpTo;
    private boolean closed;
    private RuntimeException failure;
    private long lastWriteNanos = System.nanoTime();
    private boolean compactedSinceLastWrite = true;

    // the syncer's own
    private FileChannel segment;
    private Path segmentPath;
    private long segmentBytes;
    private long checkpointed;
    private long lastCheckpointNanos = System.nanoTime();

    GroupCommit(MVStore store, Path dir, Replay replay) {
        this.store = store;
        this.dir = dir;
        this.checkpoints = store.openMap(CHECKPOINT_MAP);
        recover(replay);
        this.syncer = new Thread(this::syncLoop, "write-ahead-log");
        syncer.setDaemon(true);
        syncer.start();
    }

    // ---------------------------------------------------------------- writing and reading

    /** Applies a write command and answers once it is durable. */
    <T> T write(String database, Document command, Supplier<T> operation) {
        long ticket;
        apply.lock();
        synchronized (monitor) {
            ticket = ++started;
        }
        try {
            try {
                return operation.get();
            } finally {
                // the command as applied (an insert's documents carry the ids the server gave them)
                ByteBuf record = record(ticket, database, command);
                synchronized (monitor) {
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

    /**
     * length of what follows the header, ticket, CRC of ticket and body; body: database name, command (BSON).
     * Written in the applier's own buffer, which the next write reuses: the caller copies it out first.
     */
    private ByteBuf record(long ticket, String database, Document command) {
        ByteBuf record = scratch.clear().writerIndex(RECORD_HEADER);
        byte[] name = database.getBytes(StandardCharsets.UTF_8);
        record.writeShort(name.length).writeBytes(name);
        Bson.writeDocument(command, record);
        int length = record.writerIndex() - RECORD_HEADER;
        record.setInt(0, length).setLong(4, ticket).setInt(12, crc(ticket, record.nioBuffer(RECORD_HEADER, length)));
        return record;
    }

    private static int crc(long ticket, ByteBuffer body) {
        CRC32C crc = new CRC32C();
        crc.update(ByteBuffer.allocate(8).putLong(0, ticket));
        crc.update(body);
        return (int) crc.getValue();
    }

    // ---------------------------------------------------------------- the syncer: log syncs and checkpoints

    private void syncLoop() {
        try {
            while (true) {
                ByteBuf batch;
                long upTo;
                boolean checkpoint;
                boolean compact = false;
                synchronized (monitor) {
                    while (true) {
                        checkpoint = started > checkpointed && (closed || segmentBytes >= CHECKPOINT_AT_SEGMENT_BYTES
                                || System.nanoTime() - lastCheckpointNanos >= CHECKPOINT_EVERY_NANOS);
                        compact = !checkpoint && started == checkpointed && !compactedSinceLastWrite
                                && System.nanoTime() - lastWriteNanos >= IDLE_BEFORE_COMPACTING_NANOS;
                        if (pending.isReadable() || checkpoint || compact || (closed && started == checkpointed)) {
                            break;
                        }
                        monitor.wait(checkpointed < started ? 100 : 500);
                    }
                    if (closed && started == checkpointed && !pending.isReadable()) {
                        return;
                    }
                    batch = pending;
                    upTo = pendingUpTo;
                    pending = emptyBatch();
                    compactedSinceLastWrite |= compact;
                }
                if (batch.isReadable()) {
                    append(batch);
                    segment.force(false);
                    markDurable(upTo);
                }
                recycle(batch);
                if (checkpoint) {
                    checkpoint();
                } else if (compact) {
                    compact();
                }
            }
        } catch (Throwable e) {
            log.error("the store cannot write: writes are refused from now on", e);
            synchronized (monitor) {
                failure = new IllegalStateException("the embedded store cannot write: " + e, e);
                monitor.notifyAll();
            }
        }
    }

    /** Under the monitor. */
    private ByteBuf emptyBatch() {
        ByteBuf batch = spare != null ? spare : Unpooled.buffer(BATCH_BYTES);
        spare = null;
        return batch;
    }

    private void recycle(ByteBuf batch) {
        if (batch.capacity() <= KEEP_BATCH_BYTES) {
            synchronized (monitor) {
                spare = batch.clear();
            }
        }
    }

    private void append(ByteBuf batch) throws IOException {
        ByteBuffer bytes = batch.nioBuffer();
        segmentBytes += bytes.remaining();
        while (bytes.hasRemaining()) {
            segment.write(bytes);
        }
    }

    private void markDurable(long upTo) {
        synchronized (monitor) {
            durable = Math.max(durable, upTo);
            monitor.notifyAll();
        }
    }

    /**
     * Stores everything applied so far in the H2 file, marked with the last command it holds, and starts a new
     * log segment; the old segments go once the file is synced.
     */
    private void checkpoint() throws IOException {
        long upTo;
        List<Path> done = new ArrayList<>();
        apply.lock();
        long locked = System.nanoTime();
        try {
            ByteBuf rest;
            synchronized (monitor) {
                upTo = started;
                rest = pending;
                pending = emptyBatch();
            }
            if (rest.isReadable()) {
                append(rest);
            }
            recycle(rest);
            // everything up to here is in the log: its writers (and readers) need not wait for the checkpoint
            segment.force(false);
            markDurable(upTo);
            checkpoints.put(CHECKPOINT_KEY, upTo);
            store.commit();
            done.add(segmentPath);
            segment.close();
            openSegment(upTo + 1);
        } finally {
            apply.unlock();
        }
        long held = (System.nanoTime() - locked) / 1_000_000;
        if (held >= SLOW_CHECKPOINT_MILLIS) {
            log.info("a checkpoint held writes up for {} ms (up to command {})", held, upTo);
        }
        store.sync();
        checkpointed = upTo;
        lastCheckpointNanos = System.nanoTime();
        for (Path old : done) {
            Files.deleteIfExists(old);
        }
    }

    private void openSegment(long firstTicket) throws IOException {
        segmentPath = dir.resolve(SEGMENT_PREFIX + String.format("%019d", firstTicket) + SEGMENT_SUFFIX);
        segment = FileChannel.open(segmentPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        segmentBytes = 0;
        // the new name must survive a crash before the old segments are deleted
        try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
            directory.force(true);
        } catch (IOException ignored) {
            // not every file system lets a directory be synced
        }
    }

    /** Rewrites sparse chunks; writes wait meanwhile, for at most a few seconds. */
    private void compact() {
        apply.lock();
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
            apply.unlock();
        }
    }

    // ---------------------------------------------------------------- recovery

    /** Applies the commands logged after the file's last checkpoint, then checkpoints and starts a fresh log. */
    private void recover(Replay replay) {
        long checkpoint = checkpoints.getOrDefault(CHECKPOINT_KEY, 0L);
        long last = checkpoint;
        long replayed = 0;
        List<Path> segments = segments();
        for (Path path : segments) {
            try {
                ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(path));
                while (bytes.remaining() >= RECORD_HEADER) {
                    int length = bytes.getInt();
                    long ticket = bytes.getLong();
                    int crc = bytes.getInt();
                    if (length < 0 || length > bytes.remaining()) {
                        break; // torn: the crash came while this record was written; it was never answered
                    }
                    ByteBuffer body = bytes.slice(bytes.position(), length);
                    bytes.position(bytes.position() + length);
                    if (crc(ticket, body.duplicate()) != crc) {
                        break;
                    }
                    if (ticket <= last) {
                        continue; // in the checkpoint already
                    }
                    if (ticket != last + 1) {
                        throw new IllegalStateException("the write-ahead log " + path + " skips from command " + last + " to " + ticket);
                    }
                    ByteBuf in = Unpooled.wrappedBuffer(body);
                    String database = in.readCharSequence(in.readShort(), StandardCharsets.UTF_8).toString();
                    replay.apply(database, BsonDecoder.decodeBson(in));
                    last = ticket;
                    replayed++;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the write-ahead log " + path, e);
            }
        }
        started = last;
        durable = last;
        checkpointed = last;
        checkpoints.put(CHECKPOINT_KEY, last);
        store.commit();
        store.sync();
        try {
            for (Path path : segments) {
                Files.delete(path);
            }
            openSegment(last + 1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (replayed > 0) {
            log.info("applied {} commands logged after the last checkpoint ({} .. {})", replayed, checkpoint + 1, last);
        }
    }

    private List<Path> segments() {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith(SEGMENT_PREFIX)
                    && p.getFileName().toString().endsWith(SEGMENT_SUFFIX)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    // ---------------------------------------------------------------- closing

    /** Waits for a last checkpoint of everything applied, then stops; the log segment is removed. */
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
            segment.close();
            if (failure == null) {
                Files.deleteIfExists(segmentPath);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            log.warn("cannot close the write-ahead log", e);
        }
    }
}
