package ledger.query.projection;

import io.micrometer.core.instrument.binder.MeterBinder;
import ledger.eventlog.LogHead;
import ledger.query.SharedReading;
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
        SharedReading<Reading> reading = new SharedReading<>(() -> {
            long position = figures.served().position();
            // read after the position, so the head is never the older of the two (but for LogHead's second)
            long headPosition = head.position();
            return new Reading(position, Math.max(0, headPosition - position));
        });
        return registry -> {
            reading.gauge(registry, "ledger.projection.position", "the last log position the served figures include", Reading::position);
            reading.gauge(registry, "ledger.projection.lag.events", "the log's head minus the projection's position", Reading::lag);
        };
    }

    private record Reading(long position, long lag) {
    }
}
