package org.pipeplan.placement;

import java.util.Objects;
import org.pipeplan.planner.ProgressListener;
import org.pipeplan.planner.RunSettings;
import org.pipeplan.planner.StopSignal;

/**
 * Settings of the placement solvers: the run's limits, and what the placement family adds; each
 * solver reads those that concern it. Immutable: the {@code with...} methods return changed copies
 * (those of the run's settings are shortcuts for {@link #withRun}).
 *
 * @param run          time limit, seed, workers, stop signal and progress
 * @param objective    what to minimise, for solvers that offer a choice
 * @param maxIdeals    the exact DP gives up (and falls back to a heuristic) beyond this many ideals
 * @param restarts     restarts of randomised local search
 * @param subgraphs    latency: most convex subgraphs (run one after another) per accelerator
 * @param coarsenAbove the DP solvers coarsen a graph of more units than this into about half as
 *                     many blocks, and refine the plan on the fine graph
 */
public record PlacementOptions(RunSettings run, Objective objective, long maxIdeals, int restarts, int subgraphs,
                               int coarsenAbove) {

    public static final long DEFAULT_MAX_IDEALS = 2_000_000;
    public static final int DEFAULT_COARSEN_ABOVE = 3000;

    public PlacementOptions {
        Objects.requireNonNull(run, "run");
        Objects.requireNonNull(objective, "objective");
        if (maxIdeals < 1) {
            throw new IllegalArgumentException("maxIdeals must be >= 1");
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
        return new PlacementOptions(RunSettings.defaults(), Objective.MAX_LOAD, DEFAULT_MAX_IDEALS, 10, 1,
                DEFAULT_COARSEN_ABOVE);
    }

    public PlacementOptions withRun(RunSettings value) {
        return new PlacementOptions(value, objective, maxIdeals, restarts, subgraphs, coarsenAbove);
    }

    public PlacementOptions withObjective(Objective value) {
        return new PlacementOptions(run, value, maxIdeals, restarts, subgraphs, coarsenAbove);
    }

    public PlacementOptions withMaxIdeals(long value) {
        return new PlacementOptions(run, objective, value, restarts, subgraphs, coarsenAbove);
    }

    public PlacementOptions withRestarts(int value) {
        return new PlacementOptions(run, objective, maxIdeals, value, subgraphs, coarsenAbove);
    }

    public PlacementOptions withSubgraphs(int value) {
        return new PlacementOptions(run, objective, maxIdeals, restarts, value, coarsenAbove);
    }

    public PlacementOptions withCoarsenAbove(int value) {
        return new PlacementOptions(run, objective, maxIdeals, restarts, subgraphs, value);
    }

    public PlacementOptions withTimeLimit(double seconds) {
        return withRun(run.withTimeLimit(seconds));
    }

    public PlacementOptions withSeed(long value) {
        return withRun(run.withSeed(value));
    }

    public PlacementOptions withWorkers(int value) {
        return withRun(run.withWorkers(value));
    }

    public PlacementOptions withStop(StopSignal value) {
        return withRun(run.withStop(value));
    }

    public PlacementOptions withProgress(ProgressListener value) {
        return withRun(run.withProgress(value));
    }
}
