package org.pipeplan.cli.bench;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.pipeplan.cli.options.Interrupts;
import org.pipeplan.cli.options.OptionChecks;
import org.pipeplan.cli.output.TextTable;
import org.pipeplan.device.DeviceSpec;
import org.pipeplan.device.DeviceType;
import org.pipeplan.device.Topology;
import org.pipeplan.edgetpu.EdgeTpuCostModel;
import org.pipeplan.edgetpu.EdgeTpuGraph;
import org.pipeplan.edgetpu.EdgeTpuOptions;
import org.pipeplan.edgetpu.EdgeTpuPipeline;
import org.pipeplan.edgetpu.EdgeTpuPlan;
import org.pipeplan.edgetpu.EdgeTpuProblem;
import org.pipeplan.edgetpu.EdgeTpuScheduler;
import org.pipeplan.edgetpu.EdgeTpuSchedulers;
import org.pipeplan.edgetpu.evaluate.EdgeTpuEvaluator;
import org.pipeplan.edgetpu.learned.LearnedPolicy;
import org.pipeplan.edgetpu.split.CompilerSegmentation;
import org.pipeplan.edgetpu.split.OrderDp;
import org.pipeplan.generate.BlockMix;
import org.pipeplan.generate.GraphTiling;
import org.pipeplan.generate.GraphWidening;
import org.pipeplan.generate.SyntheticDagGenerator;
import org.pipeplan.io.DeviceFileReader;
import org.pipeplan.onnx.graph.OnnxProblemBuilder;
import org.pipeplan.onnx.model.OnnxModelReader;
import org.pipeplan.planner.PlanStatus;
import org.pipeplan.planner.RunSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "edgetpu-bench", mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        description = {"Benchmarks the Edge TPU schedulers on ONNX models.",
            "For every model and pipeline length: the compiler's segmentation, the exact CP-SAT split and the learned "
                + "scheduler, with bottleneck stage time and solve time (after a warm-up: one exact solve to load the "
                + "native libraries, and 50 learned runs on every case so that the JIT has compiled the scheduler; the "
                + "learned time is the median of five runs), then how many learned splits are within 5%% of exact, the speed-up over exact on graphs "
                + "over 200 nodes, and the geometric mean of the learned throughput over the compiler's."})
public final class EdgeTpuBenchCommand implements Callable<Integer> {

