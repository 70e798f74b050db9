package ledger.query.projection;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.InsertManyOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import ledger.eventlog.MongoEventLog;
import ledger.query.figures.DemandState;
import ledger.query.figures.HandlingRow;
import ledger.query.figures.Outcome;
import ledger.query.figures.Row;
import org.bson.Document;

/**
 * Builds a generation of the figures from the log at once, for a replay: every event up to a position is read
 * with one cursor and folded in memory, and only then are the rows, the accounts and the period snapshots
 * written, each document once. The demands are not written: a generation answers for a demand without a
 * document from the log (see {@link FiguresStore}), so the live projection takes over from the position.
 */
final class GenerationBuilder {

    /** Told how far the build is; may throw to stop it. */
    interface Progress {
        void reached(long events);
    }

    private static final InsertManyOptions UNORDERED = new InsertManyOptions().ordered(false);
    private static final int INSERT_CHUNK = 10_000;

    private GenerationBuilder() {
    }

    /** Writes into the (empty) store the figures of every event at or before {@code upTo}. */
    static void build(MongoEventLog log, FiguresStore store, long upTo, Progress progress) {
        long started = System.nanoTime();
        Map<String, DemandState> demands = new HashMap<>((int) Math.min(upTo, 4_000_000));
        long[] events = {0};
        log.scan(upTo, event -> {
            if (event.aggregateId() != null) {
                demands.compute(event.aggregateId(), (id, before) -> DemandState.apply(before, event.payload()));
            }
            if (++events[0] % 100 == 0) {
                progress.reached(events[0]);
            }
        });
        progress.reached(events[0]);

        // per cell its demands by outcome; per accounts document its pseudonyms' memberships
        Map<String, long[]> outcomes = new HashMap<>();
        Map<String, Map<String, Document>> buckets = new HashMap<>();
        // per jurisdiction's row its handling (rules 18-19; national security left out)
        Map<String, HandlingRow.Tally> handling = new HashMap<>();
        for (DemandState d : demands.values()) {
            String period = d.period().toString();
            if (!d.nationalSecurity()) {
                handling.computeIfAbsent(FiguresStore.rowKey(period, d.jurisdiction()), k -> new HandlingRow.Tally()).count(d, 1);
            }
            for (String cell : FiguresProjector.cells(period, d.jurisdiction(), d.legalProcess())) {
                outcomes.computeIfAbsent(cell, k -> new long[Outcome.values().length])[d.outcome().ordinal()]++;
            }
            String membership = FiguresStore.membership(d.jurisdiction(), d.legalProcess());
            for (String account : d.accounts()) {
                Document memberships = buckets.computeIfAbsent(FiguresStore.bucketKey(period, account), k -> new HashMap<>())
                        .computeIfAbsent(account, a -> new Document());
                memberships.put(membership, FiguresStore.num(memberships, membership) + 1);
            }
        }
        // a cell's distinct accounts are the pseudonyms with a membership that counts in it
        Map<String, Long> distinct = new HashMap<>();
        // nearly every pseudonym is named under one jurisdiction and legal process: their cells are worked out once
        Map<String, Set<String>> cellsOfOne = new HashMap<>();
        buckets.forEach((key, pseudonyms) -> {
            String period = FiguresStore.periodOfKey(key);
            for (Document memberships : pseudonyms.values()) {
                Set<String> cells = memberships.size() != 1 ? FiguresProjector.cellsOf(period, memberships)
                        : cellsOfOne.computeIfAbsent(period + "|" + memberships.keySet().iterator().next(),
                                k -> FiguresProjector.cellsOf(period, memberships));
                for (String cell : cells) {
                    distinct.merge(cell, 1L, Long::sum);
                }
            }
        });
        Map<String, FiguresStore.StoredRow> storedRows = new TreeMap<>();
        Set<String> periods = new HashSet<>();
        outcomes.forEach((cell, c) -> {
            Row row = Row.empty("");
            for (Outcome o : Outcome.values()) {
                row = row.plus(o, c[o.ordinal()], 0);
            }
            row = row.plus(Outcome.PENDING, 0, distinct.getOrDefault(cell, 0L));
            String key = FiguresProjector.rowKeyOfCell(cell);
            storedRows.put(key, storedRows.getOrDefault(key, FiguresStore.StoredRow.empty(key)).plus(FiguresProjector.processOfCell(cell), row));
            periods.add(FiguresStore.periodOfKey(key));
        });
        handling.forEach((key, tally) -> storedRows.put(key, storedRows.getOrDefault(key, FiguresStore.StoredRow.empty(key)).plus(tally)));
        List<Document> rows = new ArrayList<>();
        storedRows.values().forEach(r -> rows.add(FiguresStore.rowDocument(r)));
        List<Document> bucketDocs = new ArrayList<>();
        buckets.forEach((key, pseudonyms) -> bucketDocs.add(FiguresStore.bucketDocument(key, pseudonyms)));

        long folded = System.nanoTime();
        insert(store.rows, rows, events[0], progress);
        insert(store.accounts, bucketDocs, events[0], progress);
        store.writeSnapshots(periods, upTo);
        LOG.info("generation {}: {} events of {} demands read and folded in {} ms; {} rows and {} account documents written in {} ms",
                store.generation(), events[0], demands.size(), (folded - started) / 1_000_000, rows.size(), bucketDocs.size(),
                (System.nanoTime() - folded) / 1_000_000);
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(GenerationBuilder.class);

    private static void insert(MongoCollection<Document> collection, List<Document> documents, long events, Progress progress) {
        for (int from = 0; from < documents.size(); from += INSERT_CHUNK) {
            collection.insertMany(documents.subList(from, Math.min(documents.size(), from + INSERT_CHUNK)), UNORDERED);
            progress.reached(events); // a heartbeat between chunks
        }
    }
}
