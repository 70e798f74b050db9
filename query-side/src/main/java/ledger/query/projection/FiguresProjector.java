package ledger.query.projection;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.DeleteOneModel;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.WriteModel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import ledger.eventlog.LoggedEvent;
import ledger.eventlog.MongoEventLog;
import ledger.events.DemandAssigned;
import ledger.events.DemandReceived;
import ledger.events.LegalProcess;
import ledger.query.figures.DemandState;
import ledger.query.figures.HandlingRow;
import ledger.query.figures.Outcome;
import ledger.query.figures.Row;
import org.bson.Document;

/**
 * Folds a batch of events into the figures, idempotently and without transactions.
 *
 * <p>Events at or before the generation's position are already in it and are left out. The rest is applied as
 * its net effect: each touched demand's contribution before the batch is taken out of its rows and the one after
 * is put in; a pseudonym counts in a row's distinct accounts while any demand of that row names it. Before anything is written, a journal with the before-image of every document the batch will write
 * is stored; the batch then writes demands, accounts and rows, then the period snapshots and the position. If
 * the process dies in the middle of those writes, the same events come again: the next batch finds a journal
 * that reaches into its own positions, restores the before-images and only then applies itself. So an event
 * delivered twice, or again after a crash at any point, never changes a figure.
 */
final class FiguresProjector {

    private static final ReplaceOptions UPSERT = new ReplaceOptions().upsert(true);
    private static final BulkWriteOptions UNORDERED = new BulkWriteOptions().ordered(false);
    /** Journal images per document: a journal is split so no document comes near MongoDB's 16 MB limit. */
    private static final int JOURNAL_WEIGHT_PER_DOCUMENT = 40_000;

    private final FiguresStore store;
    private final MongoEventLog log;

    FiguresProjector(FiguresStore store, MongoEventLog log) {
        this.store = store;
        this.log = log;
    }

    record Recorded(long position, Object event, String demandId) {
        Recorded(LoggedEvent event) {
            this(event.position(), event.payload(), event.aggregateId());
        }
    }

