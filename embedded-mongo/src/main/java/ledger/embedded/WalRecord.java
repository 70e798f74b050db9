package ledger.embedded;

import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.bson.BsonDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * One logged write command: a header of the body's length (int), the command's ticket (long) and the CRC32C of
 * ticket and body (int), then the body: the database's name (a short length, UTF-8) and the command as BSON.
 * A length of zero is never written: preallocated space is zeros, so a zero header marks the end of the log.
 */
final class WalRecord {

    static final int HEADER = 4 + 8 + 4;
    /** Larger than any command the wire protocol lets through (48 MB), so a damaged length cannot pass for one. */
    static final int MAX_BODY = 64 << 20;

    final long ticket;
    final String database;
    final Document command;

    private WalRecord(long ticket, String database, Document command) {
        this.ticket = ticket;
        this.database = database;
        this.command = command;
    }

    /** Writes the record into {@code into} (cleared first) and returns it; the caller copies it out. */
    static ByteBuf encode(ByteBuf into, long ticket, String database, Document command) {
        ByteBuf record = into.clear().writerIndex(HEADER);
        byte[] name = database.getBytes(StandardCharsets.UTF_8);
        record.writeShort(name.length).writeBytes(name);
        Bson.writeDocument(command, record);
        int length = record.writerIndex() - HEADER;
        record.setInt(0, length).setLong(4, ticket).setInt(12, crc(ticket, record.nioBuffer(HEADER, length)));
        return record;
    }

    static int crc(long ticket, ByteBuffer body) {
        CRC32C crc = new CRC32C();
        crc.update(ByteBuffer.allocate(8).putLong(0, ticket));
        crc.update(body);
        return (int) crc.getValue();
    }

    /**
     * The whole length (header and body) of a valid record at {@code at} whose ticket is above {@code after},
     * or -1: a record is valid when its length fits what is left and its checksum matches.
     */
    static int validAt(ByteBuffer log, int at, long after) {
        if (log.limit() - at < HEADER) {
            return -1;
        }
        int length = log.getInt(at);
        long ticket = log.getLong(at + 4);
        if (length <= 2 || length > MAX_BODY || length > log.limit() - at - HEADER || ticket <= after) {
            return -1;
        }
        return crc(ticket, log.slice(at + HEADER, length)) == log.getInt(at + 12) ? HEADER + length : -1;
    }

    static long ticketAt(ByteBuffer log, int at) {
        return log.getLong(at + 4);
    }

    /** Decodes the valid record at {@code at}. */
    static WalRecord decode(ByteBuffer log, int at) {
        int length = log.getInt(at);
        ByteBuf in = Unpooled.wrappedBuffer(log.slice(at + HEADER, length));
        String database = in.readCharSequence(in.readShort(), StandardCharsets.UTF_8).toString();
        return new WalRecord(log.getLong(at + 4), database, BsonDecoder.decodeBson(in));
    }

    /** Whether the bytes from {@code at} to the end are all zero: preallocated space never written. */
    static boolean zerosFrom(ByteBuffer log, int at) {
        for (int i = at; i < log.limit(); i++) {
            if (log.get(i) != 0) {
                return false;
            }
        }
        return true;
    }
}
