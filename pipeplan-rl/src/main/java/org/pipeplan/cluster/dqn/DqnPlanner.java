package org.pipeplan.cluster.dqn;

import org.pipeplan.cluster.ClusterOptions;
import org.pipeplan.cluster.ClusterPlan;
import org.pipeplan.cluster.ClusterPlanner;
import org.pipeplan.cluster.ClusterProblem;
import org.pipeplan.cluster.ParallelSpace;
import org.pipeplan.planner.RunSettings;

/**
 * The DQN plan search ({@link DqnSearch}) as a cluster planner, over every stage shape the cluster
 * allows. Its episode budget comes from the options; the run's time limit and seed drive the search.
 */
public final class DqnPlanner implements ClusterPlanner {

    @Override
    public String name() {
        return "dqn";
    }

    @Override
    public String description() {
        return "DQN plan search (after Auto-MAP) over stages, replicas and split degrees";
    }

    @Override
    public ClusterPlan solve(ClusterProblem problem, ClusterOptions options) {
        RunSettings run = options.run();
        DqnSettings settings = DqnSettings.defaults().withEpisodes(options.episodes()).withTimeLimit(run.timeLimitSeconds())
                .withSeed(run.seed());
        return DqnSearch.search(problem, ParallelSpace.full(problem.cluster()), settings, run.progress(), run.stop()).plan();
    }
}
