package org.pipeplan.report;

/**
 * One method in the report's comparison table, as the independent evaluator sees its plan.
 *
 * @param method     solver or baseline name
 * @param status     OPTIMAL, FEASIBLE, GIVEN..., "INTERRUPTED (FEASIBLE)" for a solver stopped by an
 *                   interrupt (its plan is the best it had), "NOT RUN (interrupted)" for one never started
 * @param maxLoad    time per sample in the max-load model
 * @param latency    single-sample latency
 * @param lowerBound the bound it proved for its own objective (NaN if none)
 * @param gap        relative gap to that bound (NaN if none)
 * @param contiguous whether the plan is a pipeline of contiguous stages
 * @param feasible   whether it keeps every hard constraint
 * @param seconds    time it took
 */
public record ComparisonRow(String method, String status, double maxLoad, double latency, double lowerBound,
                            double gap, boolean contiguous, boolean feasible, double seconds) {

    /** A method the run never started because it was interrupted before: no figures. */
    public static ComparisonRow notRun(String method) {
        return new ComparisonRow(method, NOT_RUN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, false, false, 0);
    }

    /** The status of a method never started. */
    public static final String NOT_RUN = "NOT RUN (interrupted)";

    /** Whether the method ran (and the row has figures). */
    public boolean ran() {
        return !NOT_RUN.equals(status);
    }

    public double throughput() {
        return maxLoad > 0 ? 1 / maxLoad : Double.POSITIVE_INFINITY;
    }
}