    private static final int LEARNED_WARM_UP = 50;
    private static final int LEARNED_RUNS = 5;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "MODEL.onnx", arity = "0..*", description = "ONNX models (structure-only files are fine).")
    List<Path> models = new ArrayList<>();

    @Option(names = "--synthetic", split = ",", paramLabel = "NODES",
            description = "Also generated graphs of these sizes (seed = size), of each --family, e.g. --synthetic 1000,5000,20000.")
    List<Integer> synthetic = new ArrayList<>();

    @Option(names = "--family", split = ",", paramLabel = "MIX", defaultValue = "standard",
            description = "Block mixes of the generated graphs: standard (chains, residual, inception-like, attention-like "
                    + "blocks, all on the Edge TPU), rich (every block kind: dense blocks, squeeze-and-excitation, inverted "
                    + "residuals, inception cells, global and windowed attention, decoder stacks, with operators that fall "
                    + "back to the CPU), cnn (the convolutional blocks, a few operators falling back), dense (dense skip links), transformer (default: ${DEFAULT-VALUE}).")
    List<String> families;

    @Option(names = "--tile", paramLabel = "K", defaultValue = "1",
            description = "Each model repeated K times end to end (default: ${DEFAULT-VALUE}).")
    int tile;

    @Option(names = "--widen", paramLabel = "K", defaultValue = "1",
            description = "Each model as K parallel copies between a shared start and end (default: ${DEFAULT-VALUE}).")
    int widen;

    @Option(names = "--stages", split = ",", paramLabel = "N", defaultValue = "4,5,6",
            description = "Pipeline lengths (default: ${DEFAULT-VALUE}).")
    List<Integer> stages;

    @Option(names = "--time-limit", paramLabel = "SECONDS", defaultValue = "60",
            description = "Limit of each exact solve (default: ${DEFAULT-VALUE}).")
    double timeLimit;

    @Option(names = "--workers", paramLabel = "N", defaultValue = "2", description = "CP-SAT workers (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--checkpoint", paramLabel = "MODEL.params", description = "Checkpoint of the learned scheduler (default: the bundled one).")
    Path checkpoint;

    @Option(names = "--cost-model", paramLabel = "MODEL", defaultValue = "coral",
            description = "coral or classic, as edgetpu's --cost-model (default: ${DEFAULT-VALUE}).")
    String costModel;

    @Override
    public Integer call() {
        PrintWriter w = spec.commandLine().getOut();
        EdgeTpuOptions exactOptions = EdgeTpuOptions.defaults().withRun(RunSettings.defaults().withTimeLimit(timeLimit)
                .withWorkers(workers).withStop(Interrupts.signal()));
        EdgeTpuScheduler exactScheduler = EdgeTpuSchedulers.byName("exact");
        EdgeTpuCostModel cost;
        try {
            cost = EdgeTpuCostModel.parse(costModel);
        } catch (IllegalArgumentException e) {
            throw new org.pipeplan.cli.options.UsageError("--cost-model: " + e.getMessage());
        }
        DeviceType host = DeviceFileReader.bundledCatalog().get("cpu-core");
        OptionChecks.range("--tile", tile, 1, 1000);
        OptionChecks.range("--widen", widen, 1, 1000);
        List<BlockMix> mixes = new ArrayList<>();
        for (String f : families) {
            try {
                mixes.add(BlockMix.named(f));
            } catch (IllegalArgumentException e) {
                throw new org.pipeplan.cli.options.UsageError("--family: " + e.getMessage());
            }
        }
        List<EdgeTpuProblem> problems = new ArrayList<>();
        for (Path m : models) {
            var model = OnnxModelReader.read(m, java.util.Map.of());
            for (int s : stages) {
                DeviceSpec spec = DeviceSpec.parse("edge-tpu:" + s, DeviceFileReader.bundledCatalog(), Topology.CHAIN);
                var problem = new OnnxProblemBuilder(model, spec).build();
                problem = widen > 1 ? GraphWidening.widen(problem, widen) : problem;
                problem = tile > 1 ? GraphTiling.tile(problem, tile) : problem;
                problems.add(EdgeTpuProblem.of(problem, spec.types().get(0), cost, host));
            }
        }
        for (int size : synthetic) {
            if (size < 2 || size > 1_000_000) {
                throw new org.pipeplan.cli.options.UsageError("--synthetic sizes must be from 2 to 1000000, got " + size);
            }
            for (BlockMix mix : mixes) {
                EdgeTpuGraph g = EdgeTpuGraph.of(SyntheticDagGenerator.standard().generate(size, size, mix), cost);
                for (int s : stages) {
                    problems.add(new EdgeTpuProblem(g, EdgeTpuPipeline.edgeTpus(s).withModel(cost), new int[0]));
                }
            }
        }
        if (problems.isEmpty()) {
            throw new org.pipeplan.cli.options.UsageError("give ONNX models or --synthetic sizes");
        }
        TextTable t = new TextTable("model", ">nodes", ">stages", ">compiler ms", ">order ms", ">exact ms", "exact status",
                ">learned ms", ">learned/exact", ">learned/compiler", ">exact s", ">learned s", ">speed-up");
        int within = 0;
        int withinTwo = 0;
        int orderNotOptimal = 0;
        int learnedBeatsOrder = 0;
        double logGain = 0;
        List<Double> speedups = new ArrayList<>();
        try (LearnedPolicy learned = checkpoint == null ? LearnedPolicy.bundled() : LearnedPolicy.load(checkpoint)) {
            // warm-up: load OR-Tools and PyTorch, compile the hot paths
            EdgeTpuProblem first = problems.get(0);
            exactScheduler.solve(first, exactOptions);
            // the learned scheduler runs for a millisecond: without a warm-up on every graph its
            // timings would measure the JIT compiler rather than the scheduler
            for (int i = 0; i < LEARNED_WARM_UP; i++) {
                for (EdgeTpuProblem p : problems) {
                    learned.split(p.graph(), p.pipeline());
                }
            }
            for (EdgeTpuProblem p : problems) {
                var g = p.graph();
                var pipe = p.pipeline();
                double compiler = EdgeTpuEvaluator.evaluate(g, pipe, CompilerSegmentation.split(g, pipe)).bottleneck();
                double order = EdgeTpuEvaluator.evaluate(g, pipe, OrderDp.split(g, pipe)).bottleneck();
                EdgeTpuPlan exact = exactScheduler.solve(p, exactOptions);
                // the learned scheduler takes milliseconds: its time is the median of five runs
                LearnedPolicy.Result l = learned.split(g, pipe);
                double[] runs = new double[LEARNED_RUNS];
                for (int r = 0; r < runs.length; r++) {
                    runs[r] = learned.split(g, pipe).seconds();
                }
                java.util.Arrays.sort(runs);
                double learnedSeconds = runs[runs.length / 2];
                double ratio = l.times().bottleneck() / exact.value();
                within += ratio <= 1.05 + 1e-12 ? 1 : 0;
                withinTwo += ratio <= 1.02 + 1e-12 ? 1 : 0;
                if (order > exact.value() * (1 + 1e-9)) {
                    orderNotOptimal++;
                    learnedBeatsOrder += l.times().bottleneck() < order * (1 - 1e-9) ? 1 : 0;
                }
                logGain += Math.log(compiler / l.times().bottleneck());
                double speedup = exact.seconds() / learnedSeconds;
                if (g.size() > 200) {
                    speedups.add(speedup);
                }
                t.row(g.name(), g.size(), pipe.stages(), TextTable.num(compiler), TextTable.num(order), TextTable.num(exact.value()),
                        exact.status() == PlanStatus.OPTIMAL ? "optimal" : "gap " + TextTable.percent(exact.gap()), TextTable.num(l.times().bottleneck()),
                        String.format(Locale.ROOT, "%.4f", ratio), String.format(Locale.ROOT, "x%.3f", compiler / l.times().bottleneck()),
                        String.format(Locale.ROOT, "%.3f", exact.seconds()), String.format(Locale.ROOT, "%.4f", learnedSeconds),
                        String.format(Locale.ROOT, "x%.0f", speedup));
            }
        }
        w.print(t.render());
        w.println();
        w.printf(Locale.ROOT, "learned within 5%% of exact: %d of %d (%.0f%%); within 2%%: %d (%.0f%%; target 90%%)%n",
                within, problems.size(), 100.0 * within / problems.size(), withinTwo, 100.0 * withinTwo / problems.size());
        w.printf(Locale.ROOT, "order split not optimal on %d; learned better than it on %d of them (target: half)%n",
                orderNotOptimal, learnedBeatsOrder);
        if (!speedups.isEmpty()) {
            w.printf(Locale.ROOT, "speed-up over exact on graphs over 200 nodes: min x%.0f, median x%.0f (target x100)%n",
                    speedups.stream().mapToDouble(Double::doubleValue).min().orElse(0),
                    speedups.stream().sorted().toList().get(speedups.size() / 2));
        }
        w.printf(Locale.ROOT, "learned throughput over the compiler's, geometric mean: x%.3f (target x1.5)%n",
                Math.exp(logGain / problems.size()));
        return 0;
    }
}