    void project(List<Recorded> delivered) {
        long projected = store.position();
        List<Recorded> batch = delivered.stream().filter(r -> r.position() > projected).toList();
        if (batch.isEmpty()) {
            return;
        }
        long from = batch.get(0).position();
        long to = batch.get(batch.size() - 1).position();
        undoUnfinished(from);

        // an assignment counts nowhere: its demand's state need not be read for it
        List<Recorded> counted = batch.stream().filter(r -> !(r.event() instanceof DemandAssigned)).toList();
        Map<String, Object> firstEvents = new LinkedHashMap<>();
        counted.forEach(r -> firstEvents.putIfAbsent(r.demandId(), r.event()));
        Set<String> ids = firstEvents.keySet();
        Map<String, Document> demandDocs = FiguresStore.byId(store.demands, ids);
        Map<String, DemandState> before = new HashMap<>();
        demandDocs.forEach((id, d) -> before.put(id, FiguresStore.demandState(d)));
        firstEvents.forEach((id, first) -> {
            // a receipt starts the demand afresh: only a demand already received needs its history
            if (!demandDocs.containsKey(id) && !(first instanceof DemandReceived)) {
                before.put(id, fromLog(id, from));
            }
        });
        Map<String, DemandState> after = new HashMap<>(before);
        for (Recorded r : counted) {
            after.put(r.demandId(), DemandState.apply(after.get(r.demandId()), r.event()));
        }

        Map<String, Row> cellDeltas = new LinkedHashMap<>();
        Map<String, Map<String, Map<String, Long>>> membershipDeltas = new LinkedHashMap<>();
        Map<String, HandlingRow.Tally> handlingDeltas = new LinkedHashMap<>();
        List<String> changedDemands = new ArrayList<>();
        for (String id : ids) {
            DemandState b = before.get(id);
            DemandState a = after.get(id);
            if (Objects.equals(a, b)) {
                continue;
            }
            changedDemands.add(id);
            contribute(b, -1, cellDeltas, membershipDeltas, handlingDeltas);
            contribute(a, +1, cellDeltas, membershipDeltas, handlingDeltas);
        }
        // a disposition of a demand without a due date and on the same hour leaves its handling row as it was
        handlingDeltas.values().removeIf(HandlingRow.Tally::isZero);

        // a disposition takes a demand's accounts out of its rows and puts them back: no change worth a write
        membershipDeltas.values().forEach(ofBucket -> {
            ofBucket.values().forEach(deltas -> deltas.values().removeIf(delta -> delta == 0));
            ofBucket.values().removeIf(Map::isEmpty);
        });
        membershipDeltas.values().removeIf(Map::isEmpty);
        Map<String, Document> bucketDocs = FiguresStore.byId(store.accounts, membershipDeltas.keySet());
        Map<String, Document> newBuckets = new LinkedHashMap<>();
        membershipDeltas.forEach((bucket, ofBucket) -> {
            String period = FiguresStore.periodOfKey(bucket);
            Document old = bucketDocs.get(bucket);
            Document pseudonyms = old == null ? new Document() : FiguresStore.pseudonyms(old);
            ofBucket.forEach((account, deltas) -> {
                Document was = FiguresStore.memberships(pseudonyms.get(account));
                Document now = was == null ? new Document() : new Document(was);
                deltas.forEach((membership, delta) -> {
                    long count = FiguresStore.num(now, membership) + delta;
                    if (count < 0) {
                        throw new IllegalStateException("account count below zero in " + bucket);
                    }
                    if (count == 0) {
                        now.remove(membership);
                    } else {
                        now.put(membership, count);
                    }
                });
                // the pseudonym enters the distinct accounts of the rows it is newly in, and leaves the others
                Set<String> cellsBefore = cellsOf(period, was);
                Set<String> cellsAfter = cellsOf(period, now);
                for (String cell : cellsAfter) {
                    if (!cellsBefore.contains(cell)) {
                        cellDeltas.merge(cell, ONE_ACCOUNT, Row::add);
                    }
                }
                for (String cell : cellsBefore) {
                    if (!cellsAfter.contains(cell)) {
                        cellDeltas.merge(cell, LESS_ONE_ACCOUNT, Row::add);
                    }
                }
                if (now.isEmpty()) {
                    pseudonyms.remove(account);
                } else {
                    pseudonyms.put(account, FiguresStore.storedMemberships(now));
                }
            });
            newBuckets.put(bucket, pseudonyms.isEmpty() ? null : FiguresStore.bucketDocument(bucket, pseudonyms));
        });

        Set<String> rowKeys = cellDeltas.keySet().stream().map(FiguresProjector::rowKeyOfCell)
                .collect(java.util.stream.Collectors.toCollection(LinkedHashSet::new));
        rowKeys.addAll(handlingDeltas.keySet());
        Map<String, Document> rowDocs = FiguresStore.byId(store.rows, rowKeys);
        Map<String, FiguresStore.StoredRow> newRows = new LinkedHashMap<>();
        java.util.function.Function<String, FiguresStore.StoredRow> stored = k -> rowDocs.containsKey(k)
                ? FiguresStore.storedRow(rowDocs.get(k)) : FiguresStore.StoredRow.empty(k);
        cellDeltas.forEach((cell, delta) -> {
            String key = rowKeyOfCell(cell);
            FiguresStore.StoredRow old = newRows.computeIfAbsent(key, stored);
            newRows.put(key, old.plus(processOfCell(cell), delta));
        });
        handlingDeltas.forEach((key, delta) -> newRows.put(key, newRows.computeIfAbsent(key, stored).plus(delta)));

        List<Document> undo = new ArrayList<>();
        changedDemands.forEach(id -> undo.add(image("demands", id, demandDocs.get(id))));
        newBuckets.keySet().forEach(id -> undo.add(image("accounts", id, bucketDocs.get(id))));
        newRows.keySet().forEach(id -> undo.add(image("rows", id, rowDocs.get(id))));
        writeJournal(from, to, undo);

        List<WriteModel<Document>> demandWrites = new ArrayList<>();
        for (String id : changedDemands) {
            DemandState a = after.get(id);
            demandWrites.add(a == null ? new DeleteOneModel<>(new Document("_id", id))
                    : new ReplaceOneModel<>(new Document("_id", id), FiguresStore.demandDocument(a), UPSERT));
        }
        List<WriteModel<Document>> accountWrites = new ArrayList<>();
        newBuckets.forEach((key, doc) -> accountWrites.add(doc == null ? new DeleteOneModel<>(new Document("_id", key))
                : new ReplaceOneModel<>(new Document("_id", key), doc, UPSERT)));
        List<WriteModel<Document>> rowWrites = new ArrayList<>();
        newRows.forEach((key, row) -> rowWrites.add(
                new ReplaceOneModel<>(new Document("_id", key), FiguresStore.rowDocument(row), UPSERT)));
        write(store.demands, demandWrites);
        write(store.accounts, accountWrites);
        write(store.rows, rowWrites);

        Set<String> periods = new TreeSet<>();
        newRows.keySet().forEach(key -> periods.add(FiguresStore.periodOfKey(key)));
        store.writeSnapshots(periods, to);
    }

