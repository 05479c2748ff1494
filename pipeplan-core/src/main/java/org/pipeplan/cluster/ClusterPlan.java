package org.pipeplan.cluster;

import java.util.List;

/**
 * A plan for a GPU cluster: pipeline stages in order, each replicated and split.
 *
 * @param stages        in pipeline order
 * @param timePerSample the solver's value: the slowest stage's time per sample, ms
 * @param solver        who made it
 * @param optimal       proven optimal within the solver's plan space (the note names it)
 * @param seconds       search time
 * @param note          how the search went (episodes, candidates), may be empty
 */
public record ClusterPlan(List<ClusterStage> stages, double timePerSample, String solver, boolean optimal,
                           double seconds, String note) {

    public ClusterPlan {
        stages = List.copyOf(stages);
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
