package org.pipeplan.cluster.dp;

import org.pipeplan.cluster.ClusterOptions;
import org.pipeplan.cluster.ClusterPlan;
import org.pipeplan.cluster.ClusterPlanner;
import org.pipeplan.cluster.ClusterProblem;
import org.pipeplan.cluster.ParallelSpace;
import org.pipeplan.cluster.training.TrainingPlan;
import org.pipeplan.cluster.training.TrainingPlanner;
import org.pipeplan.cluster.training.TrainingPlans;
import org.pipeplan.cluster.training.TrainingProblem;
import org.pipeplan.cluster.training.TrainingSpace;

/**
 * The exact cluster DP over one space of stage shapes: over all ideals of the pipeline order when
 * they are few enough to pair up ({@link IdealParallelDp}), else over the ranges of one topological
 * order ({@link ParallelDp}), which the note then says.
 */
abstract class ExactClusterPlanner implements ClusterPlanner, TrainingPlanner {

    /** The training plans this planner searches: the exact search over its space (docs/training.md). */
    @Override
    public TrainingPlan plan(TrainingProblem problem, ClusterOptions options) {
        return TrainingPlans.exact(problem, trainingSpace(), options.run().deadline(), name(), options.run().progress());
    }

    /** The shapes of training plans this planner covers. */
    abstract TrainingSpace trainingSpace();


    /** The stage shapes this planner may use on the problem's cluster. */
    abstract ParallelSpace space(ClusterProblem problem);

    @Override
    public ClusterPlan solve(ClusterProblem problem, ClusterOptions options) {
        ParallelSpace space = space(problem);
        ClusterPlan overIdeals = IdealParallelDp.solve(problem, space, IdealParallelDp.DEFAULT_MAX_IDEALS);
        if (overIdeals != null) {
            return overIdeals;
        }
        ClusterPlan ranges = ParallelDp.solve(problem, space);
        return ranges.withNote(ranges.note() + ", stages are ranges of one topological order (more than "
                + IdealParallelDp.DEFAULT_MAX_IDEALS + " ideals)");
    }
}