    /** What counts of a demand that has no document: its events in the log before the batch. */
    private DemandState fromLog(String demandId, long before) {
        DemandState state = null;
        for (LoggedEvent event : log.eventsOf(demandId)) {
            if (event.position() < before) {
                state = DemandState.apply(state, event.payload());
            }
        }
        return state;
    }

    private static final Row ONE_ACCOUNT = Row.empty("").plus(Outcome.PENDING, 0, 1);
    private static final Row LESS_ONE_ACCOUNT = Row.empty("").plus(Outcome.PENDING, 0, -1);

    /**
     * A demand's contribution: one request in each row it counts in (counting rules 15-16: a national-security
     * demand only in its kind's row across jurisdictions; any other in its jurisdiction's row, that row's legal
     * process, and its legal process across jurisdictions), each account's membership for its jurisdiction
     * and legal process, and (but a national-security demand) its handling in its jurisdiction's row.
     */
    private static void contribute(DemandState s, int sign, Map<String, Row> cellDeltas,
                                   Map<String, Map<String, Map<String, Long>>> membershipDeltas,
                                   Map<String, HandlingRow.Tally> handlingDeltas) {
        if (s == null) {
            return;
        }
        String period = s.period().toString();
        if (!s.nationalSecurity()) {
            handlingDeltas.computeIfAbsent(FiguresStore.rowKey(period, s.jurisdiction()), k -> new HandlingRow.Tally()).count(s, sign);
        }
        Row request = Row.empty("").plus(s.outcome(), sign, 0);
        for (String cell : cells(period, s.jurisdiction(), s.legalProcess())) {
            cellDeltas.merge(cell, request, Row::add);
        }
        String membership = FiguresStore.membership(s.jurisdiction(), s.legalProcess());
        for (String account : s.accounts()) {
            membershipDeltas.computeIfAbsent(FiguresStore.bucketKey(period, account), b -> new LinkedHashMap<>())
                    .computeIfAbsent(account, a -> new LinkedHashMap<>())
                    .merge(membership, (long) sign, Long::sum);
        }
    }

    /**
     * The rows a demand of this jurisdiction and legal process counts in, as cells: {@code period|CC} (the
     * jurisdiction's row), {@code period|CC|PROCESS} (its row for the legal process), {@code period|*|PROCESS}.
     */
    static List<String> cells(String period, String jurisdiction, LegalProcess process) {
        String all = FiguresStore.rowKey(period, FiguresStore.ALL_JURISDICTIONS) + "|" + process.name();
        if (process.nationalSecurity()) {
            return List.of(all);
        }
        String row = FiguresStore.rowKey(period, jurisdiction);
        return List.of(row, row + "|" + process.name(), all);
    }

    /** The rows whose distinct accounts count a pseudonym with these memberships (null: none). */
    static Set<String> cellsOf(String period, Document memberships) {
        Set<String> cells = new java.util.HashSet<>();
        if (memberships != null) {
            for (String membership : memberships.keySet()) {
                int bar = membership.indexOf('|');
                cells.addAll(cells(period, membership.substring(0, bar), LegalProcess.valueOf(membership.substring(bar + 1))));
            }
        }
        return cells;
    }

    /** The row document a cell is kept in: {@code period|CC} or {@code period|*}. */
    static String rowKeyOfCell(String cell) {
        int second = cell.indexOf('|', cell.indexOf('|') + 1);
        return second < 0 ? cell : cell.substring(0, second);
    }

