package org.pipeplan.cluster;

import org.pipeplan.planner.Planner;
import org.pipeplan.planner.UnsupportedProblemException;

/**
 * One planner for GPU clusters: pipeline stages that may be replicated and split. Implementations
 * are stateless and found by name through {@link ClusterPlanners}; a module adds one with its class
 * name in {@code META-INF/services/org.pipeplan.cluster.ClusterPlanner}.
 */
public interface ClusterPlanner extends Planner {

    /**
     * The best plan found within the options' limits; a plan without stages (status INFEASIBLE, the
     * note says why) when nothing fits. Never null.
     *
     * @throws UnsupportedProblemException when the problem is outside what this planner handles
     */
    ClusterPlan solve(ClusterProblem problem, ClusterOptions options);
}
