package ledger.query.projection;

import com.mongodb.client.MongoDatabase;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops generations nobody reads any more: one replaced by a switch (a few seconds later), and what a process
 * that died (or stopped) between a switch and that drop left behind (swept every minute).
 */
final class GenerationJanitor {

    private static final Logger log = LoggerFactory.getLogger(GenerationJanitor.class);

    private final Generations generations;
    private final MongoDatabase database;
    private final ScheduledExecutorService cleaner = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "figures-generation-cleaner");
        t.setDaemon(true);
        return t;
    });

    GenerationJanitor(Generations generations, MongoDatabase database) {
        this.generations = generations;
        this.database = database;
    }

    void dropSoon(FiguresStore replaced) {
        cleaner.schedule(replaced::drop, 5, TimeUnit.SECONDS);
    }

    void sweepEveryMinute(Supplier<String> beingBuilt) {
        cleaner.scheduleWithFixedDelay(() -> {
            try {
                dropLeftovers(beingBuilt);
            } catch (RuntimeException e) {
                log.warn("could not drop generations left behind: {}", e.toString());
            }
        }, 10, 60, TimeUnit.SECONDS);
    }

    void dropLeftovers(Supplier<String> beingBuilt) {
        for (String generation : leftovers(beingBuilt)) {
            log.info("dropping generation {}, left behind by an earlier replay", generation);
            new FiguresStore(database, generation).drop();
        }
    }

    /**
     * Neither served nor being built, and only once the switch is a minute old, so no reader on another instance
     * can still hold such a generation. Under the generations' monitor, as every start of a build is: a generation
     * whose build starts meanwhile cannot be taken for a leftover.
     */
    private Set<String> leftovers(Supplier<String> beingBuilt) {
        synchronized (generations) {
            Generations.Current current = generations.current();
            if (current.switchedAt() != null && Instant.parse(current.switchedAt()).isAfter(Instant.now().minusSeconds(60))) {
                return Set.of();
            }
            Set<String> keep = new HashSet<>();
            keep.add(current.generation());
            String building = beingBuilt.get();
            if (building != null) {
                keep.add(building);
            }
            Set<String> leftovers = new TreeSet<>();
            for (String name : database.listCollectionNames()) {
                String generation = FiguresStore.generationOf(name);
                if (generation != null && !keep.contains(generation)) {
                    leftovers.add(generation);
                }
            }
            return leftovers;
        }
    }

    /** A generation replaced moments ago is still dropped (its drop waits a few seconds for readers). */
    void stop() throws InterruptedException {
        cleaner.shutdown();
        cleaner.awaitTermination(10, TimeUnit.SECONDS);
    }
}
