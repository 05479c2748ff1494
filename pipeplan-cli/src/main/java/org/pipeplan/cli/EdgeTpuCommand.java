package org.pipeplan.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.pipeplan.cli.options.OptionChecks;
import org.pipeplan.cli.options.ProblemOptions;
import org.pipeplan.cli.options.SolverSettings;
import org.pipeplan.cli.options.UsageError;
import org.pipeplan.cli.output.TerminalProgress;
import org.pipeplan.cli.output.TextTable;
import org.pipeplan.device.DeviceSpec;
import org.pipeplan.device.DeviceType;
import org.pipeplan.edgetpu.EdgeTpuCostModel;
import org.pipeplan.edgetpu.EdgeTpuOptions;
import org.pipeplan.edgetpu.EdgeTpuPlan;
import org.pipeplan.edgetpu.EdgeTpuProblem;
import org.pipeplan.edgetpu.EdgeTpuScheduler;
import org.pipeplan.edgetpu.EdgeTpuSchedulers;
import org.pipeplan.edgetpu.evaluate.EdgeTpuEvaluator;
import org.pipeplan.edgetpu.evaluate.StageTimes;
import org.pipeplan.edgetpu.format.EdgeTpuPlanWriter;
import org.pipeplan.edgetpu.split.CompilerSegmentation;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.io.DeviceFileReader;
import org.pipeplan.io.InputException;
import org.pipeplan.planner.PlanStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "edgetpu", mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        description = {"Splits an ONNX model over a pipeline of Edge TPUs.",
            "Each stage caches about 8 MiB of parameters and streams the rest from the host at every inference; "
                + "tensors used several stages later pass through the stages between. By default compares the "
                + "compiler's equal-parameter segmentation with the best split (the order split and the learned "
                + "scheduler, then the exact CP-SAT search from the better unless a closed-form bound proves it), "
                + "with its proof; --solver all adds each of them: bottleneck stage time, throughput, status and solve "
                + "time, then the stages of the best."})
