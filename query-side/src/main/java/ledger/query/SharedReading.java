package ledger.query;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * A reading taken when a gauge is scraped, at most once a second, and shared by the gauges computed from it: the
 * values of one scrape come from one reading and agree with each other.
 */
public final class SharedReading<T> {

    private static final long SECOND_NANOS = 1_000_000_000L;

    private final Supplier<T> read;
    private T reading;
    private long readAt;

    public SharedReading(Supplier<T> read) {
        this.read = read;
    }

    synchronized T get() {
        long now = System.nanoTime();
        if (reading == null || now - readAt >= SECOND_NANOS) {
            reading = read.get();
            readAt = now;
        }
        return reading;
    }

    /** Registers the gauge {@code name} of one value of this reading. */
    public void gauge(MeterRegistry registry, String name, String description, ToLongFunction<T> value) {
        Gauge.builder(name, this, r -> value.applyAsLong(r.get())).description(description).strongReference(true).register(registry);
    }
}
