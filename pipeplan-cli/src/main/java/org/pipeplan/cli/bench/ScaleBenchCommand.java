package org.pipeplan.cli.bench;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.pipeplan.cli.options.Interrupts;
import org.pipeplan.cli.options.SolverNames;
import org.pipeplan.cli.output.TextTable;
import org.pipeplan.generate.GraphTiling;
import org.pipeplan.generate.SyntheticProblems;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.io.PlacementJsonReader;
import org.pipeplan.placement.PlacementOptions;
import org.pipeplan.placement.PlacementSolver;
import org.pipeplan.placement.PlacementSolvers;
import org.pipeplan.placement.Plan;
import org.pipeplan.placement.evaluate.Evaluation;
import org.pipeplan.placement.evaluate.MaxLoadEvaluator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "scale-bench", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Benchmarks planning as graphs grow: random DNN-like graphs, and each FILE tiled end to end, at every "
                + "size.",
            "Per case: operators, units and the blocks the DP coarsened them into, planning time, peak heap, the plan's "
                + "max-load as the independent evaluator computes it, its lower bound and gap; then how time and memory "
                + "grow with size (the exponent b of time ~ size^b between sizes). Run it with -Xmx4g to check the 4 GB target."})
public final class ScaleBenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", arity = "0..*", description = "placement-json graphs to tile to each size.")
    List<Path> files = new ArrayList<>();

    @Option(names = "--sizes", paramLabel = "N", split = ",", defaultValue = "1000,10000,100000",
            description = "Operator counts (default: ${DEFAULT-VALUE}).")
    List<Integer> sizes;

    @Option(names = {"-s", "--solver"}, defaultValue = "dp", completionCandidates = SolverNames.class,
            description = "Solver (default: ${DEFAULT-VALUE}).")
    String solver;

    @Option(names = "--time-limit", paramLabel = "SECONDS", defaultValue = "60",
            description = "Limit of each solve (default: ${DEFAULT-VALUE}).")
    double timeLimit;

    @Option(names = {"-k", "--accelerators"}, paramLabel = "K", defaultValue = "8",
            description = "Accelerators of the random graphs (default: ${DEFAULT-VALUE}); tiled graphs keep their file's.")
    int accelerators;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the random graphs (default: ${DEFAULT-VALUE}).")
    long seed;

    /** One measured case. */
    private record Row(String family, int operators, double seconds, double peakMiB) {
    }

    @Override
    public Integer call() {
        PrintWriter w = spec.commandLine().getOut();
        PlacementSolver chosen = PlacementSolvers.byName(solver);
        for (int n : sizes) {
            if (n < 2 || n > 10_000_000) {
                throw new IllegalArgumentException("--sizes must be between 2 and 10000000, got " + n);
            }
        }
        List<PlacementProblem> bases = new ArrayList<>();
        for (Path f : files) {
            bases.add(PlacementJsonReader.read(f));
        }
        PlacementOptions options = PlacementOptions.defaults().withTimeLimit(timeLimit).withSeed(seed).withStop(Interrupts.signal());
        TextTable t = new TextTable("graph", ">operators", ">edges", ">units", ">blocks", ">seconds", ">peak heap MiB",
                ">max-load", ">lower bound", ">gap", "status", "evaluator");
        List<Row> rows = new ArrayList<>();
        for (int family = -1; family < bases.size(); family++) {
            for (int n : sizes) {
                PlacementProblem p = family < 0 ? SyntheticProblems.generate(seed, n, accelerators)
                        : GraphTiling.tile(bases.get(family), Math.max(1, (n + bases.get(family).graph().size() / 2)
                                / bases.get(family).graph().size()));
                String name = family < 0 ? "synthetic" : bases.get(family).name();
                resetPeaks();
                long start = System.nanoTime();
                Plan plan = chosen.solve(p, options);
                double seconds = (System.nanoTime() - start) / 1e9;
                double peak = peakHeapMiB();
                Evaluation e = MaxLoadEvaluator.evaluate(p, plan.placement());
                boolean agrees = e.feasible() && e.contiguity().contiguous()
                        && Math.abs(e.maxLoad() - plan.value()) <= 1e-6 * Math.max(1, e.maxLoad());
                rows.add(new Row(name, p.graph().size(), seconds, peak));
                t.row(p.name(), p.graph().size(), p.graph().edgeCount(), plan.stats().get("units"),
                        plan.stats().getOrDefault("coarseUnits", plan.stats().get("units")),
                        String.format(Locale.ROOT, "%.2f", seconds), String.format(Locale.ROOT, "%.0f", peak),
                        TextTable.num(e.maxLoad()), TextTable.num(plan.lowerBound()), TextTable.percent(plan.gap()),
                        plan.status().name(), agrees ? "agrees" : "DIFFERS: " + e.violations());
                w.flush();
            }
        }
        w.print(t.render());
        w.println();
        w.println("growth between sizes (time ~ size^b, heap ~ size^c):");
        for (int i = 1; i < rows.size(); i++) {
            Row a = rows.get(i - 1);
            Row b = rows.get(i);
            if (a.family().equals(b.family()) && b.operators() > a.operators()) {
                double x = Math.log((double) b.operators() / a.operators());
                w.printf(Locale.ROOT, "  %s %d -> %d operators: b = %.2f, c = %.2f%n", b.family(), a.operators(), b.operators(),
                        Math.log(b.seconds() / Math.max(a.seconds(), 1e-3)) / x, Math.log(b.peakMiB() / a.peakMiB()) / x);
            }
        }
        double slowest = rows.stream().mapToDouble(Row::seconds).max().orElse(0);
        double heaviest = rows.stream().mapToDouble(Row::peakMiB).max().orElse(0);
        w.printf(Locale.ROOT, "slowest plan: %.1f s (target: 60 s); largest peak heap: %.0f MiB (target: 4096 MiB; "
                + "this JVM may use up to %.0f MiB)%n", slowest, heaviest, Runtime.getRuntime().maxMemory() / 1048576.0);
        return 0;
    }

    private static void resetPeaks() {
        System.gc();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
    }

    /** The sum of the heap pools' peaks since the reset: an upper bound of the heap the run held at once. */
    private static double peakHeapMiB() {
        long bytes = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                bytes += pool.getPeakUsage().getUsed();
            }
        }
        return bytes / 1048576.0;
    }
}
