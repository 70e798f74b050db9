package ledger.query.replay;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import jakarta.annotation.PreDestroy;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import ledger.eventlog.MongoEventLog;
import ledger.query.projection.FiguresStore;
import ledger.query.projection.Generations;
import ledger.query.projection.Replays;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The replay: a fresh generation of the figures built from the log at once up to the position the log had when
 * it started, while the served generation goes on following the log; once built, it is brought up to the served
 * one's position and becomes current in one write, on every instance. Only the instance whose processor holds the
 * figures' segment builds and switches.
 *
 * <p>A build beats (a counter in the replay's document) while it runs. A build that stops beating (its process
 * died) is taken over by the instance holding the segment, into yet another fresh generation; one stopped
 * cleanly hands the replay back at once. Whether a build has stopped is judged by this instance's own clock on
 * the beat it sees, so nothing depends on clocks agreeing between machines.
 */
@Component
public class ReplayCoordinator implements Replays {

    private static final Logger log = LoggerFactory.getLogger(ReplayCoordinator.class);
    private static final long BEAT_NANOS = 500_000_000L;

    private final Generations generations;
    private final MongoCollection<Document> meta;
    private final MongoEventLog eventLog;
    private final String instance = UUID.randomUUID().toString();
    private final long staleNanos;
    private final long maxEventsPerSecond;
    private final long catchUpByReplayAfter;
    private final ExecutorService builder = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "figures-replay-builder");
        t.setDaemon(true);
        return t;
    });
    // the fields below are guarded by the generations' monitor
    private Future<?> building;
    private String lastBeatSeen;
    private long lastBeatSeenAt;
    private boolean lagChecked;

    ReplayCoordinator(MongoDatabase ledgerDatabase, MongoEventLog eventLog, Generations generations,
                      @Value("${ledger.query.replay.stale-seconds:30}") long staleSeconds,
                      @Value("${ledger.query.replay.max-events-per-second:0}") long maxEventsPerSecond,
                      @Value("${ledger.query.replay.when-behind-by:50000}") long catchUpByReplayAfter) {
        this.generations = generations;
        this.meta = ledgerDatabase.getCollection("figures_meta");
        this.eventLog = eventLog;
        this.staleNanos = TimeUnit.SECONDS.toNanos(staleSeconds);
        this.maxEventsPerSecond = maxEventsPerSecond;
        this.catchUpByReplayAfter = catchUpByReplayAfter;
        generations.sweepLeftovers(() -> latest().map(Replay::generationInProgress).orElse(null));
    }

    /** The latest replay, if any was ever requested. */
    Optional<Replay> latest() {
        return Optional.ofNullable(read());
    }

    private Replay read() {
        Document d = meta.find(new Document("_id", Replay.ID)).first();
        return d == null ? null : Replay.of(d);
    }

    /** Records a replay request; false when one is requested or running already. */
    @Override
    public boolean request() {
        Replay replay = read();
        if (replay != null && replay.state().inProgress()) {
            return false;
        }
        Replay next = Replay.requested(replay, Instant.now());
        if (replay == null) {
            try {
                meta.insertOne(next.document());
                return true;
            } catch (com.mongodb.MongoWriteException e) {
                return false; // another instance recorded one first
            }
        }
        // compare-and-set on the whole document: only the request that saw this finished replay wins
        return meta.replaceOne(replay.document(), next.document()).getModifiedCount() == 1;
    }

    /**
     * Run now and then on every instance; does something only where {@code holdsSegment}: starts a requested
     * replay, takes over one whose build stopped beating, and switches to a built one.
     */
    void duties(BooleanSupplier holdsSegment) {
        synchronized (generations) {
            if (!holdsSegment.getAsBoolean()) {
                return;
            }
            // a query side upgraded on figures of an earlier layout rebuilds them at once, events or none
            generations.servedInCurrentLayout();
            Replay replay = read();
            if (!lagChecked) {
                lagChecked = true;
                replay = replayIfFarBehind(replay);
            }
            if (replay == null) {
                return;
            }
            if (replay.state() == ReplayState.REQUESTED) {
                startBuild(replay, holdsSegment);
            } else if (replay.awaitsSwitch()) {
                finishIfBuilt();
            } else if (replay.state() == ReplayState.RUNNING && (building == null || building.isDone())) {
                String beat = replay.heartbeat();
                if (!beat.equals(lastBeatSeen)) {
                    lastBeatSeen = beat;
                    lastBeatSeenAt = System.nanoTime();
                } else if (instance.equals(replay.owner()) || System.nanoTime() - lastBeatSeenAt >= staleNanos) {
                    log.warn("replay {}: its build (attempt {}) stopped; building again", replay.number(), replay.attempt());
                    startBuild(replay, holdsSegment);
                }
            }
        }
    }

    /**
     * Once, when this instance first holds the segment: figures far behind the log (a query side new to an
     * existing log, or one that was down for long) are rebuilt by a replay, which is many times faster than
     * the live projection's catching up event by event.
     */
    private Replay replayIfFarBehind(Replay replay) {
        if ((replay != null && replay.state().inProgress()) || catchUpByReplayAfter <= 0) {
            return replay;
        }
        long behind = eventLog.headPosition() - generations.servedNow().position();
        if (behind < catchUpByReplayAfter || !request()) {
            return replay;
        }
        log.info("the figures are {} events behind the log: rebuilding them by a replay", behind);
        return read();
    }

    private void startBuild(Replay replay, BooleanSupplier holdsSegment) {
        int attempt = replay.nextAttempt();
        // a name never used before: nothing of an earlier, abandoned attempt can be in it
        String generation = "r" + replay.number() + "a" + attempt + "x" + Long.toString(System.currentTimeMillis(), 36);
        long upTo = eventLog.headPosition();
        Replay running = replay.running(instance, generation, upTo, Instant.now());
        if (meta.replaceOne(replay.document(), running.document()).getModifiedCount() != 1) {
            return; // another instance moved first
        }
        String abandoned = replay.generation();
        if (abandoned != null && !abandoned.equals(generations.served().generation())) {
            generations.generation(abandoned).drop();
        }
        log.info("replay {} (attempt {}) builds generation {} from the log up to position {}", replay.number(), attempt, generation, upTo);
        building = builder.submit(() -> build(attempt, generation, upTo, holdsSegment));
    }

    private void build(int attempt, String generation, long upTo, BooleanSupplier holdsSegment) {
        FiguresStore store = generations.generation(generation);
        Document mine = Replay.ofAttempt(attempt);
        long started = System.nanoTime();
        long[] lastBeat = {started};
        long[] beats = {0};
        try {
            generations.build(store, upTo, events -> {
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
                    if (meta.updateOne(mine, Replay.beating(events, ++beats[0])).getMatchedCount() == 0) {
                        throw new Stopped(); // another instance took the replay over
                    }
                }
            });
            if (meta.updateOne(mine, Replay.builtUpTo(upTo, ++beats[0])).getMatchedCount() == 0) {
                throw new Stopped();
            }
            log.info("replay built generation {} up to position {} in {} ms", generation, upTo, (System.nanoTime() - started) / 1_000_000);
            duties(holdsSegment);
        } catch (Stopped | com.mongodb.MongoInterruptedException e) {
            Thread.interrupted(); // the hand-back below must still reach MongoDB
            handBack(mine, store, ReplayState.REQUESTED, null);
        } catch (RuntimeException e) {
            log.error("replay into generation {} failed", generation, e);
            handBack(mine, store, ReplayState.FAILED, String.valueOf(e));
        }
    }

    private void handBack(Document mine, FiguresStore store, ReplayState state, String error) {
        try {
            if (meta.updateOne(mine, Replay.handedBack(state, error, Instant.now())).getMatchedCount() == 1) {
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

    /**
     * Switches to a built replay's generation, if there is one: run after every batch the projection folds, and
     * by the duties. Under the generations' monitor, as the projection's batches are.
     */
    @Override
    public void finishIfBuilt() {
        synchronized (generations) {
            Replay replay = read();
            if (replay == null || !replay.awaitsSwitch()) {
                return;
            }
            FiguresStore built = generations.generation(replay.generation());
            FiguresStore old = generations.catchUpAndServe(built);
            meta.updateOne(Replay.ofAttempt(replay.attempt()), Replay.finished(built.position(), eventLog.headPosition(), Instant.now()));
            log.info("replay {} finished: generation {} is served, {} is dropped", replay.number(), built.generation(), old.generation());
            if (!old.generation().equals(built.generation())) {
                generations.retire(old); // readers on other instances may still hold it for a moment
            }
        }
    }

    @PreDestroy
    void stop() throws InterruptedException {
        builder.shutdownNow();
        builder.awaitTermination(10, TimeUnit.SECONDS);
    }
}
