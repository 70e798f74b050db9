package ledger.query.projection;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.ReplaceOptions;
import jakarta.annotation.PreDestroy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import ledger.eventlog.MongoEventLog;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Which generation of the figures is served and which is built: blue/green replays.
 *
 * <p>{@code figures_meta} holds the served generation ({@code current}) and the latest replay. A replay builds a
 * fresh generation from the log at once ({@link GenerationBuilder}) up to the position the log had when it
 * started, while the served generation goes on following the log. Once built, the fresh generation is brought
 * up to the served one's position from the log and becomes current in one write, on every instance; the old
 * one is dropped. Only the instance whose processor holds the figures' segment builds and switches.
 *
 * <p>A build beats (a counter in the replay's document) while it runs. A build that stops beating (its process
 * died) is taken over by the instance holding the segment, into yet another fresh generation; one stopped
 * cleanly hands the replay back at once. Whether a build has stopped is judged by this instance's own clock on
 * the beat it sees, so nothing depends on clocks agreeing between machines.
 */
@Component
public class ProjectionTarget {

    private static final Logger log = LoggerFactory.getLogger(ProjectionTarget.class);
    private static final ReplaceOptions UPSERT = new ReplaceOptions().upsert(true);
    private static final long CACHE_NANOS = 200_000_000L;
    private static final long BEAT_NANOS = 500_000_000L;
    private static final int CATCH_UP_BATCH = 1000;

    private final MongoDatabase database;
    private final MongoCollection<Document> meta;
    private final MongoEventLog eventLog;
    private final String instance = UUID.randomUUID().toString();
    private final long staleNanos;
    private final long maxEventsPerSecond;
    private final ExecutorService builder = Executors.newSingleThreadExecutor(daemon("figures-replay-builder"));
    private final ScheduledExecutorService cleaner = Executors.newSingleThreadScheduledExecutor(daemon("figures-generation-cleaner"));
    private volatile FiguresStore served;
    private volatile long servedReadAt;
    private Future<?> building;
    private String lastBeatSeen;
    private boolean lagChecked;
    /** The generation last found laid out as this build writes it. */
    private String shapeChecked;

    private final long catchUpByReplayAfter;
    private long lastBeatSeenAt;

