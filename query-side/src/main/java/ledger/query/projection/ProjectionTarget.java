package ledger.query.projection;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.ReplaceOptions;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import ledger.eventlog.MongoEventLog;
import org.axonframework.eventhandling.ReplayToken;
import org.axonframework.eventhandling.TrackingToken;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Which generation of the figures is served and which is written: blue/green replays.
 *
 * <p>{@code figures_meta} holds the served generation ({@code current}) and the latest replay. A replay resets
 * the processor's token to the log's tail; while the processor delivers replayed events they are folded into a
 * fresh generation, and readers keep being served the current one. When the replay reaches the position the
 * log had at the reset, the fresh generation becomes current in one write, on every instance, and the old one
 * is dropped. Everything lives in MongoDB, so a query side killed mid-replay resumes the replay from its
 * token when it starts again.
 */
@Component
public class ProjectionTarget {

    private static final Logger log = LoggerFactory.getLogger(ProjectionTarget.class);
    private static final ReplaceOptions UPSERT = new ReplaceOptions().upsert(true);
    private static final long CACHE_NANOS = 200_000_000L;

    private final MongoDatabase database;
    private final MongoCollection<Document> meta;
    private final MongoEventLog eventLog;
    private final ScheduledExecutorService cleaner = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "figures-generation-cleaner");
        t.setDaemon(true);
        return t;
    });
    private volatile FiguresStore served;
    private volatile long servedReadAt;

    ProjectionTarget(MongoDatabase ledgerDatabase, MongoEventLog eventLog) {
        this.database = ledgerDatabase;
        this.meta = ledgerDatabase.getCollection("figures_meta");
        this.eventLog = eventLog;
    }

    /** The generation readers are served, as of at most 200 ms ago (another instance may have switched). */
    public FiguresStore store() {
        FiguresStore cached = served;
        if (cached == null || System.nanoTime() - servedReadAt > CACHE_NANOS) {
            Document current = meta.find(new Document("_id", "current")).first();
            cached = new FiguresStore(database, current == null ? "g1" : current.getString("generation"));
            served = cached;
            servedReadAt = System.nanoTime();
        }
        return cached;
    }

    /** The latest replay, if any was ever requested. */
    public Optional<Document> latestReplay() {
        return Optional.ofNullable(meta.find(new Document("_id", "replay")).first());
    }

    /** Records a replay request; false when one is requested or running already. */
    public synchronized boolean requestReplay() {
        Document replay = meta.find(new Document("_id", "replay")).first();
        if (replay != null && !"FINISHED".equals(replay.getString("state"))) {
            return false;
        }
        int number = replay == null ? 1 : replay.getInteger("number") + 1;
        Document next = new Document("_id", "replay").append("number", number).append("state", "REQUESTED")
                .append("requestedAt", Instant.now().toString());
        if (replay == null) {
            try {
                meta.insertOne(next);
                return true;
            } catch (com.mongodb.MongoWriteException e) {
                return false; // another instance recorded one first
            }
        }
        // compare-and-set on the whole document: only the request that saw this FINISHED replay wins
        return meta.replaceOne(replay, next).getModifiedCount() == 1;
    }

    /** Called by the processor's reset: the replay's events go to a fresh generation. */
    void beginReplay() {
        Document replay = meta.find(new Document("_id", "replay")).first();
        int number = replay == null ? 1 : replay.getInteger("number");
        // a name never used before: nothing of an earlier, abandoned attempt can be in it
        String generation = "r" + number + "x" + Long.toString(System.currentTimeMillis(), 36);
        long resetAt = eventLog.headPosition();
        Document running = new Document("_id", "replay").append("number", number).append("state", "RUNNING")
                .append("generation", generation).append("from", store().generation()).append("resetAt", resetAt)
                .append("processed", 0L).append("total", resetAt)
                .append("requestedAt", replay == null ? Instant.now().toString() : replay.getString("requestedAt"))
                .append("startedAt", Instant.now().toString());
        meta.replaceOne(new Document("_id", "replay"), running, UPSERT);
        log.info("replay {} started into generation {} (log at {})", number, generation, resetAt);
        if (resetAt == 0) {
            finishReplay(running);
        }
    }

    /** Folds a batch into the generation it belongs to, and switches generations when a replay is complete. */
    void project(List<FiguresProjector.Recorded> batch) {
        if (batch.isEmpty()) {
            return;
        }
        TrackingToken last = batch.get(batch.size() - 1).token();
        Document replay = meta.find(new Document("_id", "replay")).first();
        if (replay != null && "RUNNING".equals(replay.getString("state"))) {
            FiguresStore building = new FiguresStore(database, replay.getString("generation"));
            long first = batch.get(0).position();
            long end = batch.get(batch.size() - 1).position();
            if (ReplayToken.isReplay(last) || building.position() >= first - 1) {
                new FiguresProjector(building).project(batch);
                if (end >= ((Number) replay.get("resetAt")).longValue()) {
                    finishReplay(replay);
                } else {
                    meta.updateOne(new Document("_id", "replay"), new Document("$set",
                            new Document("processed", end).append("total", eventLog.headPosition())));
                }
                return;
            }
            // the reset never reached the token store (the process died in between): ask for it again
            meta.replaceOne(new Document("_id", "replay"), new Document("_id", "replay")
                    .append("number", replay.getInteger("number")).append("state", "REQUESTED")
                    .append("requestedAt", replay.getString("requestedAt")));
        }
        new FiguresProjector(store(true)).project(batch);
    }

    private FiguresStore store(boolean fresh) {
        if (fresh) {
            servedReadAt = 0;
        }
        return store();
    }

    private void finishReplay(Document replay) {
        String generation = replay.getString("generation");
        String old = store(true).generation();
        meta.replaceOne(new Document("_id", "current"), new Document("_id", "current").append("generation", generation), UPSERT);
        long processed = new FiguresStore(database, generation).position();
        meta.updateOne(new Document("_id", "replay"), new Document("$set", new Document("state", "FINISHED")
                .append("processed", processed).append("total", eventLog.headPosition())
                .append("finishedAt", Instant.now().toString())));
        served = null;
        log.info("replay {} finished: generation {} is served, {} is dropped", replay.get("number"), generation, old);
        if (!old.equals(generation)) {
            // readers on other instances may still hold the old generation for a moment
            cleaner.schedule(() -> new FiguresStore(database, old).drop(), 5, TimeUnit.SECONDS);
        }
    }
}
