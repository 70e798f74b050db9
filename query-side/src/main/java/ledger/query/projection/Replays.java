package ledger.query.projection;

/**
 * What the live projection asks of the replay ({@code ledger.query.replay.ReplayCoordinator}), which rebuilds the
 * figures into a fresh generation beside the served one: declared here so the replay depends on the projection
 * and not the other way round.
 */
public interface Replays {

    /** Records a replay request; false when one is requested or running already. */
    boolean request();

    /** Switches to a built replay's generation, if there is one; called under the generations' monitor. */
    void finishIfBuilt();
}
