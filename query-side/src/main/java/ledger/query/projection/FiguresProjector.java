package ledger.query.projection;

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
import ledger.query.figures.DemandState;
import ledger.query.figures.Row;
import org.bson.Document;

/**
 * Folds a batch of events into the figures, idempotently and without transactions.
 *
 * <p>A batch is applied as its net effect: each touched demand's contribution before the batch is taken out of
 * its row and the one after is put in. Before anything is written, a journal with the before-image of every
 * document the batch will write is stored; the batch then writes demands, accounts and rows, then the period
 * snapshots and the position. If the process dies before the processor stores its token, the same events
 * come again: the next batch finds a journal that reaches into its own positions, restores the before-images
 * (the state right after the last stored token) and only then applies itself. So an event delivered twice, or
 * again after a crash between the projection's writes and the token's, never changes a figure.
 */
final class FiguresProjector {

    private static final ReplaceOptions UPSERT = new ReplaceOptions().upsert(true);
    private static final BulkWriteOptions UNORDERED = new BulkWriteOptions().ordered(false);

    private final FiguresStore store;

    FiguresProjector(FiguresStore store) {
        this.store = store;
    }

    record Recorded(long position, Object event, String demandId, org.axonframework.eventhandling.TrackingToken token) {
        Recorded(long position, Object event, String demandId) {
            this(position, event, demandId, null);
        }
    }

    void project(List<Recorded> batch) {
        if (batch.isEmpty()) {
            return;
        }
        long from = batch.get(0).position();
        long to = batch.get(batch.size() - 1).position();
        undoUnfinished(from);

        Set<String> ids = new LinkedHashSet<>();
        batch.forEach(r -> ids.add(r.demandId()));
        Map<String, Document> demandDocs = FiguresStore.byId(store.demands, ids);
        Map<String, DemandState> after = new HashMap<>();
        demandDocs.forEach((id, d) -> after.put(id, FiguresStore.demandState(d)));
        Map<String, DemandState> before = new HashMap<>(after);
        for (Recorded r : batch) {
            after.put(r.demandId(), DemandState.apply(after.get(r.demandId()), r.event()));
        }

        Map<String, Row> rowDeltas = new LinkedHashMap<>();
        Map<String, Long> accountDeltas = new LinkedHashMap<>();
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
        accountDeltas.values().removeIf(d -> d == 0);

        Map<String, Document> accountDocs = FiguresStore.byId(store.accounts, accountDeltas.keySet());
        Map<String, Long> newCounts = new HashMap<>();
        accountDeltas.forEach((key, delta) -> {
            Document d = accountDocs.get(key);
            long old = d == null ? 0 : FiguresStore.num(d, "k");
            long now = old + delta;
            if (now < 0) {
                throw new IllegalStateException("account count below zero for " + key);
            }
            newCounts.put(key, now);
            if ((old == 0) != (now == 0)) {
                String rowKey = key.substring(0, key.lastIndexOf('|'));
                rowDeltas.merge(rowKey, Row.empty("").plus(ledger.query.figures.Outcome.PENDING, 0, now > 0 ? 1 : -1), Row::add);
            }
        });

        Map<String, Document> rowDocs = FiguresStore.byId(store.rows, rowDeltas.keySet());
        Map<String, Row> newRows = new LinkedHashMap<>();
        rowDeltas.forEach((key, delta) -> {
            Document d = rowDocs.get(key);
            String jurisdiction = key.substring(key.indexOf('|') + 1);
            Row old = d == null ? Row.empty(jurisdiction) : FiguresStore.row(jurisdiction, d);
            newRows.put(key, old.add(delta));
        });

        writeJournal(from, to, changedDemands, demandDocs, newCounts.keySet(), accountDocs, newRows.keySet(), rowDocs);

        List<WriteModel<Document>> demandWrites = new ArrayList<>();
        for (String id : changedDemands) {
            DemandState a = after.get(id);
            demandWrites.add(a == null ? new DeleteOneModel<>(new Document("_id", id))
                    : new ReplaceOneModel<>(new Document("_id", id), FiguresStore.demandDocument(a), UPSERT));
        }
        List<WriteModel<Document>> accountWrites = new ArrayList<>();
        newCounts.forEach((key, k) -> accountWrites.add(
                new ReplaceOneModel<>(new Document("_id", key), new Document("_id", key).append("k", k), UPSERT)));
        List<WriteModel<Document>> rowWrites = new ArrayList<>();
        newRows.forEach((key, row) -> rowWrites.add(
                new ReplaceOneModel<>(new Document("_id", key), FiguresStore.rowDocument(key, row), UPSERT)));
        write(store.demands, demandWrites);
        write(store.accounts, accountWrites);
        write(store.rows, rowWrites);

        Set<String> periods = new TreeSet<>();
        newRows.keySet().forEach(key -> periods.add(key.substring(0, key.indexOf('|'))));
        for (String period : periods) {
            List<Document> printed = new ArrayList<>();
            FiguresStore.byId(store.rows, FiguresStore.rowKeysOf(period)).values().stream()
                    .filter(d -> FiguresStore.num(d, "requests") > 0)
                    .sorted(java.util.Comparator.comparing(d -> d.getString("j")))
                    .forEach(printed::add);
            store.periods.replaceOne(new Document("_id", period),
                    new Document("_id", period).append("position", to).append("rows", printed), UPSERT);
        }
        store.state.replaceOne(new Document("_id", "position"), new Document("_id", "position").append("position", to), UPSERT);
    }

