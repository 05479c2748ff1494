package org.pipeplan.cluster.dqn;

import org.pipeplan.cluster.ClusterOptions;
import org.pipeplan.cluster.ClusterPlan;
import org.pipeplan.cluster.ClusterPlanner;
import org.pipeplan.cluster.ClusterProblem;
import org.pipeplan.cluster.ParallelSpace;
import org.pipeplan.cluster.training.TrainingPlan;
import org.pipeplan.cluster.training.TrainingPlanner;
import org.pipeplan.cluster.training.TrainingProblem;
import org.pipeplan.cluster.training.TrainingSpace;
import org.pipeplan.planner.RunSettings;

/**
 * The DQN plan searches as a cluster planner: over every stage shape the cluster allows
 * ({@link DqnSearch}), and for training plans over the space of the exact training search
 * ({@link TrainingDqnSearch}). Its episode budget comes from the options; the run's time limit and
 * seed drive the search.
 */
public final class DqnPlanner implements ClusterPlanner, TrainingPlanner {

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

    /** A training plan by {@link TrainingDqnSearch} over the full space (tensor, pipeline and data parallelism). */
    @Override
    public TrainingPlan plan(TrainingProblem problem, ClusterOptions options) {
        RunSettings run = options.run();
        // no time limit (0) means the episode budget alone ends the search
        double limit = run.timeLimitSeconds() > 0 ? run.timeLimitSeconds() : Double.POSITIVE_INFINITY;
        DqnSettings settings = DqnSettings.defaults().withEpisodes(options.episodes()).withTimeLimit(limit)
                .withSeed(run.seed());
        return TrainingDqnSearch.search(problem, TrainingSpace.FULL, settings, run.progress(), run.stop()).plan();
    }
}