    /** The legal process of a cell, or null for a jurisdiction's own row. */
    static LegalProcess processOfCell(String cell) {
        int second = cell.indexOf('|', cell.indexOf('|') + 1);
        return second < 0 ? null : LegalProcess.valueOf(cell.substring(second + 1));
    }

    /**
     * The journal's images go to documents {@code journal|0..n-1} first; the header {@code journal}, written
     * last, makes them the journal. A crash before the header leaves the previous journal, whose batch is
     * complete, in force.
     */
    private void writeJournal(long from, long to, List<Document> undo) {
        int chunks = 0;
        List<Document> chunk = new ArrayList<>();
        long weight = 0;
        for (Document image : undo) {
            long w = weight(image.get("before", Document.class));
            if (!chunk.isEmpty() && weight + w > JOURNAL_WEIGHT_PER_DOCUMENT) {
                writeChunk(chunks++, chunk);
                chunk = new ArrayList<>();
                weight = 0;
            }
            chunk.add(image);
            weight += w;
        }
        writeChunk(chunks++, chunk);
        store.state.replaceOne(new Document("_id", "journal"),
                new Document("_id", "journal").append("from", from).append("to", to).append("chunks", chunks), UPSERT);
    }

    /** Roughly how much of a document an image is: one, plus its pseudonyms' memberships, its row's hours or its demand's accounts. */
    private static long weight(Document before) {
        if (before == null) {
            return 1;
        }
        if (before.containsKey("k")) {
            long weight = 1;
            for (Object memberships : FiguresStore.pseudonyms(before).values()) {
                weight += 1 + FiguresStore.memberships(memberships).size();
            }
            return weight;
        }
        if (before.get("h") instanceof Document handling && handling.get("hours") instanceof String hours) {
            return 1 + hours.length() / 80; // a row's hours to a response, as long as a pseudonym's line per 80 characters
        }
        return 1 + (before.get("a") instanceof List<?> accounts ? accounts.size() : 0);
    }

    private void writeChunk(int index, List<Document> images) {
        store.state.replaceOne(new Document("_id", "journal|" + index),
                new Document("_id", "journal|" + index).append("undo", images), UPSERT);
    }

    private static Document image(String collection, String id, Document before) {
        return new Document("c", collection).append("id", id).append("before", before);
    }

    /** The before-images of the last journal, if it reaches to or past {@code from}. */
    List<Document> journalFrom(long from) {
        Document journal = store.state.find(new Document("_id", "journal")).first();
        if (journal == null || FiguresStore.num(journal, "to") < from) {
            return List.of();
        }
        List<String> chunkIds = new ArrayList<>();
        for (int i = 0; i < journal.getInteger("chunks"); i++) {
            chunkIds.add("journal|" + i);
        }
        Map<String, Document> chunks = FiguresStore.byId(store.state, chunkIds);
        List<Document> images = new ArrayList<>();
        chunkIds.forEach(id -> images.addAll(chunks.get(id).getList("undo", Document.class)));
        return images;
    }

    /**
     * A journal reaching to or past this batch's first position belongs to a batch whose writes may have
     * stopped half way: its events are being delivered again, so its writes are undone first.
     */
    private void undoUnfinished(long from) {
        List<Document> images = journalFrom(from);
        if (images.isEmpty()) {
            return;
        }
        Map<String, List<WriteModel<Document>>> writes = new HashMap<>();
        for (Document image : images) {
            String id = image.getString("id");
            Document before = image.get("before", Document.class);
            writes.computeIfAbsent(image.getString("c"), c -> new ArrayList<>()).add(before == null
                    ? new DeleteOneModel<>(new Document("_id", id))
                    : new ReplaceOneModel<>(new Document("_id", id), before, UPSERT));
        }
        writes.forEach((collection, models) -> write(store.collection(collection), models));
        store.state.deleteOne(new Document("_id", "journal"));
    }

    private static void write(MongoCollection<Document> collection, List<WriteModel<Document>> models) {
        if (!models.isEmpty()) {
            collection.bulkWrite(models, UNORDERED);
        }
    }
}
