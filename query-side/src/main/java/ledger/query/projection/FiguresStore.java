package ledger.query.projection;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import ledger.events.LegalProcess;
import ledger.query.figures.DemandState;
import ledger.query.figures.HandlingRow;
import ledger.query.figures.Period;
import ledger.query.figures.PeriodCounts;
import ledger.query.figures.PeriodFigures;
import ledger.query.figures.Row;
import org.bson.Document;

/**
 * The projection's collections in MongoDB, one set per generation: demands (what counts of each demand), rows,
 * accounts, and per period a snapshot of its figures with the log position they include. Every read is by
 * {@code _id}.
 *
 * <p>A row document {@code period|CC} holds a jurisdiction's counts and, under {@code lp}, its counts by legal
 * process; {@code period|*} holds the counts by legal process across jurisdictions, national-security kinds
 * included (counting rules 15-16). An accounts document {@code period|xyz} holds the period's pseudonyms
 * beginning with those three hex digits, each with the number of the period's demands naming it per
 * jurisdiction and legal process ({@code CC|PROCESS}): all a pseudonym's memberships are in one document, so a
 * batch learns from it whether the pseudonym enters or leaves any row's distinct accounts, and a period's
 * accounts are at most 4,096 documents however many there are. A jurisdiction's row document also holds, under
 * {@code h}, its handling row (counting rules 18-19): its counts and the number of its responded demands per whole
 * hour to a first response.
 *
 * <p>The demands collection holds the demands the projection folded one by one; a generation built by a
 * replay holds none at first. A demand without a document counts as its events in the log up to the
 * generation's position say: the log is the truth, the documents only spare reading it again.
 */
public final class FiguresStore {

    /**
     * The layout of the documents above, kept with the position. Generations written before the tables by legal
     * process (no shape) held only per-jurisdiction rows and accounts per row, those of shape 2 no handling rows;
     * they are rebuilt from the log.
     */
    static final int SHAPE = 3;

    /** Every ISO 3166-1 alpha-2 code: a period's rows are read with one {@code $in} over these keys. */
    private static final String[] CODES = Locale.getISOCountries();

    /** The row document of a period's counts by legal process across jurisdictions. */
    static final String ALL_JURISDICTIONS = "*";

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

    /** Whether the documents are laid out as this build writes them: true of a generation nothing was written to yet. */
    boolean ofCurrentShape() {
        return ofCurrentShape(state.find(new Document("_id", "position")).first());
    }

    private static boolean ofCurrentShape(Document progress) {
        return progress == null || num(progress, "shape") == SHAPE;
    }

    /**
     * A period's counts as last projected, and the log position they include; {@code byLegalProcess} is false
     * when the generation predates the tables by legal process (it is being rebuilt), so only its
     * per-jurisdiction figures can be trusted.
     */
    public Snapshot snapshot(Period period) {
        Document progress = state.find(new Document("_id", "position")).first();
        long position = progress == null ? 0 : num(progress, "position");
        boolean byLegalProcess = ofCurrentShape(progress);
        Document snapshot = periods.find(new Document("_id", period.toString())).first();
        if (snapshot == null) {
            return new Snapshot(position, PeriodCounts.empty(period), byLegalProcess);
        }
        List<Document> rowDocs = new ArrayList<>(snapshot.getList("rows", Document.class));
        Document all = snapshot.get("all", Document.class);
        if (all != null) {
            rowDocs.add(all);
        }
        return new Snapshot(Math.max(position, num(snapshot, "position")), counts(period, rowDocs), byLegalProcess);
    }

    /** A period's counts and the position they include. */
    public record Snapshot(long position, PeriodCounts counts, boolean byLegalProcess) {

        /** The per-jurisdiction table, printed anew on each call. */
        public PeriodFigures figures() {
            return counts.byJurisdiction();
        }
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

    /** A period's counts as they stand in the rows collection (not the served snapshot). */
    public PeriodCounts rows(Period period) {
        return counts(period, new ArrayList<>(byId(rows, rowKeysOf(period.toString())).values()));
    }

