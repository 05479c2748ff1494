package org.pipeplan.cluster;

import java.util.List;
import java.util.Objects;
import org.pipeplan.planner.PlanStatus;

/**
 * A plan for a GPU cluster: pipeline stages in order, each replicated and split.
 *
 * @param stages        in pipeline order
 * @param timePerSample the solver's value: the slowest stage's time per sample, ms
 * @param solver        who made it
 * @param status        OPTIMAL when proven optimal within the solver's plan space (the note names it),
 *                      FEASIBLE for a plan without that proof, INFEASIBLE when there are no stages
 *                      (nothing fits; the note says why)
 * @param seconds       search time
 * @param note          how the search went (episodes, candidates), may be empty
 */
public record ClusterPlan(List<ClusterStage> stages, double timePerSample, String solver, PlanStatus status,
                          double seconds, String note) {

    public ClusterPlan {
        stages = List.copyOf(stages);
        Objects.requireNonNull(status, "status");
    }

    /** No plan: nothing fits; the note says why. */
    public static ClusterPlan none(String solver, double seconds, String note) {
        return new ClusterPlan(List.of(), Double.POSITIVE_INFINITY, solver, PlanStatus.INFEASIBLE, seconds, note);
    }

    /** Proven optimal within the solver's plan space. */
    public boolean optimal() {
        return status == PlanStatus.OPTIMAL;
    }

    /** The same plan with another note. */
    public ClusterPlan withNote(String value) {
        return new ClusterPlan(stages, timePerSample, solver, status, seconds, value);
    }

    public int gpusUsed() {
        return stages.stream().mapToInt(ClusterStage::gpus).sum();
    }

    /** True when no stage is replicated or split: a plain pipeline. */
    public boolean pipelineOnly() {
        return stages.stream().allMatch(s -> s.gpus() == 1);
    }

    public double throughput() {
        return 1000.0 / timePerSample;
    }
}
