package org.pipeplan.cli.bench;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.pipeplan.cli.options.Interrupts;
import org.pipeplan.cli.output.TextTable;
import org.pipeplan.cluster.ClusterOptions;
import org.pipeplan.cluster.ClusterPlan;
import org.pipeplan.cluster.ClusterPlanners;
import org.pipeplan.cluster.ClusterProblem;
import org.pipeplan.cluster.GpuCluster;
import org.pipeplan.cluster.evaluate.ClusterSimulation;
import org.pipeplan.cluster.training.TrainingFix;
import org.pipeplan.cluster.training.TrainingPlan;
import org.pipeplan.cluster.training.TrainingPlanner;
import org.pipeplan.cluster.training.TrainingProblem;
import org.pipeplan.cluster.training.TrainingSimulator;
import org.pipeplan.cluster.training.TrainingWorkload;
import org.pipeplan.device.DeviceSpec;
import org.pipeplan.device.DeviceType;
import org.pipeplan.device.Topology;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.io.DeviceFileReader;
import org.pipeplan.io.InputException;
import org.pipeplan.io.PlacementJsonReader;
import org.pipeplan.onnx.graph.OnnxProblemBuilder;
import org.pipeplan.onnx.graph.Training;
import org.pipeplan.onnx.model.OnnxModel;
import org.pipeplan.onnx.model.OnnxModelReader;
import org.pipeplan.planner.PlanStatus;
import org.pipeplan.planner.RunSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "parallel-bench", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Benchmarks the GPU-cluster planners: pipelines, replication and operator splitting.",
            "For every graph (placement-json, or ONNX in inference and training) and cluster size: the best plain "
                + "pipeline (exact DP, one GPU per stage), the exact optimum with replication and splitting (DP), and "
                + "the DQN search, with time per sample, the exact DP's stages (differences of ideals, or ranges of one "
                + "topological order when the ideals are too many), search time and the simulated throughput of the exact plan; "
                + "training graphs are planned as training plans (docs/training.md): their time per sample is the "
                + "iteration time over the mini-batch, their plan its shape (tensor, pipeline, data degrees...); "
                + "then how many DQN plans are within 2%% of the exact optimum, the longest DQN search, and the gain of "
                + "replication and splitting over pure pipelining."})
