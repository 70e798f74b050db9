package ledger.embedded;

import de.bwaldvogel.mongo.bson.Document;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/**
 * {@code ./run repair}: keeps everything the log holds before its damage, drops the rest (the damaged segments
 * are moved aside, renamed {@code *.damaged-<instant>}), says what was dropped, and records the repair in every
 * database with an event log, as a document of its {@code repairs} collection, so that what was published from
 * the dropped positions can be found. A damaged checkpoint cannot be rebuilt from the log: it says so.
 */
final class StoreRepair {

    static final String REPAIRS = "repairs";

    private StoreRepair() {
    }

    /** Repairs the data folder; the exit status (0 repaired or nothing to repair). */
    static int run(Path dataDir, WriteAheadLog.Options options, PrintStream out, PrintStream err) {
        EmbeddedMongo embedded;
        try {
            embedded = EmbeddedMongo.open(dataDir, options, WriteAheadLog.Mode.REPAIR);
        } catch (EmbeddedMongo.StoreInUse e) {
            err.println("repair: refused: " + e.getMessage() + "; stop the ledger first");
            return 1;
        } catch (EmbeddedMongo.CheckpointUnreadable e) {
            err.println("repair: cannot repair: " + e.getMessage());
            return 4;
        } catch (WalRecovery.Damaged e) {
            err.println("repair: cannot repair: " + e.getMessage() + ". The checkpoint does not fit the log, and the "
                    + "log cannot make up for it: restore the data folder from a backup");
            return 4;
        }
        try {
            WalRecovery.Loss loss = embedded.backend().repaired();
            if (loss == null) {
                out.println("repair: the write-ahead log in " + dataDir + " is intact: nothing to repair");
                return 0;
            }
            Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            List<String> databases = embedded.backend().eventLogDatabases();
            EmbeddedChannel channel = new EmbeddedChannel();
            for (String database : databases) {
                Document repair = document(now, loss, loss.positions.get(database));
                Document answer = embedded.backend().handleCommand(channel, database, "insert",
                        new Document("insert", REPAIRS).append("documents", List.of(repair)).append("$db", database));
                if (!(answer.get("ok") instanceof Number ok) || ok.doubleValue() != 1.0 || answer.containsKey("writeErrors")) {
                    throw new IllegalStateException("cannot record the repair in database '" + database + "': " + answer);
                }
            }
            embedded.backend().handleClose(channel);
            out.println("repair: " + loss.describe().replace("would be lost", "were dropped"));
            out.println("repair: kept everything before byte offset " + loss.at.offset() + " of " + loss.at.file().getFileName()
                    + "; the damaged segments are kept aside in " + dataDir + " as *.damaged-*");
            for (Map.Entry<String, long[]> dropped : loss.positions.entrySet()) {
                out.println("repair: database '" + dropped.getKey() + "': dropped event-log positions " + dropped.getValue()[0]
                        + " to " + dropped.getValue()[1] + "; reports published from them no longer verify");
            }
            out.println("repair: recorded as " + REPAIRS + " document '" + now + "' in "
                    + (databases.isEmpty() ? "no database (none has an event log)" : String.join(", ", databases)));
            return 0;
        } finally {
            embedded.stop();
        }
    }

    /** The repair as the query side reads it (droppedFrom/droppedTo only when events were dropped). */
    static Document document(Instant at, WalRecovery.Loss loss, long[] positions) {
        Document repair = new Document("_id", at.toString()).append("repairedAt", at)
                .append("file", loss.at.file().getFileName().toString()).append("offset", loss.at.offset())
                .append("droppedRecords", loss.records);
        if (positions != null) {
            repair.append("droppedFrom", positions[0]).append("droppedTo", positions[1]);
        }
        return repair.append("reason", loss.reason);
    }
}