    private static void contribute(DemandState s, int sign, Map<String, Row> rowDeltas, Map<String, Long> accountDeltas) {
        if (s == null) {
            return;
        }
        String rowKey = FiguresStore.rowKey(s.period().toString(), s.jurisdiction());
        rowDeltas.merge(rowKey, Row.empty(s.jurisdiction()).plus(s.outcome(), sign, 0), Row::add);
        for (String account : s.accounts()) {
            accountDeltas.merge(rowKey + "|" + account, (long) sign, Long::sum);
        }
    }

    private void writeJournal(long from, long to, List<String> demandIds, Map<String, Document> demandDocs,
                              Set<String> accountKeys, Map<String, Document> accountDocs,
                              Set<String> rowKeys, Map<String, Document> rowDocs) {
        List<Document> undo = new ArrayList<>();
        demandIds.forEach(id -> undo.add(image("demands", id, demandDocs.get(id))));
        accountKeys.forEach(id -> undo.add(image("accounts", id, accountDocs.get(id))));
        rowKeys.forEach(id -> undo.add(image("rows", id, rowDocs.get(id))));
        store.state.replaceOne(new Document("_id", "journal"),
                new Document("_id", "journal").append("from", from).append("to", to).append("undo", undo), UPSERT);
    }

    private static Document image(String collection, String id, Document before) {
        return new Document("c", collection).append("id", id).append("before", before);
    }

    /**
     * A journal reaching to or past this batch's first position belongs to a batch whose token was never
     * stored: its events are being delivered again, so its writes are undone first.
     */
    private void undoUnfinished(long from) {
        Document journal = store.state.find(new Document("_id", "journal")).first();
        if (journal == null || FiguresStore.num(journal, "to") < from) {
            return;
        }
        Map<String, List<WriteModel<Document>>> writes = new HashMap<>();
        for (Document image : journal.getList("undo", Document.class)) {
            String id = image.getString("id");
            Document before = image.get("before", Document.class);
            writes.computeIfAbsent(image.getString("c"), c -> new ArrayList<>()).add(before == null
                    ? new DeleteOneModel<>(new Document("_id", id))
                    : new ReplaceOneModel<>(new Document("_id", id), before, UPSERT));
        }
        writes.forEach((collection, models) -> write(store.collection(collection), models));
        store.state.deleteOne(new Document("_id", "journal"));
    }

    private static void write(com.mongodb.client.MongoCollection<Document> collection, List<WriteModel<Document>> models) {
        if (!models.isEmpty()) {
            collection.bulkWrite(models, UNORDERED);
        }
    }
}