final class EdgeTpuCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ProblemOptions problemOptions;

    @Mixin
    SolverSettings settings;

    /** The vendor's baseline, and the best split with its proof. */
    static final List<String> DEFAULT_SCHEDULERS = List.of("compiler", "best");

    @Option(names = "--stages", paramLabel = "N", defaultValue = "4",
            description = "Edge TPUs in the chain when --devices is not given (default: ${DEFAULT-VALUE}).")
    int stages;

    @Option(names = "--solver", split = ",", paramLabel = "NAME", completionCandidates = SchedulerNames.class,
            description = "Schedulers to run: ${COMPLETION-CANDIDATES} (default: compiler,best: the vendor's segmentation "
                    + "beside the best of the others with its proof; all for every one side by side).")
    List<String> solvers;

    @Option(names = "--checkpoint", paramLabel = "MODEL.params",
            description = "Checkpoint of the learned scheduler (default: the bundled one, made by pipeplan train).")
    Path checkpoint;

    @Option(names = {"-o", "--out"}, paramLabel = "PLAN.json", description = "Write the best split here (format pipeplan-edgetpu-plan).")
    Path out;

    @Option(names = {"-q", "--quiet"}, description = "No progress output.")
    boolean quiet;

    @Option(names = "--cost-model", paramLabel = "MODEL", defaultValue = "coral",
            description = "coral: int8 bytes, operators the Edge TPU cannot run falling back to the host CPU, one "
                    + "shared host link, --invoke-overhead per segment; classic: the model of earlier releases "
                    + "(default: ${DEFAULT-VALUE}; docs/edgetpu.md).")
    String costModel;

    @Option(names = "--invoke-overhead", paramLabel = "MS", defaultValue = "0",
            description = "Coral model: time of invoking one segment per inference, in ms (default: ${DEFAULT-VALUE}).")
    double invokeOverhead;

    /** The registered Edge TPU schedulers, for --help. */
    static final class SchedulerNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return EdgeTpuSchedulers.names().iterator();
        }
    }

    @Override
    public Integer call() {
        PrintWriter w = spec.commandLine().getOut();
        if (stages < 1) {
            throw new InputException("command line", "--stages must be >= 1");
        }
        problemOptions.defaultDevices("edge-tpu:" + stages);
        List<String> chosen = solvers == null ? DEFAULT_SCHEDULERS
                : solvers.equals(List.of("all")) ? EdgeTpuSchedulers.names() : solvers;
        for (String s : chosen) {
            if (!EdgeTpuSchedulers.contains(s)) {
                throw new InputException("command line", "unknown Edge TPU scheduler '" + s + "' ("
                        + String.join(", ", EdgeTpuSchedulers.names()) + ")");
            }
        }
        run(w, problemOptions, chosen, new EdgeTpuOptions(settings.run(TerminalProgress.forTerminal(quiet)), checkpoint), out,
                costModel(costModel, invokeOverhead));
        return 0;
    }

    /** The cost model of --cost-model and --invoke-overhead (usage errors name the option). */
    static EdgeTpuCostModel costModel(String name, double overheadMs) {
        EdgeTpuCostModel model;
        try {
            model = EdgeTpuCostModel.parse(name);
        } catch (IllegalArgumentException e) {
            throw new UsageError("--cost-model: " + e.getMessage());
        }
        OptionChecks.finite("--invoke-overhead", overheadMs, 0, 1e6);
        return model.withInvokeOverhead(overheadMs);
    }

    /**
     * The Edge TPU problem of a placement problem on devices of one type, under a cost model:
     * operators falling back run at the catalog cpu-core's roofline time.
     */
    static EdgeTpuProblem problem(PlacementProblem placement, DeviceType type, EdgeTpuCostModel model) {
        return EdgeTpuProblem.of(placement, type, model, DeviceFileReader.bundledCatalog().get("cpu-core"));
    }

    /**
     * Builds the Edge TPU problem of the ONNX model and devices of the options (chained unless a
     * topology is given), runs the schedulers and prints them.
     */
    static void run(PrintWriter w, ProblemOptions problemOptions, List<String> chosen, EdgeTpuOptions options, Path out,
                    EdgeTpuCostModel model) {
        problemOptions.defaultTopology("chain");
        var onnx = problemOptions.onnxModel();
        DeviceSpec devices = problemOptions.deviceSpec();
        List<DeviceType> types = devices.types();
        if (types.size() != 1) {
            throw new InputException("command line", "an Edge TPU pipeline needs devices of one type, got " + types.size());
        }
        EdgeTpuProblem problem = problem(problemOptions.problemOf(onnx), types.get(0), model);
        run(w, problem, types.get(0).name(), chosen, options, out);
    }

    /** Runs the chosen schedulers on an Edge TPU problem, prints their table and the best split's stages. */
    static void run(PrintWriter w, EdgeTpuProblem problem, String typeName, List<String> chosen, EdgeTpuOptions options,
                    Path out) {
        var g = problem.graph();
        var p = problem.pipeline();
        w.printf("%s: %d nodes, %d edges, %.2f MiB of parameters; %d x %s (%.2f MiB cache each)%n", g.name(), g.size(),
                g.edgeCount(), g.totalParamBytes() / (1 << 20), p.stages(), typeName, p.cacheBytes() / (1 << 20));
        printModel(w, problem);
        List<Object[]> rows = new ArrayList<>();
        EdgeTpuPlan best = null;
        double bestTime = Double.POSITIVE_INFINITY;
        double compiler = EdgeTpuEvaluator.evaluate(g, p, CompilerSegmentation.split(g, p)).bottleneck();
        for (String name : chosen) {
            EdgeTpuScheduler scheduler = EdgeTpuSchedulers.byName(name);
            long start = System.nanoTime();
            EdgeTpuPlan plan = scheduler.solve(problem, options);
            double seconds = (System.nanoTime() - start) / 1e9;
            StageTimes t = EdgeTpuEvaluator.evaluate(g, p, plan.stages());
            rows.add(new Object[] {name, TextTable.num(t.bottleneck()), TextTable.num(1000 * t.throughput(), 6),
                String.format(java.util.Locale.ROOT, "x%.3f", compiler / t.bottleneck()), status(plan), TextTable.seconds(seconds)});
            if (t.bottleneck() < bestTime) {
                bestTime = t.bottleneck();
                best = plan;
            }
        }
        TextTable table = new TextTable("scheduler", ">bottleneck ms", ">inferences/s", ">vs compiler", "status", ">seconds");
        rows.forEach(table::row);
        w.println();
        w.print(table.render());
        w.println();
        w.println("stages of the best split (" + best.scheduler() + "):");
        printStages(w, problem, best.stages());
        if (out != null) {
            EdgeTpuPlanWriter.write(out, problem, best);
            w.println("plan written to " + out);
        }
    }

    /** The cost model in use and, under Coral, which operators fall back to the host CPU. */
    static void printModel(PrintWriter w, EdgeTpuProblem problem) {
        var g = problem.graph();
        var m = problem.pipeline().model();
        if (!m.cpuFallback()) {
            w.println("cost model: " + m.name() + " (docs/edgetpu.md)");
            return;
        }
        java.util.Map<String, Integer> byType = new java.util.TreeMap<>();
        for (int v = 0; v < g.size(); v++) {
            if (!g.onTpu(v)) {
                String name = g.nodeName(v) == null ? "?" : g.nodeName(v);
                int slash = name.lastIndexOf('/');
                byType.merge(slash >= 0 ? name.substring(slash + 1).replaceAll("_\\d+$", "") : name, 1, Integer::sum);
            }
        }
        w.printf(java.util.Locale.ROOT, "cost model: coral (int8, one shared host link, %.3f ms per segment invocation); "
                + "%d of %d operators fall back to the host CPU%s%n", m.invokeOverheadMs(), g.hostOnlyCount(), g.size(),
                byType.isEmpty() ? "" : ": " + byType.entrySet().stream().map(e -> e.getKey() + " x" + e.getValue())
                        .collect(java.util.stream.Collectors.joining(", ")));
    }

    /** One row per stage: its nodes, compute, streaming, transfers, host fallback, total and parameters. */
    static void printStages(PrintWriter w, EdgeTpuProblem problem, int[] split) {
        var p = problem.pipeline();
        StageTimes t = EdgeTpuEvaluator.evaluate(problem.graph(), p, split);
        TextTable stagesTable = new TextTable(">stage", ">nodes", ">compute ms", ">streaming ms", ">transfers ms",
                ">host CPU ms", ">total ms", ">parameters");
        for (int k = 0; k < p.stages(); k++) {
            final int stage = k;
            long count = java.util.Arrays.stream(split).filter(s -> s == stage).count();
            stagesTable.row(k, count, TextTable.num(t.compute()[k]), TextTable.num(t.streaming()[k]),
                    TextTable.num(t.transfer()[k]), TextTable.num(t.host()[k]), TextTable.num(t.total(k)),
                    TextTable.bytes(t.params()[k]));
        }
        w.print(stagesTable.render());
        if (t.busTime() > 0) {
            w.printf(java.util.Locale.ROOT, "host link busy %s ms per inference%s%n", TextTable.num(t.busTime()),
                    t.busTime() >= t.bottleneck() - 1e-12 ? " (the bottleneck)" : "");
        }
    }

    /** What the table says of a plan: optimal, its gap to a proven bound, or the scheduler's note. */
    static String status(EdgeTpuPlan plan) {
        String proof = plan.status() == PlanStatus.OPTIMAL ? "optimal"
                : Double.isNaN(plan.lowerBound()) ? "" : "gap " + TextTable.percent(plan.gap());
        return plan.note().isEmpty() ? proof : proof.isEmpty() ? plan.note() : proof + " (" + plan.note() + ")";
    }
}