    ProjectionTarget(MongoDatabase ledgerDatabase, MongoEventLog eventLog,
                     @Value("${ledger.query.replay.stale-seconds:30}") long staleSeconds,
                     @Value("${ledger.query.replay.max-events-per-second:0}") long maxEventsPerSecond,
                     @Value("${ledger.query.replay.when-behind-by:50000}") long catchUpByReplayAfter) {
        this.database = ledgerDatabase;
        this.meta = ledgerDatabase.getCollection("figures_meta");
        this.eventLog = eventLog;
        this.staleNanos = TimeUnit.SECONDS.toNanos(staleSeconds);
        this.maxEventsPerSecond = maxEventsPerSecond;
        this.catchUpByReplayAfter = catchUpByReplayAfter;
        cleaner.scheduleWithFixedDelay(() -> {
            try {
                dropLeftovers();
            } catch (RuntimeException e) {
                log.warn("could not drop generations left behind: {}", e.toString());
            }
        }, 10, 60, TimeUnit.SECONDS);
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
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

    private FiguresStore freshStore() {
        servedReadAt = 0;
        return store();
    }

    /** The latest replay, if any was ever requested. */
    public Optional<Document> latestReplay() {
        return Optional.ofNullable(replay());
    }

    private Document replay() {
        return meta.find(new Document("_id", "replay")).first();
    }

    private static boolean noneInProgress(Document replay) {
        return replay == null || "FINISHED".equals(replay.getString("state")) || "FAILED".equals(replay.getString("state"));
    }

    /** Records a replay request; false when one is requested or running already. */
    public boolean requestReplay() {
        Document replay = replay();
        if (!noneInProgress(replay)) {
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
        // compare-and-set on the whole document: only the request that saw this finished replay wins
        return meta.replaceOne(replay, next).getModifiedCount() == 1;
    }

    /**
     * Run now and then on every instance; does something only where {@code holdsSegment}: starts a requested
     * replay, takes over one whose build stopped beating, and switches to a built one.
     */
    public synchronized void replayDuties(BooleanSupplier holdsSegment) {
        if (!holdsSegment.getAsBoolean()) {
            return;
        }
        // a query side upgraded on figures of an earlier layout rebuilds them at once, events or none
        servedOfCurrentShape();
        Document replay = replay();
        if (!lagChecked) {
            lagChecked = true;
            replay = replayIfFarBehind(replay);
        }
        if (replay == null) {
            return;
        }
        String state = replay.getString("state");
        if ("REQUESTED".equals(state)) {
            startBuild(replay, holdsSegment);
        } else if ("RUNNING".equals(state) && replay.getBoolean("built", false)) {
            finishBuiltReplay();
        } else if ("RUNNING".equals(state) && (building == null || building.isDone())) {
            String beat = replay.get("attempt") + "/" + replay.get("beat");
            if (!beat.equals(lastBeatSeen)) {
                lastBeatSeen = beat;
                lastBeatSeenAt = System.nanoTime();
            } else if (instance.equals(replay.getString("owner")) || System.nanoTime() - lastBeatSeenAt >= staleNanos) {
                log.warn("replay {}: its build (attempt {}) stopped; building again", replay.get("number"), replay.get("attempt"));
                startBuild(replay, holdsSegment);
            }
        }
    }

    /**
     * Once, when this instance first holds the segment: figures far behind the log (a query side new to an
     * existing log, or one that was down for long) are rebuilt by a replay, which is many times faster than
     * the live projection's catching up event by event.
     */
    private Document replayIfFarBehind(Document replay) {
        if (!noneInProgress(replay) || catchUpByReplayAfter <= 0) {
            return replay;
        }
        long behind = eventLog.headPosition() - freshStore().position();
        if (behind < catchUpByReplayAfter || !requestReplay()) {
            return replay;
        }
        log.info("the figures are {} events behind the log: rebuilding them by a replay", behind);
        return replay();
    }

    private void startBuild(Document replay, BooleanSupplier holdsSegment) {
        int attempt = replay.getInteger("attempt", 0) + 1;
        // a name never used before: nothing of an earlier, abandoned attempt can be in it
        String generation = "r" + replay.get("number") + "a" + attempt + "x" + Long.toString(System.currentTimeMillis(), 36);
        long upTo = eventLog.headPosition();
        Document running = new Document("_id", "replay").append("number", replay.get("number")).append("state", "RUNNING")
                .append("requestedAt", replay.getString("requestedAt"))
                .append("startedAt", replay.getString("startedAt") != null ? replay.getString("startedAt") : Instant.now().toString())
                .append("attempt", attempt).append("owner", instance).append("beat", 0L).append("built", false)
                .append("generation", generation).append("upTo", upTo).append("processed", 0L).append("total", upTo);
        if (meta.replaceOne(replay, running).getModifiedCount() != 1) {
            return; // another instance moved first
        }
        String abandoned = replay.getString("generation");
        if (abandoned != null && !abandoned.equals(store().generation())) {
            new FiguresStore(database, abandoned).drop();
        }
        log.info("replay {} (attempt {}) builds generation {} from the log up to position {}", replay.get("number"), attempt, generation, upTo);
        building = builder.submit(() -> build(attempt, generation, upTo, holdsSegment));
    }

    private void build(int attempt, String generation, long upTo, BooleanSupplier holdsSegment) {
        FiguresStore store = new FiguresStore(database, generation);
        Document mine = new Document("_id", "replay").append("attempt", attempt);
        long started = System.nanoTime();
        long[] lastBeat = {started};
        long[] beats = {0};
        try {
            GenerationBuilder.build(eventLog, store, upTo, events -> {
                if (Thread.currentThread().isInterrupted()) {
                    throw new Stopped();
                }
                if (maxEventsPerSecond > 0) {
                    long due = started + events * 1_000_000_000L / maxEventsPerSecond;
                    sleepUntil(due);
                }
                long now = System.nanoTime();
                if (now - lastBeat[0] >= BEAT_NANOS) {
                    lastBeat[0] = now;
                    if (meta.updateOne(mine, new Document("$set", new Document("processed", events).append("beat", ++beats[0])))
                            .getMatchedCount() == 0) {
                        throw new Stopped(); // another instance took the replay over
                    }
                }
            });
            if (meta.updateOne(mine, new Document("$set", new Document("built", true).append("processed", upTo).append("beat", ++beats[0])))
                    .getMatchedCount() == 0) {
                throw new Stopped();
            }
            log.info("replay built generation {} up to position {} in {} ms", generation, upTo, (System.nanoTime() - started) / 1_000_000);
            replayDuties(holdsSegment);
        } catch (Stopped | com.mongodb.MongoInterruptedException e) {
            Thread.interrupted(); // the hand-back below must still reach MongoDB
            handBack(mine, store, "REQUESTED", null);
        } catch (RuntimeException e) {
            log.error("replay into generation {} failed", generation, e);
            handBack(mine, store, "FAILED", String.valueOf(e));
        }
    }

    private void handBack(Document mine, FiguresStore store, String state, String error) {
        Document set = new Document("state", state).append("built", false);
        if (error != null) {
            set.append("error", error).append("finishedAt", Instant.now().toString());
        }
        try {
            if (meta.updateOne(mine, new Document("$set", set)).getMatchedCount() == 1) {
                store.drop();
            }
        } catch (RuntimeException e) {
            log.warn("could not hand the replay back: {}", e.toString()); // it will be found stale instead
        }
    }

    private static void sleepUntil(long nanos) {
        long wait = nanos - System.nanoTime();
        if (wait > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Stopped();
            }
        }
    }

    /** The build was stopped (shutdown) or another instance took the replay over. */
    private static final class Stopped extends RuntimeException {
        Stopped() {
            super(null, null, false, false);
        }
    }

    @PreDestroy
    void stop() throws InterruptedException {
        builder.shutdownNow();
        builder.awaitTermination(10, TimeUnit.SECONDS);
        // a generation replaced moments ago is still dropped (its drop waits a few seconds for readers)
        cleaner.shutdown();
        cleaner.awaitTermination(10, TimeUnit.SECONDS);
    }

    /**
     * Drops what is left of generations that are neither served nor being built: a process that died (or
     * stopped) between a switch and the drop of the generation it replaced leaves it behind. Only once the
     * switch is a minute old, so no reader on another instance can still hold such a generation.
     */
    void dropLeftovers() {
        for (String generation : leftovers()) {
            log.info("dropping generation {}, left behind by an earlier replay", generation);
            new FiguresStore(database, generation).drop();
        }
    }

    /**
     * Under this object's lock, as every start of a build is: a generation whose build starts meanwhile cannot
     * be taken for a leftover.
     */
    private synchronized java.util.Set<String> leftovers() {
        Document current = meta.find(new Document("_id", "current")).first();
        if (current != null && current.getString("switchedAt") != null
                && Instant.parse(current.getString("switchedAt")).isAfter(Instant.now().minusSeconds(60))) {
            return java.util.Set.of();
        }
        java.util.Set<String> keep = new java.util.HashSet<>();
        keep.add(current == null ? "g1" : current.getString("generation"));
        Document replay = replay();
        if (replay != null && !noneInProgress(replay) && replay.getString("generation") != null) {
            keep.add(replay.getString("generation"));
        }
        java.util.Set<String> leftovers = new java.util.TreeSet<>();
        for (String name : database.listCollectionNames()) {
            String generation = FiguresStore.generationOf(name);
            if (generation != null && !keep.contains(generation)) {
                leftovers.add(generation);
            }
        }
        return leftovers;
    }

    /** Folds a batch into the served generation; switches to a built replay's generation when there is one. */
    synchronized void project(List<FiguresProjector.Recorded> batch) {
        new FiguresProjector(servedOfCurrentShape(), eventLog).project(batch);
        Document replay = replay();
        if (replay != null && "RUNNING".equals(replay.getString("state")) && replay.getBoolean("built", false)) {
            finishBuiltReplay();
        }
    }

    /**
     * The served generation, once it is laid out as this build writes it. One written by an earlier build (before
     * the tables by legal process) is rebuilt from the log up to its position first, into a fresh generation
     * that is then served: nothing is ever folded into documents of another layout, and until the switch its
     * readers are told the tables by legal process are not there yet. Runs under this object's lock, so the
     * served generation does not move meanwhile; the rebuild is a replay's build, seconds for a million events.
     */
    private FiguresStore servedOfCurrentShape() {
        FiguresStore current = freshStore();
        if (current.generation().equals(shapeChecked)) {
            return current;
        }
        if (!current.ofCurrentShape()) {
            long position = current.position();
            String generation = "s" + FiguresStore.SHAPE + "x" + Long.toString(System.currentTimeMillis(), 36);
            log.info("generation {} was written by an earlier build (without the tables by legal process or the handling table): "
                    + "rebuilding it from the log "
                    + "up to position {} into generation {}", current.generation(), position, generation);
            GenerationBuilder.build(eventLog, new FiguresStore(database, generation), position, events -> {
            });
            meta.replaceOne(new Document("_id", "current"), new Document("_id", "current").append("generation", generation)
                    .append("switchedAt", Instant.now().toString()), UPSERT);
            served = null;
            cleaner.schedule(current::drop, 5, TimeUnit.SECONDS);
            current = freshStore();
        }
        shapeChecked = current.generation();
        return current;
    }

    /**
     * Brings the built generation up to the served one's position (reading the log from where the build
     * stopped), then serves it. Runs under this object's lock, as the projection does, so the served generation
     * cannot move meanwhile.
     */
    private synchronized void finishBuiltReplay() {
        Document replay = replay();
        if (replay == null || !"RUNNING".equals(replay.getString("state")) || !replay.getBoolean("built", false)) {
            return;
        }
        FiguresStore old = freshStore();
        FiguresStore built = new FiguresStore(database, replay.getString("generation"));
        FiguresProjector projector = new FiguresProjector(built, eventLog);
        List<FiguresProjector.Recorded> chunk = new ArrayList<>();
        eventLog.follow(built.position(), old.position(), event -> {
            chunk.add(new FiguresProjector.Recorded(event));
            if (chunk.size() == CATCH_UP_BATCH) {
                projector.project(chunk);
                chunk.clear();
            }
        });
        projector.project(chunk);

        meta.replaceOne(new Document("_id", "current"), new Document("_id", "current").append("generation", built.generation())
                .append("switchedAt", Instant.now().toString()), UPSERT);
        meta.updateOne(new Document("_id", "replay").append("attempt", replay.get("attempt")), new Document("$set",
                new Document("state", "FINISHED").append("processed", built.position()).append("total", eventLog.headPosition())
                        .append("finishedAt", Instant.now().toString())));
        served = null;
        log.info("replay {} finished: generation {} is served, {} is dropped", replay.get("number"), built.generation(), old.generation());
        if (!old.generation().equals(built.generation())) {
            // readers on other instances may still hold the old generation for a moment
            cleaner.schedule(old::drop, 5, TimeUnit.SECONDS);
        }
    }
}
