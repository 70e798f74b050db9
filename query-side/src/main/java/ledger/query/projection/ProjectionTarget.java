package ledger.query.projection;

import java.util.List;
import ledger.query.replay.ReplayCoordinator;
import org.springframework.stereotype.Component;

/**
 * What the rest of the query side sees of the figures: the served generation (see {@link Generations}), and the
 * request for a replay that rebuilds it (see {@link ReplayCoordinator}).
 */
@Component
public class ProjectionTarget {

    private final Generations generations;
    private final ReplayCoordinator replays;

    ProjectionTarget(Generations generations, ReplayCoordinator replays) {
        this.generations = generations;
        this.replays = replays;
    }

    /** The generation readers are served, as of at most 200 ms ago (another instance may have switched). */
    public FiguresStore store() {
        return generations.served();
    }

    /** Records a replay request; false when one is requested or running already. */
    public boolean requestReplay() {
        return replays.request();
    }

    /**
     * Folds a batch into the served generation, then switches to a built replay's generation when there is one;
     * both under the generations' monitor, so the served generation does not move in between.
     */
    void project(List<FiguresProjector.Recorded> batch) {
        synchronized (generations) {
            generations.project(batch);
            replays.finishIfBuilt();
        }
    }
}