    private static PeriodCounts counts(Period period, List<Document> rowDocs) {
        Map<String, Row> jurisdictions = new HashMap<>();
        Map<String, Map<LegalProcess, Row>> narrowed = new HashMap<>();
        Map<LegalProcess, Row> processes = new EnumMap<>(LegalProcess.class);
        Map<String, HandlingRow> handling = new HashMap<>();
        for (Document d : rowDocs) {
            StoredRow r = storedRow(d);
            if (r.jurisdiction().equals(ALL_JURISDICTIONS)) {
                processes.putAll(r.byProcess());
            } else if (!r.counts().equals(Row.empty(r.jurisdiction())) || !r.byProcess().isEmpty()) {
                // rows left without demands by corrections are kept, with nothing in them
                jurisdictions.put(r.jurisdiction(), r.counts());
                narrowed.put(r.jurisdiction(), r.byProcess());
            }
            if (!r.jurisdiction().equals(ALL_JURISDICTIONS) && r.handling().requests() > 0) {
                handling.put(r.jurisdiction(), r.handling());
            }
        }
        return new PeriodCounts(period, jurisdictions, narrowed, processes, handling);
    }

    static List<String> rowKeysOf(String period) {
        List<String> keys = new ArrayList<>(CODES.length + 1);
        for (String code : CODES) {
            keys.add(rowKey(period, code));
        }
        keys.add(rowKey(period, ALL_JURISDICTIONS));
        return keys;
    }

    static String rowKey(String period, String jurisdiction) {
        return period + "|" + jurisdiction;
    }

    /** The accounts document of a period that holds this pseudonym (pseudonyms are 64 hex digits). */
    static String bucketKey(String period, String account) {
        return period + "|" + account.substring(0, Math.min(3, account.length()));
    }

    static String periodOfKey(String key) {
        return key.substring(0, key.indexOf('|'));
    }

    /** A pseudonym's membership in an accounts document: named by a demand of this jurisdiction and legal process. */
    static String membership(String jurisdiction, LegalProcess process) {
        return jurisdiction + "|" + process.name();
    }

    /**
     * A pseudonym's memberships as an accounts document keeps them: {@code US|SUBPOENA} for one demand,
     * {@code US|SUBPOENA=2;DE|OTHER} for more. A string rather than a nested document: a replay writes one per
     * pseudonym, and a nested document costs the embedded server an object of its own to decode, keep and
     * encode again. Nested documents written by earlier builds are read as they are.
     */
    static Object storedMemberships(Document memberships) {
        return countsText(memberships);
    }

    /** The memberships {@link #storedMemberships} keeps, as counts by membership; null for none stored. */
    static Document memberships(Object stored) {
        if (stored == null || stored instanceof Document) {
            return (Document) stored;
        }
        Document memberships = new Document();
        readCounts((String) stored, memberships::put);
        return memberships;
    }

    /** Counts by key as one string: {@code key=count} pairs joined by {@code ;}, a count of 1 written as its key alone. */
    private static String countsText(Map<?, ?> counts) {
        StringBuilder text = new StringBuilder();
        counts.forEach((key, count) -> {
            if (!text.isEmpty()) {
                text.append(';');
            }
            text.append(key);
            long n = ((Number) count).longValue();
            if (n != 1) {
                text.append('=').append(n);
            }
        });
        return text.toString();
    }

    /** Each key and count of a {@link #countsText}, in order. */
    private static void readCounts(String text, java.util.function.BiConsumer<String, Long> each) {
        int from = 0;
        while (from < text.length()) {
            int end = text.indexOf(';', from);
            if (end < 0) {
                end = text.length();
            }
            int equals = text.indexOf('=', from);
            if (equals < 0 || equals > end) {
                each.accept(text.substring(from, end), 1L);
            } else {
                each.accept(text.substring(from, equals), Long.parseLong(text, equals + 1, end, 10));
            }
            from = end + 1;
        }
    }

