package ledger.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * The log's files in the data folder: segments named {@code ledger-wal-<ticket of their first record>.log},
 * each preallocated to its full size with zeros when created, so an append inside a segment needs no new
 * space; and the spare, the next segment allocated ahead of need.
 */
final class WalSegments {

    static final String PREFIX = "ledger-wal-";
    static final String SUFFIX = ".log";
    static final String SPARE = "ledger-wal.spare";
    private static final int ZEROS = 1 << 20;

    /** A log file as the log uses it ({@link WriteAheadLog.Faults#opener} opens them). */
    interface LogFile extends AutoCloseable {
        void write(ByteBuffer bytes, long position) throws IOException;

        /** Makes what was written durable (fdatasync). */
        void force() throws IOException;

        @Override
        void close() throws IOException;
    }

    /** Opens a log file for writing (created if missing): {@link #FILES}, or a test's that fail on demand. */
    interface Opener {
        LogFile open(Path path) throws IOException;
    }

    static final Opener FILES = path -> {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        return new LogFile() {
            @Override
            public void write(ByteBuffer bytes, long position) throws IOException {
                while (bytes.hasRemaining()) {
                    position += channel.write(bytes, position);
                }
            }

            @Override
            public void force() throws IOException {
                channel.force(false);
            }

            @Override
            public void close() throws IOException {
                channel.close();
            }
        };
    };

    private final Path dir;
    private final long segmentBytes;
    private final Opener opener;

    WalSegments(Path dir, long segmentBytes, Opener opener) {
        this.dir = dir;
        this.segmentBytes = segmentBytes;
        this.opener = opener;
    }

    Path dir() {
        return dir;
    }

    long segmentBytes() {
        return segmentBytes;
    }

    LogFile open(Path segment) throws IOException {
        return opener.open(segment);
    }

    static String name(long firstTicket) {
        return PREFIX + String.format("%019d", firstTicket) + SUFFIX;
    }

    static boolean isSegment(Path path) {
        String name = path.getFileName().toString();
        return name.startsWith(PREFIX) && name.endsWith(SUFFIX);
    }

    /** The ticket a segment's name says its first record has, or -1 if the name is not a segment's. */
    static long firstTicket(Path segment) {
        String name = segment.getFileName().toString();
        try {
            return Long.parseLong(name.substring(PREFIX.length(), name.length() - SUFFIX.length()));
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** The segments, in the order of their names. */
    List<Path> list() {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(WalSegments::isSegment).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    Path spare() {
        return dir.resolve(SPARE);
    }

    /**
     * Writes the spare: a file of zeros of the segment size, synced, then renamed into place, so a spare that
     * exists is whole. On failure nothing is left behind.
     */
    void allocateSpare() throws IOException {
        Path partial = dir.resolve(SPARE + ".partial");
        try {
            try (LogFile file = opener.open(partial)) {
                ByteBuffer zeros = ByteBuffer.allocate(ZEROS);
                for (long at = 0; at < segmentBytes; at += ZEROS) {
                    file.write(zeros.clear().limit((int) Math.min(ZEROS, segmentBytes - at)), at);
                }
                file.force();
            }
            Files.move(partial, spare(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            syncDirectory();
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(partial);
            throw e;
        }
    }

    /** Renames the spare to the segment starting at {@code firstTicket}, its name synced. */
    Path takeSpare(long firstTicket) throws IOException {
        Path segment = dir.resolve(name(firstTicket));
        Files.move(spare(), segment, StandardCopyOption.ATOMIC_MOVE);
        syncDirectory();
        return segment;
    }

    void syncDirectory() {
        try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
            directory.force(true);
        } catch (IOException ignored) {
            // not every file system lets a directory be synced
        }
    }

    /** Whether the failure is the file system being full (Linux: ENOSPC, "No space left on device"). */
    static boolean isDiskFull(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            String message = cause.getMessage();
            if (message != null && (message.contains("No space left on device") || message.contains("Disk quota exceeded")
                    || message.contains("There is not enough space on the disk"))) {
                return true;
            }
        }
        return false;
    }

    /** Bytes the data folder's file system still has for us, or Long.MAX_VALUE if it cannot say. */
    long usableSpace() {
        try {
            return Files.getFileStore(dir).getUsableSpace();
        } catch (IOException e) {
            return Long.MAX_VALUE;
        }
    }
}
