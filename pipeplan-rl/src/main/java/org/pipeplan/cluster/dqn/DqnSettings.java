package org.pipeplan.cluster.dqn;

/**
 * How the DQN searches.
 *
 * @param episodes     plans built, one per episode (the search stops earlier at the time limit)
 * @param timeLimit    seconds at most
 * @param seed         seeds the weights, exploration and replay: a search that ends on its
 *                     episode budget is the same every time
 * @param learningRate Adam's step size
 */
public record DqnSettings(int episodes, double timeLimit, long seed, double learningRate) {

    public DqnSettings {
        if (episodes < 1) {
            throw new IllegalArgumentException("the DQN needs at least one episode, got " + episodes);
        }
        if (!(timeLimit >= 0)) {
            throw new IllegalArgumentException("the time limit must be a number >= 0 (0 or infinity: none), got " + timeLimit);
        }
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException("the learning rate must be positive, got " + learningRate);
        }
    }

    public static DqnSettings defaults() {
        return new DqnSettings(2000, 60, 1, 1e-3);
    }

    public DqnSettings withEpisodes(int value) {
        return new DqnSettings(value, timeLimit, seed, learningRate);
    }

    public DqnSettings withTimeLimit(double value) {
        return new DqnSettings(episodes, value, seed, learningRate);
    }

    public DqnSettings withSeed(long value) {
        return new DqnSettings(episodes, timeLimit, value, learningRate);
    }
}
