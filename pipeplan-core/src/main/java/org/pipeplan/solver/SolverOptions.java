package org.pipeplan.solver;

import java.util.Objects;

/**
 * Settings shared by the solvers; each solver reads those that concern it.
 *
 * @param timeLimitSeconds wall-clock limit; non-positive means none
 * @param seed             seed of every random choice, so that runs are repeatable
 * @param maxIdeals        the exact DP gives up (and falls back to a heuristic) beyond this many ideals
 * @param restarts         restarts of randomised local search
 * @param workers          threads a solver may use (results do not depend on it)
 * @param progress         where progress goes
 */
public record SolverOptions(double timeLimitSeconds, long seed, long maxIdeals, int restarts, int workers,
                            ProgressListener progress) {

    public static final long DEFAULT_MAX_IDEALS = 2_000_000;

    public SolverOptions {
        Objects.requireNonNull(progress, "progress");
        if (maxIdeals < 1) {
            throw new IllegalArgumentException("maxIdeals must be >= 1");
        }
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be >= 1");
        }
        if (restarts < 1) {
            throw new IllegalArgumentException("restarts must be >= 1");
        }
    }

    public static SolverOptions defaults() {
        return new SolverOptions(0, 1, DEFAULT_MAX_IDEALS, 10, Runtime.getRuntime().availableProcessors(),
                ProgressListener.NONE);
    }

    public SolverOptions withTimeLimit(double seconds) {
        return new SolverOptions(seconds, seed, maxIdeals, restarts, workers, progress);
    }

    public SolverOptions withSeed(long value) {
        return new SolverOptions(timeLimitSeconds, value, maxIdeals, restarts, workers, progress);
    }

    public SolverOptions withMaxIdeals(long value) {
        return new SolverOptions(timeLimitSeconds, seed, value, restarts, workers, progress);
    }

    public SolverOptions withRestarts(int value) {
        return new SolverOptions(timeLimitSeconds, seed, maxIdeals, value, workers, progress);
    }

    public SolverOptions withProgress(ProgressListener value) {
        return new SolverOptions(timeLimitSeconds, seed, maxIdeals, restarts, workers, value);
    }

    public SolverOptions withWorkers(int value) {
        return new SolverOptions(timeLimitSeconds, seed, maxIdeals, restarts, value, progress);
    }

    public Deadline deadline() {
        return Deadline.in(timeLimitSeconds);
    }
}
