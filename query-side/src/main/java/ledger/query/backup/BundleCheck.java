package ledger.query.backup;

import static ledger.query.backup.BackupTool.FAILED;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import ledger.logbundle.BundleBroken;
import ledger.logbundle.BundleEvents;
import ledger.logbundle.BundleReader;
import ledger.logbundle.BundleRecord;
import ledger.logbundle.LogRecord;
import ledger.query.audit.Recount;
import ledger.query.backup.BackupTool.Stop;
import ledger.query.figures.DemandState;
import ledger.query.figures.Period;
import ledger.query.log.Repairs;
import org.bson.Document;

/** The check of a backup's bundle, by a backup once written and by a restore before anything is stored. */
final class BundleCheck {

    private BundleCheck() {
    }

    /** What the check of a bundle found: each period's digest, the reports it pins, the repairs on record. */
    record Checked(Map<Period, String> digests, List<Map<String, Object>> reports, int repairs) {
    }

    /**
     * The bundle read from the disk: the chain recomputed line by line, its end the head's position and hash, each
     * report's {@code logHash} the hash at its position (unless a repair on record dropped it), every period recounted.
     */
    static Checked check(Path bundle, long position, String hash, List<Document> reports, List<Document> repairs, Progress progress)
            throws IOException, Stop {
        Map<Long, List<Document>> pinned = new HashMap<>();
        for (Document report : reports) {
            long at = ((Number) report.get("position")).longValue();
            if (at > position) {
                throw new Stop(FAILED, "report " + report.get("_id") + " is at position " + at + ", after the bundle's end " + position);
            }
            pinned.computeIfAbsent(at, p -> new ArrayList<>()).add(report);
        }
        List<Repairs.Repair> known = repairs.stream().map(Repairs.Repair::of).toList();
        Recount recount = new Recount();
        BundleEvents events = new BundleEvents();
        try (InputStream in = Files.newInputStream(bundle); BundleReader reader = new BundleReader(in)) {
            BundleRecord record;
            while ((record = reader.next()) != null) {
                recount.apply(record.demandId(), events.event(record));
                for (Document report : pinned.getOrDefault(record.position(), List.of())) {
                    Object logHash = report.get("logHash");
                    if (logHash != null && !logHash.equals(LogRecord.text(record.hash())) && !BackupRecords.droppedByRepair(report, known)) {
                        throw new Stop(FAILED, "report " + report.get("_id") + " pins " + logHash + " at position " + record.position()
                                + ", where the bundle has " + LogRecord.text(record.hash()));
                    }
                }
                if ((record.position() & 0x3fff) == 0) {
                    progress.at(record.position());
                }
            }
            progress.done(reader.position());
            if (reader.position() != position || !LogRecord.text(reader.hash()).equals(hash)) {
                throw new Stop(FAILED, "the bundle ends at position " + reader.position() + " with " + LogRecord.text(reader.hash())
                        + ", not at the head " + position + " " + hash);
            }
        } catch (BundleBroken e) {
            throw new Stop(FAILED, bundle + " is broken at line " + e.line() + ": " + e.reason());
        }
        Map<Period, String> digests = new TreeMap<>();
        for (Period period : new TreeSet<>(recount.demands().values().stream().map(DemandState::period).toList())) {
            digests.put(period, recount.figures(period).digest());
        }
        List<Map<String, Object>> summaries = new ArrayList<>();
        for (Document report : reports) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("period", report.get("period"));
            s.put("version", report.get("version"));
            s.put("position", ((Number) report.get("position")).longValue());
            s.put("logHash", report.get("logHash"));
            summaries.add(s);
        }
        return new Checked(digests, summaries, repairs.size());
    }
}
