package ledger.query.replay;

import ledger.query.projection.FiguresProjection;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.pooled.PooledStreamingEventProcessor;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Drives replays from the instance whose processor holds the figures' segment (the only one that writes the
 * figures): starts a requested replay, takes over one whose build stopped, and switches to a built one.
 */
@Component
class ReplayStarter {

    private final ReplayCoordinator replays;
    private final EventProcessingConfiguration processing;
    private final FiguresProjection projection;

    ReplayStarter(ReplayCoordinator replays, EventProcessingConfiguration processing, FiguresProjection projection) {
        this.replays = replays;
        this.processing = processing;
        this.projection = projection;
    }

    @Scheduled(fixedDelay = 500)
    void startIfRequested() {
        replays.duties(this::holdsSegment);
    }

    private boolean holdsSegment() {
        return processing.eventProcessor(FiguresProjection.PROCESSOR, PooledStreamingEventProcessor.class)
                .map(p -> p.isRunning() && !p.processingStatus().isEmpty()).orElse(false)
                && projection.claimsSegment(); // a processor that stalled may still think it holds the segment
    }
}
