package ledger.eventlog.store;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the store takes this side's writes. A refused write ({@link #refused}) makes it not writable: readiness
 * DOWN, one log line, {@code ledger_store_writable} 0. Until then nothing is written to check it; from then on a
 * tiny idempotent write (an upsert of this instance's document in {@code store_probe}) is tried every probe
 * interval, so a side that gets no writes of its own still learns when the store takes writes again: then one log
 * line, readiness UP, and the listeners ({@link #whenWritableAgain}) are told. Every refused write the side reports
 * counts in {@code ledger_store_write_refusals_total{reason}}.
 */
public final class StoreHealth implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StoreHealth.class);

    /** Not writable since, and why; null while writable. */
    private record Refused(StoreRefusal refusal, Instant since) {
    }

    private final AtomicReference<Refused> refused = new AtomicReference<>();
    private final Map<StoreRefusal, AtomicLong> refusals = new EnumMap<>(StoreRefusal.class);
    private final List<Runnable> writableAgain = new ArrayList<>();
    private final MongoCollection<Document> probes;
    private final String instance;
    private final ScheduledExecutorService prober;

    StoreHealth(MongoDatabase database, String instance, Duration probeInterval) {
        this.probes = database.getCollection("store_probe");
        this.instance = instance;
        for (StoreRefusal r : StoreRefusal.values()) {
            refusals.put(r, new AtomicLong());
        }
        this.prober = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "store-probe");
            thread.setDaemon(true);
            return thread;
        });
        long millis = probeInterval.toMillis();
        prober.scheduleWithFixedDelay(this::probeIfRefused, millis, millis, TimeUnit.MILLISECONDS);
    }

    /**
     * Reports a fault of a write: when it is a refusal of the store, counts it and (the first time) marks the
     * store not writable; answers the refusal, if it was one.
     */
    public Optional<StoreRefusal> report(Throwable fault) {
        Optional<StoreRefusal> refusal = StoreRefusal.of(fault);
        refusal.ifPresent(this::refused);
        return refusal;
    }

    /** A write was refused for this reason. */
    public void refused(StoreRefusal refusal) {
        refusals.get(refusal).incrementAndGet();
        Refused now = refused.get();
        while (now == null || now.refusal() != refusal) {
            Refused next = new Refused(refusal, now == null ? Instant.now() : now.since());
            if (refused.compareAndSet(now, next)) {
                if (now == null) {
                    LOG.warn("the store refuses writes ({}): requests that write answer {}, readiness is DOWN; checking every few "
                            + "seconds for it to take writes again", refusal.reason(), refusal.status());
                } else {
                    LOG.warn("the store still refuses writes, now as {} (was {})", refusal.reason(), now.refusal().reason());
                }
                return;
            }
            now = refused.get();
        }
    }

    /** The reason writes are refused, if they are. */
    public Optional<StoreRefusal> refusal() {
        Refused now = refused.get();
        return now == null ? Optional.empty() : Optional.of(now.refusal());
    }

    /** Since when writes are refused, if they are. */
    public Optional<Instant> refusedSince() {
        Refused now = refused.get();
        return now == null ? Optional.empty() : Optional.of(now.since());
    }

    /** Runs {@code listener} (on the probe's thread) each time the store takes writes again after refusing them. */
    public synchronized void whenWritableAgain(Runnable listener) {
        writableAgain.add(listener);
    }

    /** One probe now, if writes are refused; answers whether the store is writable afterwards. */
    boolean probeIfRefused() {
        Refused now = refused.get();
        if (now == null) {
            return true;
        }
        try {
            probes.updateOne(Filters.eq("_id", instance), Updates.set("at", Instant.now().toString()), new UpdateOptions().upsert(true));
        } catch (RuntimeException e) {
            Optional<StoreRefusal> refusal = StoreRefusal.of(e);
            if (refusal.isPresent() && refusal.get() != now.refusal()) {
                refused(refusal.get());
            } else if (refusal.isEmpty()) {
                LOG.debug("the store probe failed otherwise than by a refusal: {}", e.getClass().getName());
            }
            return false;
        }
        if (refused.compareAndSet(now, null)) {
            long seconds = Duration.between(now.since(), Instant.now()).toSeconds();
            LOG.info("the store takes writes again after {} s of refusing them ({}): readiness is UP", seconds, now.refusal().reason());
            List<Runnable> listeners;
            synchronized (this) {
                listeners = List.copyOf(writableAgain);
            }
            for (Runnable listener : listeners) {
                try {
                    listener.run();
                } catch (RuntimeException e) {
                    LOG.warn("a listener of the store taking writes again failed: {}", e.getClass().getName());
                }
            }
        }
        return refused.get() == null;
    }

    void bindTo(MeterRegistry registry) {
        Gauge.builder("ledger.store.writable", this, h -> h.refused.get() == null ? 1 : 0)
                .description("1 while the store takes this side's writes, 0 while it refuses them").strongReference(true).register(registry);
        for (StoreRefusal r : StoreRefusal.values()) {
            AtomicLong count = refusals.get(r);
            FunctionCounter.builder("ledger.store.write.refusals", count, AtomicLong::doubleValue)
                    .description("writes of this side the store refused").tag("reason", r.reason()).register(registry);
        }
    }

    @Override
    public void close() {
        prober.shutdownNow();
    }
}