public final class ParallelBenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "placement-json graphs or ONNX models.")
    List<Path> files;

    @Option(names = "--gpus", paramLabel = "N", split = ",", defaultValue = "8,16",
            description = "Cluster sizes (default: ${DEFAULT-VALUE}).")
    List<Integer> gpuCounts;

    @Option(names = "--onnx-gpu", paramLabel = "TYPE", defaultValue = "v100-16gb",
            description = "GPU type for ONNX models: compute times from its roofline (default: ${DEFAULT-VALUE}).")
    String onnxGpu;

    @Option(names = "--episodes", paramLabel = "N", defaultValue = "2000", description = "DQN episodes (default: ${DEFAULT-VALUE}).")
    int episodes;

    @Option(names = "--time-limit", paramLabel = "SECONDS", defaultValue = "60",
            description = "Limit of each DQN search (default: ${DEFAULT-VALUE}).")
    double timeLimit;

    @Option(names = "--seed", defaultValue = "1", description = "DQN seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--gpus-per-node", paramLabel = "N", defaultValue = "8", description = "GPUs per node (default: ${DEFAULT-VALUE}).")
    int gpusPerNode;

    @Option(names = "--mini-batch", paramLabel = "B", defaultValue = "32",
            description = "Training: samples per mini-batch (default: ${DEFAULT-VALUE}).")
    int miniBatch;

    /** One graph in one mode. */
    private record Workload(String name, PlacementProblem problem, DeviceType gpu) {
    }

    @Override
    public Integer call() {
        PrintWriter w = spec.commandLine().getOut();
        var catalog = DeviceFileReader.bundledCatalog();
        DeviceType gpu;
        try {
            gpu = catalog.get(onnxGpu);
        } catch (IllegalArgumentException e) {
            throw new InputException("command line", "--onnx-gpu: " + e.getMessage());
        }
        DeviceType jsonLinks = catalog.get("v100-16gb");
        List<Workload> workloads = new ArrayList<>();
        for (Path f : files) {
            if (f.toString().endsWith(".onnx")) {
                OnnxModel model = OnnxModelReader.read(f, java.util.Map.of());
                DeviceSpec one = DeviceSpec.parse(gpu.name() + ":1", catalog, Topology.ALL_TO_ALL);
                workloads.add(new Workload(model.name(), new OnnxProblemBuilder(model, one).build(), gpu));
                workloads.add(new Workload(model.name() + "-training", new OnnxProblemBuilder(model, one)
                        .training(new Training(Training.Optimizer.parse("adam"))).build(), gpu));
            } else {
                PlacementProblem p = PlacementJsonReader.read(f);
                workloads.add(new Workload(p.name(), p, jsonLinks));
            }
        }
        ClusterOptions options = new ClusterOptions(RunSettings.defaults().withTimeLimit(timeLimit).withSeed(seed)
                .withStop(Interrupts.signal()), episodes);
        TextTable t = new TextTable("graph", ">positions", ">GPUs", ">pipeline ms", ">exact ms", "exact over", "exact plan", ">exact s",
                ">simulated/model", ">dqn ms", ">dqn/exact", ">dqn s", ">gain over pipeline");
        int within = 0;
        int cases = 0;
        double slowest = 0;
        double logGain = 0;
        double bestGain = 0;
        for (Workload wl : workloads) {
            for (int gpus : gpuCounts) {
                double memory = wl.problem().devices().all().stream().filter(d -> d.isAccelerator())
                        .mapToDouble(d -> d.memoryLimit()).filter(Double::isFinite).findFirst().orElse(wl.gpu().memoryBytes());
                GpuCluster cluster = GpuCluster.of(wl.gpu(), gpus, gpusPerNode, memory, GpuCluster.DEFAULT_INTER_NODE_BANDWIDTH);
                ClusterProblem p = new ClusterProblem(wl.problem(), cluster, miniBatch);
                Outcome pipeline = solve("pipeline-gpus", p, options);
                Outcome exact = solve("parallel", p, options);
                Outcome search = solve("dqn", p, options);
                double ratio = search.timePerSample() / exact.timePerSample();
                double gain = pipeline.timePerSample() / exact.timePerSample();
                cases++;
                within += ratio <= 1.02 + 1e-12 ? 1 : 0;
                slowest = Math.max(slowest, search.seconds());
                if (Double.isFinite(gain)) {
                    logGain += Math.log(gain);
                    bestGain = Math.max(bestGain, gain);
                }
                t.row(wl.name(), p.positions(), gpus, TextTable.num(pipeline.timePerSample()), TextTable.num(exact.timePerSample()),
                        exact.over(), exact.shape(), String.format(Locale.ROOT, "%.2f", exact.seconds()), exact.simulated(),
                        TextTable.num(search.timePerSample()), String.format(Locale.ROOT, "%.4f", ratio),
                        String.format(Locale.ROOT, "%.1f", search.seconds()), String.format(Locale.ROOT, "x%.3f", gain));
                w.flush();
            }
        }
        w.print(t.render());
        w.println();
        w.printf(Locale.ROOT, "dqn within 2%% of the exact optimum: %d of %d (target: all)%n", within, cases);
        w.printf(Locale.ROOT, "longest dqn search: %.1f s (target: 60 s)%n", slowest);
        w.printf(Locale.ROOT, "gain of replication and splitting over the best pipeline: geometric mean x%.3f, up to x%.3f%n",
                Math.exp(logGain / Math.max(1, cases)), bestGain);
        return 0;
    }

    /**
     * What a planner's plan comes to in the table: time per sample (a training plan's iteration
     * over its global batch), what the exact planner ranged over, the plan's shape, the search
     * time, and the simulated against the modelled throughput.
     */
    private record Outcome(double timePerSample, String over, String shape, double seconds, String simulated) {
    }

    /**
     * Plans with the named planner: a training graph by the iteration time of its training plans
     * (docs/training.md), an inference graph by its time per sample (docs/parallel.md).
     */
    private Outcome solve(String name, ClusterProblem p, ClusterOptions options) {
        if (p.training()) {
            TrainingProblem problem = new TrainingProblem(new TrainingWorkload(p), p.miniBatch(), 1, TrainingFix.none(),
                    p.name());
            TrainingPlan plan = ((TrainingPlanner) ClusterPlanners.byName(name)).plan(problem, options);
            if (plan.status() == PlanStatus.INFEASIBLE) {
                return new Outcome(Double.POSITIVE_INFINITY, "shapes", "no plan", plan.seconds(), "-");
            }
            double sim = TrainingSimulator.simulate(problem.cost(plan.setup()), plan.boundaries()).iterationMs();
            return new Outcome(plan.iterationMs() / p.miniBatch(), "shapes", plan.setup().toString(), plan.seconds(),
                    String.format(Locale.ROOT, "%.3f", plan.iterationMs() / sim));
        }
        ClusterPlan plan = ClusterPlanners.byName(name).solve(p, options);
        String simulated = "-";
        if (!plan.stages().isEmpty()) {
            simulated = String.format(Locale.ROOT, "%.3f", ClusterSimulation.simulate(p, plan).throughput() * plan.timePerSample());
        }
        return new Outcome(plan.timePerSample(), plan.solver().startsWith("ideal") ? "ideals" : "ranges", shape(plan),
                plan.seconds(), simulated);
    }

    /** The plan's stages as replicas x split, e.g. "8x1 | 2x4". */
    private static String shape(ClusterPlan plan) {
        return plan.stages().isEmpty() ? "no plan"
                : plan.stages().stream().map(s -> s.replicas() + "x" + s.split()).collect(Collectors.joining(" | "));
    }
}
