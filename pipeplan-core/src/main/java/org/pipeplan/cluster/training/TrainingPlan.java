package org.pipeplan.cluster.training;

import java.util.Objects;
import org.pipeplan.planner.PlanStatus;

/**
 * A training plan: its decisions, its layer split and what the cost model makes of it.
 *
 * @param evaluation the plan priced by {@link TrainingCost#evaluate} (setup, chunks, ranks, memory)
 * @param boundaries the chunk boundaries over the workload's layers, 0 to its size
 * @param space      the space it was searched in
 * @param solver     who made it
 * @param status     OPTIMAL when proven best for its space, FEASIBLE when the search stopped early
 * @param bound      a proven lower bound on the iteration time of any plan of the space, ms
 * @param seconds    search time
 * @param note       how the search went
 */
public record TrainingPlan(TrainingEvaluation evaluation, int[] boundaries, TrainingSpace space, String solver,
                           PlanStatus status, double bound, double seconds, String note) {

    public TrainingPlan {
        Objects.requireNonNull(evaluation, "evaluation");
        Objects.requireNonNull(status, "status");
        boundaries = boundaries.clone();
    }

    @Override
    public int[] boundaries() {
        return boundaries.clone();
    }

    public TrainingSetup setup() {
        return evaluation.setup();
    }

    public double iterationMs() {
        return evaluation.iterationMs();
    }

    /** Layers of every chunk, in model order. */
    public int[] layersPerChunk() {
        int[] n = new int[boundaries.length - 1];
        for (int c = 0; c < n.length; c++) {
            n[c] = boundaries[c + 1] - boundaries[c];
        }
        return n;
    }

    /** The gap between the plan and the bound, as a fraction of the plan's time. */
    public double gap() {
        return iterationMs() <= 0 ? 0 : Math.max(0, (iterationMs() - bound) / iterationMs());
    }

    public TrainingPlan withSolver(String value, double secondsValue) {
        return new TrainingPlan(evaluation, boundaries, space, value, status, bound, secondsValue, note);
    }
}
