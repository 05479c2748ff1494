package org.pipeplan.cluster;

import java.util.Objects;
import org.pipeplan.planner.RunSettings;

/**
 * Settings of the cluster planners: the run's limits, and what the cluster family adds.
 *
 * @param run      time limit, seed, workers, stop signal and progress
 * @param episodes the DQN's episodes (plans built) at most; the time limit also stops it
 */
public record ClusterOptions(RunSettings run, int episodes) {

    public static final int DEFAULT_EPISODES = 2000;

    public ClusterOptions {
        Objects.requireNonNull(run, "run");
    }

    public static ClusterOptions defaults() {
        return new ClusterOptions(RunSettings.defaults(), DEFAULT_EPISODES);
    }

    public ClusterOptions withRun(RunSettings value) {
        return new ClusterOptions(value, episodes);
    }

    public ClusterOptions withEpisodes(int value) {
        return new ClusterOptions(run, value);
    }
}
