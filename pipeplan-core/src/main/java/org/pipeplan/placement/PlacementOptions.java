package org.pipeplan.placement;

import java.util.Objects;
import org.pipeplan.planner.Deadline;
import org.pipeplan.planner.ProgressListener;
import org.pipeplan.planner.StopSignal;

/**
 * Settings shared by the solvers; each solver reads those that concern it. Immutable: the
 * {@code with...} methods return changed copies.
 *
 * @param timeLimitSeconds wall-clock limit; non-positive means none
 * @param seed             seed of every random choice, so that runs are repeatable
 * @param maxIdeals        the exact DP gives up (and falls back to a heuristic) beyond this many ideals
 * @param restarts         restarts of randomised local search
 * @param workers          threads a solver may use (the DP's results do not depend on it)
 * @param objective        what to minimise, for solvers that offer a choice
 * @param subgraphs        latency: most convex subgraphs (run one after another) per accelerator
 * @param coarsenAbove     the DP solvers coarsen a graph of more units than this into about half as
 *                         many blocks, and refine the plan on the fine graph
 * @param stop             raised to make running solvers return their best plan at once
 * @param progress         where progress goes
 */
public record PlacementOptions(double timeLimitSeconds, long seed, long maxIdeals, int restarts, int workers,
                            Objective objective, int subgraphs, int coarsenAbove, StopSignal stop, ProgressListener progress) {

    public static final long DEFAULT_MAX_IDEALS = 2_000_000;
    public static final int DEFAULT_COARSEN_ABOVE = 3000;

    public PlacementOptions {
        Objects.requireNonNull(objective, "objective");
        Objects.requireNonNull(stop, "stop");
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
        if (subgraphs < 1) {
            throw new IllegalArgumentException("subgraphs must be >= 1");
        }
        if (coarsenAbove < 2) {
            throw new IllegalArgumentException("coarsenAbove must be >= 2");
        }
    }

    public static PlacementOptions defaults() {
        return new PlacementOptions(0, 1, DEFAULT_MAX_IDEALS, 10, Runtime.getRuntime().availableProcessors(),
                Objective.MAX_LOAD, 1, DEFAULT_COARSEN_ABOVE, new StopSignal(), ProgressListener.NONE);
    }

    public PlacementOptions withTimeLimit(double seconds) {
        return new PlacementOptions(seconds, seed, maxIdeals, restarts, workers, objective, subgraphs, coarsenAbove, stop, progress);
    }

    public PlacementOptions withSeed(long value) {
        return new PlacementOptions(timeLimitSeconds, value, maxIdeals, restarts, workers, objective, subgraphs, coarsenAbove, stop,
                progress);
    }

    public PlacementOptions withMaxIdeals(long value) {
        return new PlacementOptions(timeLimitSeconds, seed, value, restarts, workers, objective, subgraphs, coarsenAbove, stop, progress);
    }

    public PlacementOptions withRestarts(int value) {
        return new PlacementOptions(timeLimitSeconds, seed, maxIdeals, value, workers, objective, subgraphs, coarsenAbove, stop, progress);
    }

    public PlacementOptions withWorkers(int value) {
        return new PlacementOptions(timeLimitSeconds, seed, maxIdeals, restarts, value, objective, subgraphs, coarsenAbove, stop, progress);
    }

    public PlacementOptions withObjective(Objective value) {
        return new PlacementOptions(timeLimitSeconds, seed, maxIdeals, restarts, workers, value, subgraphs, coarsenAbove, stop, progress);
    }

    public PlacementOptions withSubgraphs(int value) {
        return new PlacementOptions(timeLimitSeconds, seed, maxIdeals, restarts, workers, objective, value, coarsenAbove, stop, progress);
    }

    public PlacementOptions withCoarsenAbove(int value) {
        return new PlacementOptions(timeLimitSeconds, seed, maxIdeals, restarts, workers, objective, subgraphs, value, stop, progress);
    }

    public PlacementOptions withStop(StopSignal value) {
        return new PlacementOptions(timeLimitSeconds, seed, maxIdeals, restarts, workers, objective, subgraphs, coarsenAbove, value,
                progress);
    }

    public PlacementOptions withProgress(ProgressListener value) {
        return new PlacementOptions(timeLimitSeconds, seed, maxIdeals, restarts, workers, objective, subgraphs, coarsenAbove, stop, value);
    }

    /** A fresh deadline from now, tied to the stop signal. */
    public Deadline deadline() {
        return Deadline.in(timeLimitSeconds, stop);
    }
}
