package org.pipeplan.cluster.training;

import org.pipeplan.cluster.ClusterOptions;
import org.pipeplan.planner.Planner;

/**
 * A cluster planner's training side: the plan of a training problem that minimises the time of an
 * iteration (docs/training.md). The cluster planners that plan training implement it beside
 * {@code ClusterPlanner}, under the same name.
 */
public interface TrainingPlanner extends Planner {

    /**
     * The best plan found within the options' limits for the problem's fixed decisions, or
     * {@link TrainingPlans#none} (status INFEASIBLE, the note says why) when nothing fits. Never null.
     */
    TrainingPlan plan(TrainingProblem problem, ClusterOptions options);
}
