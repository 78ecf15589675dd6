package org.lorapipeline.status;

/**
 * Where a run stands. Events from different topics can arrive out of order, so a run only moves to a phase of
 * higher rank: a late progress event never pulls a finished run back to TRAINING.
 */
public enum RunPhase {
    SUBMITTED(0, false),
    REGISTERED(1, false),
    LABELING(2, false),
    LABELED(3, false),
    QUEUED(4, false),
    TRAINING(5, false),
    CANCEL_REQUESTED(6, false),
    FINISHED(7, false),
    EXPORTED(8, true),
    REJECTED(9, true),
    FAILED(9, true);

    private final int rank;
    private final boolean terminal;

    RunPhase(int rank, boolean terminal) {
        this.rank = rank;
        this.terminal = terminal;
    }

    /** Order along the pipeline; REJECTED and FAILED share the last rank. */
    public int rank() {
        return rank;
    }

    public boolean terminal() {
        return terminal;
    }

    /** The phase a run is in after seeing an event that points to {@code next}. */
    public RunPhase advanceTo(RunPhase next) {
        return next.rank >= rank ? next : this;
    }
}
