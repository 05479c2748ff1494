package org.pipeplan.cluster.dp;

import org.pipeplan.cluster.ClusterProblem;
import org.pipeplan.cluster.ParallelSpace;
import org.pipeplan.cluster.training.TrainingSpace;

/** The exact DP over stages, their replicas and their split degrees. */
public final class ParallelDpPlanner extends ExactClusterPlanner {

    @Override
    public String name() {
        return "parallel";
    }

    @Override
    public String description() {
        return "exact DP over stages, replicas and split degrees";
    }

    @Override
    ParallelSpace space(ClusterProblem problem) {
        return ParallelSpace.full(problem.cluster());
    }

    @Override
    TrainingSpace trainingSpace() {
        return TrainingSpace.FULL;
    }
}
