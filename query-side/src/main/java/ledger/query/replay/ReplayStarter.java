package ledger.query.replay;

import java.util.Optional;
import ledger.query.projection.FiguresProjection;
import ledger.query.projection.ProjectionTarget;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.pooled.PooledStreamingEventProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Starts a requested replay on the instance whose processor holds the figures' segment: it stops the
 * processor, resets its token to the log's tail (the projection's reset handler opens a fresh generation) and
 * starts it again. Instances that do not hold the segment leave it to the one that does.
 */
@Component
class ReplayStarter {

    private static final Logger log = LoggerFactory.getLogger(ReplayStarter.class);

    private final ProjectionTarget figures;
    private final EventProcessingConfiguration processing;

    ReplayStarter(ProjectionTarget figures, EventProcessingConfiguration processing) {
        this.figures = figures;
        this.processing = processing;
    }

    @Scheduled(fixedDelay = 500)
    synchronized void startIfRequested() {
        boolean requested = figures.latestReplay().map(r -> "REQUESTED".equals(r.getString("state"))).orElse(false);
        if (!requested) {
            return;
        }
        Optional<PooledStreamingEventProcessor> found = processing.eventProcessor(FiguresProjection.PROCESSOR, PooledStreamingEventProcessor.class);
        if (found.isEmpty() || found.get().processingStatus().isEmpty()) {
            return;
        }
        PooledStreamingEventProcessor processor = found.get();
        processor.shutDown();
        try {
            processor.resetTokens();
        } catch (RuntimeException e) {
            log.warn("could not reset the figures processor's token now, will try again: {}", e.getMessage());
        } finally {
            processor.start();
        }
    }
}