    /**
     * An accounts document: its pseudonyms, each with its memberships (as counts, or already stored by
     * {@link #storedMemberships}), as one string, a line {@code <pseudonym> <stored memberships>} each. One string
     * rather than a field per pseudonym: the embedded server decodes, keeps and encodes again every field of a
     * document it stores (a replay writes tens of thousands of pseudonyms, and each batch of live events rewrites
     * the documents it touches).
     */
    static Document bucketDocument(String key, Map<String, ?> membershipsByPseudonym) {
        StringBuilder k = new StringBuilder(membershipsByPseudonym.size() * 84);
        membershipsByPseudonym.forEach((pseudonym, stored) -> {
            Object memberships = stored instanceof Document nested ? storedMemberships(nested) : stored;
            k.append(pseudonym).append(' ').append(memberships).append('\n');
        });
        return new Document("_id", key).append("k", k.toString());
    }

    /**
     * The pseudonyms of an accounts document with their stored memberships, in a document of their own; an
     * earlier build's document (a field per pseudonym, memberships nested or not) is read as it is.
     */
    static Document pseudonyms(Document bucket) {
        Object k = bucket.get("k");
        if (k instanceof Document nested) {
            return new Document(nested);
        }
        String text = (String) k;
        Document pseudonyms = new Document();
        int from = 0;
        while (from < text.length()) {
            int space = text.indexOf(' ', from);
            int end = text.indexOf('\n', space);
            pseudonyms.put(text.substring(from, space), text.substring(space + 1, end));
            from = end + 1;
        }
        return pseudonyms;
    }

