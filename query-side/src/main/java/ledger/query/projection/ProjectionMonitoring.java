package ledger.query.projection;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.function.ToLongFunction;
import ledger.eventlog.LogHead;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.pooled.PooledStreamingEventProcessor;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The query side's part of operations.md's health and metrics: readiness needs the figures' processor running
 * (on every instance: one holds the segment and projects, the others stand by to take it), and the gauges of the
 * projection against the log (the latest replay's are {@code ledger.query.replay.ReplayGauges}).
 */
@Configuration(proxyBeanMethods = false)
class ProjectionMonitoring {

    /** {@code projection} in the readiness group: the processor runs and is not backing off after an error. */
    @Bean
    HealthIndicator projectionHealthIndicator(EventProcessingConfiguration processing) {
        return () -> processing.eventProcessor(FiguresProjection.PROCESSOR, PooledStreamingEventProcessor.class)
                .map(p -> !p.isRunning() ? Health.down().withDetail("processor", "stopped")
                        : p.isError() ? Health.down().withDetail("processor", "in error, retrying") : Health.up())
                .orElseGet(() -> Health.down().withDetail("processor", "missing")).build();
    }

    /**
     * {@code ledger_projection_position} (the last position the served figures include),
     * {@code ledger_projection_lag_events} (the log's head minus that): computed when scraped, from one reading of
     * at most a second ago.
     */
    @Bean
    MeterBinder projectionGauges(Generations figures, LogHead head) {
        Readings readings = new Readings(figures, head);
        return registry -> {
            gauge(registry, "ledger.projection.position", "the last log position the served figures include", readings, r -> r.position);
            gauge(registry, "ledger.projection.lag.events", "the log's head minus the projection's position", readings, r -> r.lag);
        };
    }

    private static void gauge(MeterRegistry registry, String name, String description, Readings readings, ToLongFunction<Reading> value) {
        Gauge.builder(name, readings, r -> value.applyAsLong(r.get())).description(description).strongReference(true).register(registry);
    }

    private record Reading(long position, long lag) {
    }

    /** Both values from one reading, so a scrape's lag is its head minus its position. */
    private static final class Readings {
        private final Generations figures;
        private final LogHead head;
        private Reading reading;
        private long readAt;

        Readings(Generations figures, LogHead head) {
            this.figures = figures;
            this.head = head;
        }

        synchronized Reading get() {
            long now = System.nanoTime();
            if (reading == null || now - readAt >= 1_000_000_000L) {
                long position = figures.served().position();
                // read after the position, so the head is never the older of the two (but for LogHead's second)
                long headPosition = head.position();
                reading = new Reading(position, Math.max(0, headPosition - position));
                readAt = now;
            }
            return reading;
        }
    }
}
