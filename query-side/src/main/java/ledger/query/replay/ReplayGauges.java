package ledger.query.replay;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@code ledger_replay_processed_events} and {@code ledger_replay_total_events}: the latest replay's (0 before
 * the first, and while one is only requested), computed when scraped from one reading of at most a second ago.
 */
@Configuration(proxyBeanMethods = false)
class ReplayGauges {

    @Bean
    MeterBinder replayProgressGauges(ReplayCoordinator replays) {
        Readings readings = new Readings(replays);
        return registry -> {
            Gauge.builder("ledger.replay.processed.events", readings, r -> r.get()[0])
                    .description("the events the latest replay has folded").strongReference(true).register(registry);
            Gauge.builder("ledger.replay.total.events", readings, r -> r.get()[1])
                    .description("the events the latest replay folds").strongReference(true).register(registry);
        };
    }

    /** Both values from one reading of the replay's document. */
    private static final class Readings {
        private final ReplayCoordinator replays;
        private long[] reading;
        private long readAt;

        Readings(ReplayCoordinator replays) {
            this.replays = replays;
        }

        synchronized long[] get() {
            long now = System.nanoTime();
            if (reading == null || now - readAt >= 1_000_000_000L) {
                reading = replays.latest().map(r -> new long[] {r.processedOrZero(), r.totalOrZero()}).orElse(new long[2]);
                readAt = now;
            }
            return reading;
        }
    }
}