    /**
     * Writes each period's snapshot from its rows as they stand, then the position (with the shape): the
     * snapshot is what readers are served, and the position says which events it includes.
     */
    void writeSnapshots(java.util.Collection<String> periodKeys, long position) {
        for (String period : new java.util.TreeSet<>(periodKeys)) {
            List<Document> printed = new ArrayList<>();
            Document all = new Document("_id", rowKey(period, ALL_JURISDICTIONS)).append("j", ALL_JURISDICTIONS);
            for (Document d : byId(rows, rowKeysOf(period)).values()) {
                if (ALL_JURISDICTIONS.equals(d.getString("j"))) {
                    all = d;
                } else if (num(d, "requests") > 0) {
                    printed.add(d);
                }
            }
            printed.sort(java.util.Comparator.comparing(d -> d.getString("j")));
            periods.replaceOne(new Document("_id", period), new Document("_id", period).append("position", position).append("rows", printed)
                    .append("all", all), UPSERT);
        }
        state.replaceOne(new Document("_id", "position"), new Document("_id", "position").append("position", position)
                .append("shape", SHAPE), UPSERT);
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

    /** A demand's document; what rules 18-19 count of it only where there is something ({@code du}, {@code fr}, {@code nd}, {@code un}). */
    static Document demandDocument(DemandState s) {
        Document d = new Document("_id", s.demandId()).append("rt", s.receivedAt().toString()).append("j", s.jurisdiction())
                .append("lp", s.legalProcess().name()).append("a", s.accounts()).append("c", s.content()).append("s", s.subscriber())
                .append("n", s.noData()).append("r", s.rejected());
        if (s.dueAt() != null) {
            d.append("du", s.dueAt().toString());
        }
        if (s.firstResponse() != null) {
            d.append("fr", s.firstResponse().toString());
        }
        if (s.nonDisclosureOrder()) {
            d.append("nd", true);
        }
        if (s.userNotified()) {
            d.append("un", true);
        }
        return d;
    }

    static DemandState demandState(Document d) {
        return new DemandState(d.getString("_id"), Instant.parse(d.getString("rt")), d.getString("j"), LegalProcess.valueOf(d.getString("lp")),
                d.getList("a", String.class), d.getBoolean("c"), d.getBoolean("s"), d.getBoolean("n"), d.getBoolean("r"),
                instant(d.getString("du")), instant(d.getString("fr")), d.getBoolean("nd", false), d.getBoolean("un", false));
    }

    private static Instant instant(String text) {
        return text == null ? null : Instant.parse(text);
    }

    /**
     * A row document as counts: a jurisdiction's row (none for {@link #ALL_JURISDICTIONS}) and its rows by legal
     * process, each labelled with its legal process, and its handling row (empty for {@link #ALL_JURISDICTIONS}).
     */
    record StoredRow(String id, String jurisdiction, Row counts, Map<LegalProcess, Row> byProcess, HandlingRow handling) {

        static StoredRow empty(String id) {
            String jurisdiction = id.substring(id.indexOf('|') + 1);
            return new StoredRow(id, jurisdiction, Row.empty(jurisdiction), new EnumMap<>(LegalProcess.class), HandlingRow.empty(jurisdiction));
        }

        /** These counts with a delta added to the row itself ({@code process} null) or to one legal process's row. */
        StoredRow plus(LegalProcess process, Row delta) {
            if (process == null) {
                return new StoredRow(id, jurisdiction, counts.add(delta), byProcess, handling);
            }
            Map<LegalProcess, Row> next = new EnumMap<>(LegalProcess.class);
            next.putAll(byProcess);
            next.merge(process, delta.labelled(process.name()), Row::add);
            return new StoredRow(id, jurisdiction, counts, next, handling);
        }

        /** These counts with the handling row's changes added. */
        StoredRow plus(HandlingRow.Tally delta) {
            return new StoredRow(id, jurisdiction, counts, byProcess, delta.addedTo(handling));
        }
    }

    static Document rowDocument(StoredRow r) {
        Document d = counts(new Document("_id", r.id()).append("j", r.jurisdiction()), r.counts());
        Document byProcess = new Document();
        r.byProcess().forEach((process, row) -> {
            if (!row.equals(Row.empty(row.label()))) {
                byProcess.append(process.name(), counts(new Document(), row));
            }
        });
        d.append("lp", byProcess);
        if (!r.handling().equals(HandlingRow.empty(r.handling().label()))) {
            d.append("h", handling(r.handling()));
        }
        return d;
    }

    /**
     * A handling row as stored: its counts, and its hours as one string {@code hours=demands} pairs joined by
     * {@code ;} in ascending order of hours ({@code 0=3;5=1;17=2}), a count of 1 written without {@code =1}.
     */
    private static Document handling(HandlingRow h) {
        String hours = countsText(h.hours());
        return new Document("requests", h.requests()).append("withDeadline", h.withDeadline()).append("onTime", h.onTime())
                .append("late", h.late()).append("open", h.open()).append("nonDisclosureOrders", h.nonDisclosureOrders())
                .append("usersNotified", h.usersNotified()).append("hours", hours);
    }

    private static HandlingRow handling(String label, Document h) {
        if (h == null) {
            return HandlingRow.empty(label);
        }
        java.util.TreeMap<Long, Long> hours = new java.util.TreeMap<>();
        readCounts(h.getString("hours"), (hour, n) -> hours.put(Long.parseLong(hour), n));
        return new HandlingRow(label, num(h, "requests"), num(h, "withDeadline"), num(h, "onTime"), num(h, "late"), num(h, "open"),
                num(h, "nonDisclosureOrders"), num(h, "usersNotified"), hours);
    }

    private static Document counts(Document d, Row r) {
        return d.append("requests", r.requests()).append("accounts", r.accounts()).append("content", r.content())
                .append("subscriberOnly", r.subscriberOnly()).append("noDataFound", r.noDataFound()).append("rejected", r.rejected())
                .append("pending", r.pending());
    }

    static StoredRow storedRow(Document d) {
        String jurisdiction = d.getString("j");
        Map<LegalProcess, Row> byProcess = new EnumMap<>(LegalProcess.class);
        Document lp = d.get("lp", Document.class);
        if (lp != null) {
            lp.forEach((process, counts) -> byProcess.put(LegalProcess.valueOf(process), row(process, (Document) counts)));
        }
        return new StoredRow(d.getString("_id"), jurisdiction, row(jurisdiction, d), byProcess,
                handling(jurisdiction, d.get("h", Document.class)));
    }

    private static Row row(String label, Document d) {
        return new Row(label, num(d, "requests"), num(d, "accounts"), num(d, "content"), num(d, "subscriberOnly"),
                num(d, "noDataFound"), num(d, "rejected"), num(d, "pending"));
    }

    static long num(Document d, String field) {
        Object v = d.get(field);
        return v == null ? 0 : ((Number) v).longValue();
    }
}
