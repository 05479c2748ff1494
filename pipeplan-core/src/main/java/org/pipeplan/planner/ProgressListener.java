package org.pipeplan.planner;

/**
 * Receives progress from long-running work. Implementations must be cheap: solvers call
 * {@link #advance} often. The CLI draws a progress bar from it.
 */
public interface ProgressListener {

    /** Ignores everything. */
    ProgressListener NONE = new ProgressListener() {
    };

    /** A new phase starts; {@code total} steps, or -1 when unknown. */
    default void begin(String phase, long total) {
    }

    /** {@code done} steps of the current phase are finished. */
    default void advance(long done) {
    }

    /** A short status line (an incumbent, a bound...). */
    default void message(String text) {
    }

    /** The current phase is over. */
    default void end() {
    }
}
