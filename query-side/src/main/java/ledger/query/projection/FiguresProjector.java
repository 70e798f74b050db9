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
import ledger.events.DemandReceived;
import ledger.query.figures.DemandState;
import ledger.query.figures.Outcome;
import ledger.query.figures.Row;
import org.bson.Document;

/**
 * Folds a batch of events into the figures, idempotently and without transactions.
 *
 * <p>Events at or before the generation's position are already in it and are left out. The rest is applied as
 * its net effect: each touched demand's contribution before the batch is taken out of its row and the one after
 * is put in. Before anything is written, a journal with the before-image of every document the batch will write
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

        Map<String, Object> firstEvents = new LinkedHashMap<>();
        batch.forEach(r -> firstEvents.putIfAbsent(r.demandId(), r.event()));
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
        for (Recorded r : batch) {
            after.put(r.demandId(), DemandState.apply(after.get(r.demandId()), r.event()));
        }

        Map<String, Row> rowDeltas = new LinkedHashMap<>();
        Map<String, Map<String, Long>> accountDeltas = new LinkedHashMap<>();
        List<String> changedDemands = new ArrayList<>();
        for (String id : ids) {
            DemandState b = before.get(id);
            DemandState a = after.get(id);
            if (Objects.equals(a, b)) {
                continue;
            }
            changedDemands.add(id);
            contribute(b, -1, rowDeltas, accountDeltas);
            contribute(a, +1, rowDeltas, accountDeltas);
        }

        // a disposition takes a demand's accounts out of its row and puts them back: no change worth a write
        accountDeltas.values().forEach(deltas -> deltas.values().removeIf(delta -> delta == 0));
        accountDeltas.values().removeIf(Map::isEmpty);
        Map<String, Document> bucketDocs = FiguresStore.byId(store.accounts, accountDeltas.keySet());
        Map<String, Document> newBuckets = new LinkedHashMap<>();
        accountDeltas.forEach((bucket, deltas) -> {
            Document old = bucketDocs.get(bucket);
            Document counts = old == null ? new Document() : new Document(old.get("k", Document.class));
            long distinct = 0;
            for (Map.Entry<String, Long> delta : deltas.entrySet()) {
                long was = FiguresStore.num(counts, delta.getKey());
                long now = was + delta.getValue();
                if (now < 0) {
                    throw new IllegalStateException("account count below zero in " + bucket);
                }
                if (now == 0) {
                    counts.remove(delta.getKey());
                } else {
                    counts.put(delta.getKey(), now);
                }
                distinct += (was == 0 ? 0 : -1) + (now == 0 ? 0 : 1);
            }
            if (distinct != 0) {
                rowDeltas.merge(FiguresStore.rowKeyOfBucket(bucket), Row.empty("").plus(Outcome.PENDING, 0, distinct), Row::add);
            }
            newBuckets.put(bucket, counts.isEmpty() ? null : new Document("_id", bucket).append("k", counts));
        });

        Map<String, Document> rowDocs = FiguresStore.byId(store.rows, rowDeltas.keySet());
        Map<String, Row> newRows = new LinkedHashMap<>();
        rowDeltas.forEach((key, delta) -> {
            Document d = rowDocs.get(key);
            String jurisdiction = key.substring(key.indexOf('|') + 1);
            Row old = d == null ? Row.empty(jurisdiction) : FiguresStore.row(jurisdiction, d);
            newRows.put(key, old.add(delta));
        });

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
                new ReplaceOneModel<>(new Document("_id", key), FiguresStore.rowDocument(key, row), UPSERT)));
        write(store.demands, demandWrites);
        write(store.accounts, accountWrites);
        write(store.rows, rowWrites);

        Set<String> periods = new TreeSet<>();
        newRows.keySet().forEach(key -> periods.add(key.substring(0, key.indexOf('|'))));
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

    private static void contribute(DemandState s, int sign, Map<String, Row> rowDeltas, Map<String, Map<String, Long>> accountDeltas) {
        if (s == null) {
            return;
        }
        String rowKey = FiguresStore.rowKey(s.period().toString(), s.jurisdiction());
        rowDeltas.merge(rowKey, Row.empty(s.jurisdiction()).plus(s.outcome(), sign, 0), Row::add);
        for (String account : s.accounts()) {
            accountDeltas.computeIfAbsent(FiguresStore.bucketKey(rowKey, account), b -> new LinkedHashMap<>())
                    .merge(account, (long) sign, Long::sum);
        }
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

    /** Roughly how much of a document an image is: one, plus its account counts or its demand's accounts. */
    private static long weight(Document before) {
        if (before == null) {
            return 1;
        }
        if (before.get("k") instanceof Document counts) {
            return 1 + counts.size();
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
