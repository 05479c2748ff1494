package org.pipeplan.report;

/**
 * One method in the report's comparison table, as the independent evaluator sees its plan.
 *
 * @param method     solver or baseline name
 * @param status     OPTIMAL, FEASIBLE, GIVEN...
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

    public double throughput() {
        return maxLoad > 0 ? 1 / maxLoad : Double.POSITIVE_INFINITY;
    }
}
