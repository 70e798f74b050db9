package ledger.query.log;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The repairs of a damaged write-ahead log, as {@code ./run repair} records them in the collection {@code repairs}:
 * everything after the damage was dropped, and new events then take the dropped positions again. Never silent: the
 * log's verification lists them, a report published before a repair at or after its first dropped position says it
 * no longer verifies, and a start with repairs on record logs a warning. Read at each use: the collection is a few
 * documents at most, and a restore writes it while the ledger runs.
 */
@Component
public class Repairs {

    private static final Logger log = LoggerFactory.getLogger(Repairs.class);
    /** The collection {@code ./run repair} writes and a backup carries. */
    public static final String COLLECTION = "repairs";

    private final MongoCollection<Document> repairs;

    Repairs(MongoDatabase ledgerDatabase) {
        this.repairs = ledgerDatabase.getCollection(COLLECTION);
    }

    /** One repair: when, which positions it dropped (null when it dropped no event), and why. */
    public record Repair(Instant repairedAt, Long droppedFrom, Long droppedTo, String reason) {

        /** What an answer shows of it: no file name or offset of the store's own files. */
        public Map<String, Object> summary() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("repairedAt", repairedAt == null ? null : repairedAt.toString());
            m.put("droppedFrom", droppedFrom);
            m.put("droppedTo", droppedTo);
            m.put("reason", reason);
            return m;
        }

        /** A repair as stored: {@code repairedAt} a date or an ISO instant (else the {@code _id}'s), the positions numbers. */
        public static Repair of(Document d) {
            return new Repair(instant(d.get("repairedAt"), d.get("_id")), number(d.get("droppedFrom")), number(d.get("droppedTo")),
                    d.get("reason") instanceof String reason ? reason : null);
        }

        /** Whether it dropped the event at {@code position} of a report published at {@code publishedAt}. */
        boolean broke(long position, Instant publishedAt) {
            return droppedFrom != null && position >= droppedFrom
                    && (publishedAt == null || repairedAt == null || publishedAt.isBefore(repairedAt));
        }
    }

    /** Every repair on record, the earliest first. */
    public List<Repair> all() {
        List<Repair> found = new ArrayList<>();
        for (Document d : repairs.find()) {
            found.add(Repair.of(d));
        }
        found.sort(Comparator.comparing(Repair::repairedAt, Comparator.nullsFirst(Comparator.naturalOrder())));
        return found;
    }

    /**
     * The first repair that dropped the event a report published at {@code publishedAt} (an ISO instant, null if
     * unknown) was pinned to, at {@code position}: that report no longer verifies, whatever now stands there.
     */
    public Optional<Repair> breaking(long position, String publishedAt) {
        return breaking(all(), position, publishedAt);
    }

    /** {@link #breaking(long, String)} among repairs already read (a listing of many reports reads them once). */
    public static Optional<Repair> breaking(List<Repair> known, long position, String publishedAt) {
        Instant published = null;
        try {
            published = publishedAt == null ? null : Instant.parse(publishedAt);
        } catch (java.time.format.DateTimeParseException e) {
            // unknown: judged by position alone
        }
        for (Repair repair : known) {
            if (repair.broke(position, published)) {
                return Optional.of(repair);
            }
        }
        return Optional.empty();
    }

    @EventListener(ApplicationReadyEvent.class)
    void warnAtStart() {
        List<Repair> found = all();
        if (found.isEmpty()) {
            return;
        }
        List<String> each = found.stream().map(r -> r.repairedAt() + ": " + (r.droppedFrom() == null ? "no event dropped"
                : "positions " + r.droppedFrom() + " to " + r.droppedTo() + " dropped") + " (" + r.reason() + ")").toList();
        log.warn("the log was repaired {} time(s) after damage, and new events took the dropped positions again: {}; reports "
                + "published before a repair at or after its first dropped position no longer verify (GET /api/log/verification "
                + "lists the repairs)", found.size(), String.join("; ", each));
    }

    private static Instant instant(Object value, Object id) {
        if (value instanceof Date date) {
            return date.toInstant();
        }
        Object text = value instanceof String ? value : id;
        try {
            return text instanceof String s ? Instant.parse(s) : null;
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    private static Long number(Object value) {
        return value instanceof Number n ? n.longValue() : null;
    }
}
