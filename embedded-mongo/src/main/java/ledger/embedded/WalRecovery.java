package ledger.embedded;

import de.bwaldvogel.mongo.bson.Document;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Reads the log back at start and tells a torn tail from damage.
 *
 * <p>A torn tail is the end of the last segment written while the process died: a record that fails its
 * checksum (or runs past the file) with nothing valid after it, only zeros or the torn record's own bytes. It
 * was never synced, so never acknowledged, and is dropped. Anything else is damage and stops the start: a bad
 * record followed by a valid one (with a later ticket), a segment whose first record is not the one its name
 * says (out of order), tickets that skip (a missing segment), or a checkpoint that does not fit the segments
 * (the log starts after it, or ends before it). Recovery replays only what precedes the damage; the caller
 * decides whether to refuse the start or, repairing, to keep it.
 */
final class WalRecovery {

    /** Where the log was read up to; what follows it is dropped (a torn tail) or lost (damage). */
    record Position(Path file, long offset) {
    }

    /** What the log holds after the kept part, for the report: decoded from the records that are still valid. */
    static final class Loss {
        final Position at;
        final String reason;
        /** Records from the damage on: the bad one (if its bytes are there) and every valid one after it. */
        int records;
        final List<WalRecord> readable = new ArrayList<>();
        /** event_log positions per database, from the dropped inserts into it, and the kept end, once known. */
        final Map<String, long[]> positions = new TreeMap<>();
        /** Whether the damage is in the checkpoint itself: the log cannot repair that. */
        final boolean checkpointDamaged;

        Loss(Position at, String reason, boolean checkpointDamaged) {
            this.at = at;
            this.reason = reason;
            this.checkpointDamaged = checkpointDamaged;
        }

        /** Widens each database's dropped range down to just after the last position kept (the bad record's own). */
        void positionsAfter(Function<String, Long> keptEnd) {
            for (WalRecord record : readable) {
                eventPositions(record, positions);
            }
            for (Map.Entry<String, long[]> entry : positions.entrySet()) {
                Long kept = keptEnd.apply(entry.getKey());
                if (kept != null && kept + 1 < entry.getValue()[0]) {
                    entry.getValue()[0] = kept + 1;
                }
            }
        }

        String describe() {
            StringBuilder text = new StringBuilder();
            text.append(reason).append(" in ").append(at.file().getFileName()).append(" at byte offset ").append(at.offset())
                    .append(": ").append(records).append(records == 1 ? " logged write" : " logged writes")
                    .append(" from there on would be lost");
            if (positions.isEmpty()) {
                text.append(" (no event-log positions among those that can still be read)");
            }
            for (Map.Entry<String, long[]> entry : positions.entrySet()) {
                text.append("; database '").append(entry.getKey()).append("': event-log positions ")
                        .append(entry.getValue()[0]).append(" to ").append(entry.getValue()[1]);
            }
            return text.toString();
        }
    }

    /** The start is refused: the log or the checkpoint is damaged (a repair may keep what precedes it). */
    static final class Damaged extends RuntimeException {
        final transient Loss loss;

        Damaged(Loss loss) {
            super(loss.describe());
            this.loss = loss;
        }
    }

    /** A record's place in the log. */
    private record Found(Path file, int offset, int length, long ticket) {
    }

    private final List<Path> segments;
    private final long checkpoint;
    private final List<Found> kept = new ArrayList<>();
    private final List<ByteBuffer> contents = new ArrayList<>();
    /** The torn tail dropped, if any: where it starts and how many bytes it had. */
    Position tornAt;
    /** Damaged bytes among records the checkpoint already holds: skipped, nothing lost. */
    final List<Position> skipped = new ArrayList<>();
    long tornBytes;
    Loss loss;

    private WalRecovery(List<Path> segments, long checkpoint) {
        this.segments = segments;
        this.checkpoint = checkpoint;
    }

    /** Reads the segments (in their names' order) against the checkpoint's number. */
    static WalRecovery read(List<Path> segments, long checkpoint) {
        WalRecovery recovery = new WalRecovery(segments, checkpoint);
        recovery.scan();
        return recovery;
    }

    /** The last ticket of the kept part (the checkpoint's if the log adds nothing). */
    long last() {
        long last = checkpoint;
        for (Found found : kept) {
            last = Math.max(last, found.ticket);
        }
        return last;
    }

    /** Applies the kept records after the checkpoint, in order; returns how many. */
    long replay(WriteAheadLog.Replay replay) {
        long replayed = 0;
        for (Found found : kept) {
            if (found.ticket > checkpoint) {
                WalRecord record = WalRecord.decode(contents.get(segments.indexOf(found.file)), found.offset);
                replay.apply(record.database, record.command);
                replayed++;
            }
        }
        return replayed;
    }

