package ledger.query.projection;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import ledger.query.figures.DemandState;
import ledger.query.figures.Period;
import ledger.query.figures.PeriodFigures;
import ledger.query.figures.Row;
import org.bson.Document;

/**
 * The projection's collections in MongoDB, one set per generation: demands (what counts of each demand), the
 * rows' counts, the rows' accounts (how many of a row's demands name each pseudonym, in buckets by the
 * pseudonym's first two hex digits, so a row's accounts are a few hundred documents however many there are),
 * and per period a snapshot of its figures with the log position they include. Every read is by {@code _id}.
 *
 * <p>The demands collection holds the demands the projection folded one by one; a generation built by a
 * replay holds none at first. A demand without a document counts as its events in the log up to the
 * generation's position say: the log is the truth, the documents only spare reading it again.
 */
public final class FiguresStore {

    /** Every ISO 3166-1 alpha-2 code: a period's rows are read with one {@code $in} over these keys. */
    private static final String[] CODES = Locale.getISOCountries();

    private final MongoDatabase database;
    private final String generation;
    final MongoCollection<Document> demands;
    final MongoCollection<Document> accounts;
    final MongoCollection<Document> rows;
    final MongoCollection<Document> periods;
    final MongoCollection<Document> state;

    public FiguresStore(MongoDatabase database, String generation) {
        this.database = database;
        this.generation = generation;
        String prefix = "figures_" + generation + "_";
        this.demands = database.getCollection(prefix + "demands");
        this.accounts = database.getCollection(prefix + "accounts");
        this.rows = database.getCollection(prefix + "rows");
        this.periods = database.getCollection(prefix + "periods");
        this.state = database.getCollection(prefix + "state");
    }

    public String generation() {
        return generation;
    }

    MongoCollection<Document> collection(String name) {
        return switch (name) {
            case "demands" -> demands;
            case "accounts" -> accounts;
            case "rows" -> rows;
            default -> throw new IllegalArgumentException(name);
        };
    }

    /** The generation a collection of figures belongs to, or null if it is no generation's. */
    static String generationOf(String collectionName) {
        for (String kind : List.of("_demands", "_accounts", "_rows", "_periods", "_state")) {
            if (collectionName.startsWith("figures_") && collectionName.endsWith(kind) && collectionName.length() > 8 + kind.length()) {
                return collectionName.substring("figures_".length(), collectionName.length() - kind.length());
            }
        }
        return null;
    }

    /** Removes every collection of this generation. */
    public void drop() {
        java.util.Set<String> existing = database.listCollectionNames().into(new java.util.HashSet<>());
        for (MongoCollection<Document> c : List.of(demands, accounts, rows, periods, state)) {
            if (existing.contains(c.getNamespace().getCollectionName())) {
                c.drop();
            }
        }
    }

    /** The last log position whose events the figures include (0 before the first). */
    public long position() {
        Document d = state.find(new Document("_id", "position")).first();
        return d == null ? 0 : ((Number) d.get("position")).longValue();
    }

    /** The period's figures as last projected, and the log position they include. */
    public Snapshot figures(Period period) {
        long position = position();
        Document snapshot = periods.find(new Document("_id", period.toString())).first();
        if (snapshot == null) {
            return new Snapshot(position, PeriodFigures.of(period, List.of()));
        }
        List<Row> result = new ArrayList<>();
        for (Document d : snapshot.getList("rows", Document.class)) {
            result.add(row(d.getString("j"), d));
        }
        return new Snapshot(Math.max(position, ((Number) snapshot.get("position")).longValue()), PeriodFigures.of(period, result));
    }

    public record Snapshot(long position, PeriodFigures figures) {
    }

    /** The projected state of the given demands (those never projected are absent). */
    public Map<String, DemandState> demands(java.util.Collection<String> demandIds) {
        Map<String, DemandState> result = new HashMap<>();
        List<String> ids = new ArrayList<>(demandIds);
        // the embedded server matches each document found against the whole $in list: small lists
        for (int from = 0; from < ids.size(); from += 256) {
            byId(demands, ids.subList(from, Math.min(ids.size(), from + 256))).forEach((id, d) -> result.put(id, demandState(d)));
        }
        return result;
    }

