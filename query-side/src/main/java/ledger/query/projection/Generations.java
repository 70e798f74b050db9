package ledger.query.projection;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.ReplaceOptions;
import jakarta.annotation.PreDestroy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import ledger.eventlog.MongoEventLog;
import org.bson.Document;
import org.springframework.stereotype.Component;

/**
 * Blue/green generations of the figures: which one readers are served ({@code current} in {@code figures_meta},
 * {@code g1} before any switch), building a fresh one from the log, and the switch to it, on every instance at once.
 *
 * <p>This object's monitor is held wherever the served generation may move or a generation could be taken for a
 * leftover: a batch folded, a layout upgrade, a replay's duties (its start and its switch), the janitor's sweep.
 */
@Component
public final class Generations {

    private static final ReplaceOptions UPSERT = new ReplaceOptions().upsert(true);
    private static final long CACHE_NANOS = 200_000_000L;
    private static final int CATCH_UP_BATCH = 1000;

    private final MongoDatabase database;
    private final MongoCollection<Document> meta;
    private final MongoEventLog eventLog;
    private final GenerationJanitor janitor;
    private final LayoutUpgrade layout;
    private volatile FiguresStore served;
    private volatile long servedReadAt;

    public Generations(MongoDatabase ledgerDatabase, MongoEventLog eventLog) {
        this.database = ledgerDatabase;
        this.meta = ledgerDatabase.getCollection("figures_meta");
        this.eventLog = eventLog;
        this.janitor = new GenerationJanitor(this, ledgerDatabase);
        this.layout = new LayoutUpgrade(this, eventLog);
    }

    /** The generation readers are served, as of at most 200 ms ago (another instance may have switched). */
    public FiguresStore served() {
        FiguresStore cached = served;
        if (cached == null || System.nanoTime() - servedReadAt > CACHE_NANOS) {
            cached = generation(current().generation());
            served = cached;
            servedReadAt = System.nanoTime();
        }
        return cached;
    }

    /** The served generation as {@code figures_meta} says it now. */
    public FiguresStore servedNow() {
        servedReadAt = 0;
        return served();
    }

    /**
     * The served generation, once laid out as this build writes it: one of an earlier layout is rebuilt and
     * switched to first (see {@link LayoutUpgrade}).
     */
    public synchronized FiguresStore servedInCurrentLayout() {
        return layout.served();
    }

    /** A generation's collections, by name (none may exist yet). */
    public FiguresStore generation(String name) {
        return new FiguresStore(database, name);
    }

    /** Folds a batch into the served generation (upgraded to this build's layout first). */
    synchronized void project(List<FiguresProjector.Recorded> batch) {
        new FiguresProjector(servedInCurrentLayout(), eventLog).project(batch);
    }

    /**
     * Writes into an empty generation the figures of every event up to {@code upTo} at once; {@code progress} is
     * told the events read now and then (every hundred) and may throw to stop the build.
     */
    public void build(FiguresStore fresh, long upTo, LongConsumer progress) {
        GenerationBuilder.build(eventLog, fresh, upTo, progress::accept);
    }

    /**
     * Brings a built generation up to the served one's position (reading the log from where its build stopped),
     * then serves it; answers the generation it replaced. Under this monitor, so the served one cannot move meanwhile.
     */
    public synchronized FiguresStore catchUpAndServe(FiguresStore built) {
        FiguresStore old = servedNow();
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
        serve(built.generation());
        return old;
    }

    /** The switch: one write that every instance reads within its cache's 200 ms. */
    void serve(String generation) {
        meta.replaceOne(new Document("_id", "current"), new Document("_id", "current").append("generation", generation)
                .append("switchedAt", Instant.now().toString()), UPSERT);
        served = null;
    }

    /** Drops a replaced generation in a few seconds: readers on other instances may still hold it for a moment. */
    public void retire(FiguresStore replaced) {
        janitor.dropSoon(replaced);
    }

    /**
     * From now on, every minute, drops the generations neither served nor named by {@code beingBuilt} (null when
     * no replay is in progress); read under this monitor, as every start of a build is.
     */
    public void sweepLeftovers(Supplier<String> beingBuilt) {
        janitor.sweepEveryMinute(beingBuilt);
    }

    /** The {@code current} document: the served generation and when it was switched to (null before any switch). */
    Current current() {
        Document current = meta.find(new Document("_id", "current")).first();
        return current == null ? new Current("g1", null) : new Current(current.getString("generation"), current.getString("switchedAt"));
    }

    record Current(String generation, String switchedAt) {
    }

    @PreDestroy
    void stop() throws InterruptedException {
        janitor.stop();
    }
}
