package ledger.query.replay;

import io.micrometer.core.instrument.binder.MeterBinder;
import ledger.query.SharedReading;
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
        SharedReading<Progress> reading = new SharedReading<>(() -> replays.latest()
                .map(r -> new Progress(r.processedOrZero(), r.totalOrZero())).orElse(new Progress(0, 0)));
        return registry -> {
            reading.gauge(registry, "ledger.replay.processed.events", "the events the latest replay has folded", Progress::processed);
            reading.gauge(registry, "ledger.replay.total.events", "the events the latest replay folds", Progress::total);
        };
    }

    private record Progress(long processed, long total) {
    }
}
