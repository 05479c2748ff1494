package org.pipeplan.cli.options;

import org.pipeplan.placement.Objective;
import org.pipeplan.placement.PlacementOptions;
import org.pipeplan.planner.ProgressListener;
import org.pipeplan.planner.RunSettings;
import picocli.CommandLine.Option;

/** Limits and seeds shared by the commands that run solvers. */
public final class SolverSettings {

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

    public Objective objective() {
        return Objective.fromLabel(objective);
    }

    /** The run's limits for a planner of any family: time limit, seed, workers, Ctrl-C and progress. */
    public RunSettings run(ProgressListener progress) {
        check();
        return new RunSettings(timeLimit, seed, workers == null ? Runtime.getRuntime().availableProcessors() : workers,
                Interrupts.signal(), progress);
    }

    /** The options of the placement solvers. */
    public PlacementOptions options(ProgressListener progress) {
        return PlacementOptions.defaults().withRun(run(progress)).withMaxIdeals(maxIdeals).withRestarts(restarts)
                .withObjective(objective()).withSubgraphs(subgraphs).withCoarsenAbove(coarsenAbove);
    }

    private void check() {
        if (timeLimit < 0 || maxIdeals < 1 || restarts < 1 || subgraphs < 1 || (workers != null && workers < 1)
                || coarsenAbove < 2) {
            throw new IllegalArgumentException(
                    "--time-limit must be >= 0; --max-ideals, --restarts, --subgraphs and --workers >= 1; --coarsen-above >= 2");
        }
    }
}
