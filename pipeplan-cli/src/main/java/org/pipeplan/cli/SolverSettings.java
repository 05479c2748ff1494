package org.pipeplan.cli;

import org.pipeplan.placement.Objective;
import org.pipeplan.placement.PlacementOptions;
import org.pipeplan.planner.ProgressListener;
import picocli.CommandLine.Option;

/** Limits and seeds shared by the commands that run solvers. */
final class SolverSettings {

    @Option(names = "--time-limit", paramLabel = "SECONDS", defaultValue = "300",
            description = "Wall-clock limit per solver run; the best plan so far is returned (default: ${DEFAULT-VALUE}; 0 = none).")
    double timeLimit;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of every random choice (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--max-ideals", paramLabel = "N", defaultValue = "2000000",
            description = "Above this many ideals the exact DP falls back to a labelled heuristic (default: ${DEFAULT-VALUE}).")
    long maxIdeals;

    @Option(names = "--coarsen-above", paramLabel = "N", defaultValue = "3000",
            description = "The DP solvers coarsen graphs of more units than this into about N/2 blocks, then refine the"
                    + " split on the units (default: ${DEFAULT-VALUE}).")
    int coarsenAbove;

    @Option(names = "--restarts", paramLabel = "R", defaultValue = "10",
            description = "Restarts of the local search (default: ${DEFAULT-VALUE}).")
    int restarts;

    @Option(names = "--workers", paramLabel = "N", description = "Threads a solver may use (default: all cores).")
    Integer workers;

    @Option(names = "--objective", paramLabel = "GOAL", defaultValue = "max-load",
            description = "What to minimise: max-load (time per sample), fw+bw (largest forward plus largest backward "
                    + "load, training graphs) or latency (single sample) (default: ${DEFAULT-VALUE}).")
    String objective;

    @Option(names = "--subgraphs", paramLabel = "Q", defaultValue = "1",
            description = "Latency: most subgraphs per accelerator, run one after another (default: ${DEFAULT-VALUE}).")
    int subgraphs;

    Objective objective() {
        return Objective.fromLabel(objective);
    }

    PlacementOptions options(ProgressListener progress) {
        if (timeLimit < 0 || maxIdeals < 1 || restarts < 1 || subgraphs < 1 || (workers != null && workers < 1)
                || coarsenAbove < 2) {
            throw new IllegalArgumentException(
                    "--time-limit must be >= 0; --max-ideals, --restarts, --subgraphs and --workers >= 1; --coarsen-above >= 2");
        }
        return PlacementOptions.defaults().withTimeLimit(timeLimit).withSeed(seed).withMaxIdeals(maxIdeals)
                .withRestarts(restarts).withWorkers(workers == null ? Runtime.getRuntime().availableProcessors() : workers)
                .withObjective(objective()).withSubgraphs(subgraphs).withCoarsenAbove(coarsenAbove).withStop(Interrupts.signal())
                .withProgress(progress);
    }
}
