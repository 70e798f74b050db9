package ledger.query.replay;

/** A replay's state, stored and answered by its name. */
enum ReplayState {
    /** Asked for (or handed back by a build that stopped cleanly): the instance holding the segment starts it. */
    REQUESTED,
    /** A build runs, or ran and awaits the switch ({@code built}); taken over once it stops beating. */
    RUNNING,
    FINISHED,
    FAILED;

    /** Only one replay at a time: another may be requested once this one is over. */
    boolean inProgress() {
        return this == REQUESTED || this == RUNNING;
    }
}
