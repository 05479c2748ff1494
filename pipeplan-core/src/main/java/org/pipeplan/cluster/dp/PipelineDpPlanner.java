package org.pipeplan.cluster.dp;

import org.pipeplan.cluster.ClusterProblem;
import org.pipeplan.cluster.ParallelSpace;
import org.pipeplan.cluster.training.TrainingSpace;

/** The exact DP over plain pipelines: one GPU per stage, no replication or splitting. */
public final class PipelineDpPlanner extends ExactClusterPlanner {

    @Override
    public String name() {
        return "pipeline-gpus";
    }

    @Override
    public String description() {
        return "exact DP over plain pipelines (one GPU per stage)";
    }

    @Override
    ParallelSpace space(ClusterProblem problem) {
        return ParallelSpace.pipelineOnly();
    }

    @Override
    TrainingSpace trainingSpace() {
        return TrainingSpace.PIPELINE;
    }
}
