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
            description = "Above this many ideals (or when the exact DP is forecast to take longer than the time left) the DP "
                    + "splits the graph fused into blocks instead, and says so in the note (default: ${DEFAULT-VALUE}).")
    long maxIdeals;

    @Option(names = "--coarsen-above", paramLabel = "N", defaultValue = "3000",
            description = "The DP solvers coarsen graphs of more units than this into about N/2 blocks, then refine the"
                    + " split on the units (default: ${DEFAULT-VALUE}).")
    int coarsenAbove;

    @Option(names = "--restarts", paramLabel = "R", defaultValue = "10",
            description = "Restarts of the local search (default: ${DEFAULT-VALUE}).")
    int restarts;

    @Option(names = "--workers", paramLabel = "N", description = "Threads a solver may use (default and most: all cores).")
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

    private boolean fromProcessStart;

    /**
     * The time limit counts from the start of the process (start-up and reading included), as the
     * user's wall clock does: for commands that run one planner.
     */
    public void countFromProcessStart() {
        fromProcessStart = true;
    }

    /** The run's limits for a planner of any family: time limit, seed, workers, Ctrl-C and progress. */
    public RunSettings run(ProgressListener progress) {
        check();
        double limit = timeLimit;
        if (fromProcessStart && limit > 0) {
            double elapsed = ProcessHandle.current().info().startInstant()
                    .map(t -> java.time.Duration.between(t, java.time.Instant.now()).toNanos() / 1e9).orElse(0.0);
            limit = Math.max(MIN_SEARCH_SECONDS, limit - elapsed);
        }
        Interrupts.planningStarted();
        return new RunSettings(limit, seed, workers(workers), Interrupts.signal(), progress);
    }

    /** A limit already used up by start-up still gives the planner this long to return its first plan. */
    static final double MIN_SEARCH_SECONDS = 0.01;

    /** The options of the placement solvers. */
    public PlacementOptions options(ProgressListener progress) {
        return PlacementOptions.defaults().withRun(run(progress)).withMaxIdeals(maxIdeals).withRestarts(restarts)
                .withObjective(objective()).withSubgraphs(subgraphs).withCoarsenAbove(coarsenAbove);
    }

    /** Longest time limit accepted: 30 days, in seconds (0 means none). */
    public static final double MAX_TIME_LIMIT = 30 * 86400;

    private void check() {
        OptionChecks.finite("--time-limit", timeLimit, 0, MAX_TIME_LIMIT);
        OptionChecks.range("--max-ideals", maxIdeals, 1, Long.MAX_VALUE);
        OptionChecks.range("--restarts", restarts, 1, 1_000_000);
        OptionChecks.range("--subgraphs", subgraphs, 1, 1024);
        OptionChecks.range("--coarsen-above", coarsenAbove, 2, Integer.MAX_VALUE);
        if (workers != null) {
            OptionChecks.range("--workers", workers, 1, 4096);
        }
    }

    /**
     * Threads for a solver: what --workers asks, but never more than the cores, since more threads
     * than cores only share them (and make a native solver overrun its time limit and memory).
     */
    static int workers(Integer asked) {
        int cores = Runtime.getRuntime().availableProcessors();
        return asked == null ? cores : Math.min(asked, cores);
    }
}