    /** The rows of a period as they stand in the rows collection (not the served snapshot). */
    public List<Row> rows(Period period) {
        List<Row> result = new ArrayList<>();
        byId(rows, rowKeysOf(period.toString())).values().forEach(d -> result.add(row(d.getString("j"), d)));
        return result;
    }

    static List<String> rowKeysOf(String period) {
        List<String> keys = new ArrayList<>(CODES.length);
        for (String code : CODES) {
            keys.add(rowKey(period, code));
        }
        return keys;
    }

    static String rowKey(String period, String jurisdiction) {
        return period + "|" + jurisdiction;
    }

    /** The accounts document of a row that counts this pseudonym (pseudonyms are 64 hex digits). */
    static String bucketKey(String rowKey, String account) {
        return rowKey + "|" + account.substring(0, Math.min(2, account.length()));
    }

    static String rowKeyOfBucket(String bucketKey) {
        return bucketKey.substring(0, bucketKey.lastIndexOf('|'));
    }

    /**
     * Writes each period's snapshot from its rows as they stand, then the position: the snapshot is what
     * readers are served, and the position says which events it includes.
     */
    void writeSnapshots(java.util.Collection<String> periodKeys, long position) {
        for (String period : new java.util.TreeSet<>(periodKeys)) {
            List<Document> printed = new ArrayList<>();
            byId(rows, rowKeysOf(period)).values().stream()
                    .filter(d -> num(d, "requests") > 0)
                    .sorted(java.util.Comparator.comparing(d -> d.getString("j")))
                    .forEach(printed::add);
            periods.replaceOne(new Document("_id", period), new Document("_id", period).append("position", position).append("rows", printed),
                    UPSERT);
        }
        state.replaceOne(new Document("_id", "position"), new Document("_id", "position").append("position", position), UPSERT);
    }

    private static final com.mongodb.client.model.ReplaceOptions UPSERT = new com.mongodb.client.model.ReplaceOptions().upsert(true);

    static Map<String, Document> byId(MongoCollection<Document> collection, java.util.Collection<String> ids) {
        Map<String, Document> found = new HashMap<>();
        if (ids.isEmpty()) {
            return found;
        }
        for (Document d : collection.find(new Document("_id", new Document("$in", new ArrayList<>(ids))))) {
            found.put(d.getString("_id"), d);
        }
        return found;
    }

    static Document demandDocument(DemandState s) {
        return new Document("_id", s.demandId()).append("rt", s.receivedAt().toString()).append("j", s.jurisdiction())
                .append("a", s.accounts()).append("c", s.content()).append("s", s.subscriber())
                .append("n", s.noData()).append("r", s.rejected());
    }

    static DemandState demandState(Document d) {
        return new DemandState(d.getString("_id"), Instant.parse(d.getString("rt")), d.getString("j"),
                d.getList("a", String.class), d.getBoolean("c"), d.getBoolean("s"), d.getBoolean("n"), d.getBoolean("r"));
    }

    static Document rowDocument(String id, Row r) {
        return new Document("_id", id).append("j", r.jurisdiction()).append("requests", r.requests())
                .append("accounts", r.accounts()).append("content", r.content()).append("subscriberOnly", r.subscriberOnly())
                .append("noDataFound", r.noDataFound()).append("rejected", r.rejected()).append("pending", r.pending());
    }

    static Row row(String jurisdiction, Document d) {
        return new Row(jurisdiction, num(d, "requests"), num(d, "accounts"), num(d, "content"), num(d, "subscriberOnly"),
                num(d, "noDataFound"), num(d, "rejected"), num(d, "pending"));
    }

    static long num(Document d, String field) {
        Object v = d.get(field);
        return v == null ? 0 : ((Number) v).longValue();
    }
}