    private void scan() {
        long expected = -1; // the next ticket, once one has been read
        long firstTicket = -1;
        for (int s = 0; s < segments.size() && loss == null; s++) {
            Path segment = segments.get(s);
            ByteBuffer log = read(segment);
            contents.add(log);
            long named = WalSegments.firstTicket(segment);
            int at = 0;
            boolean first = true;
            while (loss == null) {
                if (log.limit() - at <= 0 || WalRecord.zerosFrom(log, at)) {
                    break; // the end of what this segment holds
                }
                int length = WalRecord.validAt(log, at, Long.MIN_VALUE);
                if (length < 0) {
                    int resume = badRecord(s, at, expected - 1);
                    if (resume < 0) {
                        break;
                    }
                    expected = WalRecord.ticketAt(log, resume);
                    at = resume;
                    continue;
                }
                long ticket = WalRecord.ticketAt(log, at);
                if (first && ticket != named) {
                    loss = new Loss(new Position(segment, at), "the segment's first record is command " + ticket
                            + " where its name says " + named + " (a segment out of order or renamed)", false);
                    collectFrom(s, at, Long.MIN_VALUE);
                    break;
                }
                if (expected >= 0 && ticket != expected) {
                    loss = new Loss(new Position(segment, at), "the log skips from command " + (expected - 1) + " to "
                            + ticket + " (a segment is missing or out of order)", false);
                    loss.records = (int) Math.max(0, ticket - expected); // the commands missing, then those after
                    collectFrom(s, at, Long.MIN_VALUE);
                    break;
                }
                if (firstTicket < 0) {
                    firstTicket = ticket;
                }
                first = false;
                kept.add(new Found(segment, at, length, ticket));
                expected = ticket + 1;
                at += length;
            }
            if (first && loss == null && named >= 0) {
                // an empty segment: the next record would have been the one its name says
                if (expected >= 0 && named != expected) {
                    loss = new Loss(new Position(segment, 0), "the empty segment starts at command " + named
                            + " where the log goes on at " + expected + " (a segment is missing or out of order)", false);
                    collectFrom(s + 1, 0, Long.MIN_VALUE);
                }
                if (firstTicket < 0) {
                    firstTicket = named;
                }
                expected = named;
            }
        }
        if (loss == null && firstTicket > checkpoint + 1) {
            Path segment = segments.get(0);
            loss = new Loss(new Position(segment, 0), "the checkpoint holds commands up to " + checkpoint
                    + " but the log starts at command " + firstTicket + " (the checkpoint file is older than the log: "
                    + "damaged, or restored from a copy)", true);
            collectFrom(0, 0, Long.MIN_VALUE);
        } else if (loss == null && expected >= 0 && expected - 1 < checkpoint) {
            Path segment = segments.get(segments.size() - 1);
            loss = new Loss(new Position(segment, contents.get(contents.size() - 1).limit()), "the checkpoint holds commands up to "
                    + checkpoint + " but the log ends at command " + (expected - 1)
                    + " (segments are missing, or the checkpoint file is not this log's)", true);
        }
    }

    /**
     * A record at {@code at} fails: a torn tail if nothing valid follows, else damage; but damage to records the
     * checkpoint holds costs nothing: where the next valid record in this segment follows them, the scan goes on
     * there (the offset returned; -1 otherwise).
     */
    private int badRecord(int s, int at, long lastGood) {
        Path segment = segments.get(s);
        ByteBuffer log = contents.get(s);
        for (int next = at + 1; next <= log.limit() - WalRecord.HEADER; next++) {
            if (WalRecord.validAt(log, next, lastGood) >= 0) {
                if (WalRecord.ticketAt(log, next) - 1 <= checkpoint) {
                    skipped.add(new Position(segment, at));
                    return next;
                }
                break;
            }
        }
        Loss found = new Loss(new Position(segment, at), "a record fails its checksum", false);
        found.records = 1;
        collectAfter(found, s, at + 1, lastGood);
        if (found.records > 1) {
            loss = found;
            return -1;
        }
        tornAt = new Position(segment, at);
        int end = log.limit();
        while (end > at && log.get(end - 1) == 0) {
            end--;
        }
        tornBytes = end - at;
        return -1;
    }

    /** Damage found at a valid record: it and everything valid after it would be lost. */
    private void collectFrom(int s, int at, long after) {
        collectAfter(loss, s, at, after);
    }

    /** Counts (and decodes) every valid record with a ticket above {@code after}, from segment s at {@code at} on. */
    private void collectAfter(Loss into, int s, int at, long after) {
        for (int i = s; i < segments.size(); i++) {
            ByteBuffer log = i < contents.size() ? contents.get(i) : read(segments.get(i));
            if (i >= contents.size()) {
                contents.add(log);
            }
            int position = i == s ? at : 0;
            while (position <= log.limit() - WalRecord.HEADER) {
                int length = WalRecord.validAt(log, position, after);
                if (length < 0) {
                    position++;
                    continue;
                }
                into.records++;
                into.readable.add(WalRecord.decode(log, position));
                position += length;
            }
        }
    }

    /** Adds the event positions of an insert into {@code event_log} to its database's range. */
    static void eventPositions(WalRecord record, Map<String, long[]> ranges) {
        Document command = record.command;
        if (command.isEmpty() || !"insert".equals(command.keySet().iterator().next())
                || !"event_log".equals(command.get("insert")) || !(command.get("documents") instanceof List<?> documents)) {
            return;
        }
        for (Object value : documents) {
            if (value instanceof Document commit && commit.get("_id") instanceof Number id && commit.get("n") instanceof Number n
                    && n.longValue() > 0) {
                long from = id.longValue();
                long to = from + n.longValue() - 1;
                ranges.merge(record.database, new long[] {from, to},
                        (a, b) -> new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
            }
        }
    }

    private static ByteBuffer read(Path segment) {
        try {
            return ByteBuffer.wrap(Files.readAllBytes(segment));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the write-ahead log segment " + segment, e);
        }
    }
}
