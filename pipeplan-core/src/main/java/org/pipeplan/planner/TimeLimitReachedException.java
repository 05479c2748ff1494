package org.pipeplan.planner;

/** Thrown inside a solver when its deadline passes; the solver catches it and returns its best plan. */
public class TimeLimitReachedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TimeLimitReachedException(String phase) {
        super("time limit reached while " + phase);
    }
}
