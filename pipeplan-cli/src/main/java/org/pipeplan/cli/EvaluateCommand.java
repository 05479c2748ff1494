package org.pipeplan.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.pipeplan.cli.options.ClusterSettings;
import org.pipeplan.cli.options.ProblemOptions;
import org.pipeplan.cli.output.ClusterPlanPrinter;
import org.pipeplan.cli.output.PlanPrinter;
import org.pipeplan.cli.output.TextTable;
import org.pipeplan.cli.output.TrainingPlanPrinter;
import org.pipeplan.cluster.ClusterPlan;
import org.pipeplan.cluster.ClusterProblem;
import org.pipeplan.cluster.format.ClusterPlanReader;
import org.pipeplan.cluster.format.ClusterPlanWriter;
import org.pipeplan.cluster.training.format.TrainingPlanWriter;
import org.pipeplan.device.DeviceType;
import org.pipeplan.edgetpu.EdgeTpuPlan;
import org.pipeplan.edgetpu.EdgeTpuProblem;
import org.pipeplan.edgetpu.evaluate.EdgeTpuEvaluator;
import org.pipeplan.edgetpu.evaluate.StageTimes;
import org.pipeplan.edgetpu.format.EdgeTpuPlanReader;
import org.pipeplan.edgetpu.format.EdgeTpuPlanWriter;
import org.pipeplan.edgetpu.format.MeasuredSegments;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.io.InputException;
import org.pipeplan.io.JsonFields;
import org.pipeplan.placement.Placement;
import org.pipeplan.placement.evaluate.PlanEvaluation;
import org.pipeplan.placement.format.PlanFileReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        description = {"Evaluates a given split of a graph.",
            "Prints per-device load, max-load, memory, feasibility and contiguity. PLAN is a pipeplan plan or a "
                + "split in the reference format (fpgas/cpus node lists, as the human-expert splits); nodes it "
                + "leaves out follow their colocation class, so an inference split also places the training graph. "
                + "A cluster plan (format pipeplan-parallel-plan, from plan -s parallel|pipeline-gpus|dqn) is evaluated "
                + "and simulated on the cluster the cluster options describe; an Edge TPU split (format "
                + "pipeplan-edgetpu-plan) on a chain of as many Edge TPUs as it has stages, unless --devices says "
                + "otherwise; a training plan (format pipeplan-training-plan, from plan --model or --training on a "
                + "cluster) is priced again and simulated for the model and cluster the options give (docs/plan-format.md). Exits with 3 when the split breaks a hard constraint."})
final class EvaluateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ProblemOptions problemOptions;

    @Mixin
    ClusterSettings cluster;

    @Option(names = {"-p", "--plan"}, required = true, paramLabel = "PLAN.json", description = "The split to evaluate.")
    Path planFile;

    @Option(names = "--show-nodes", description = "List the node ids on every device.")
    boolean showNodes;

    @Option(names = "--measured", paramLabel = "TIMES.json",
            description = "Edge TPU splits: segment latencies measured on hardware (format pipeplan-edgetpu-measured); "
                    + "prints predicted against measured per stage and the invocation overhead that fits them.")
    Path measured;

    @Override
    public Integer call() {
        PrintWriter w = spec.commandLine().getOut();
        JsonNode root = JsonFields.parse(planFile);
        String format = root.path("format").asText("");
        if (format.equals(ClusterPlanWriter.FORMAT)) {
            return evaluateCluster(w);
        }
        if (format.equals(TrainingPlanWriter.FORMAT)) {
            return evaluateTraining(w);
        }
        if (format.equals(EdgeTpuPlanWriter.FORMAT)) {
            return evaluateEdgeTpu(w);
        }
        PlacementProblem problem = problemOptions.load();
        Placement placement = PlanFileReader.read(planFile, problem);
        PlanEvaluation evaluation = PlanEvaluation.of(problem, placement);
        w.println(PlanPrinter.describe(problem));
        w.println("plan " + planFile + ": " + PlanPrinter.metrics(problem, evaluation));
        w.println("contiguous " + (evaluation.loads().contiguity().contiguous() ? "yes" : "no") + "  feasible "
                + (evaluation.feasible() ? "yes" : "NO"));
        w.println();
        w.print(PlanPrinter.deviceTable(evaluation.loads(), List.of()));
        PlanPrinter.printProblems(w, evaluation);
        if (showNodes) {
            w.println();
            PlanPrinter.printNodes(w, problem, placement);
        }
        return evaluation.feasible() ? 0 : PipeplanCommand.EXIT_INFEASIBLE;
    }

    /** A cluster plan, re-evaluated and simulated on the cluster of the options. */
    private int evaluateCluster(PrintWriter w) {
        ClusterProblem problem = cluster.problem(problemOptions.load(), problemOptions);
        ClusterPlan plan = ClusterPlanReader.read(planFile, problem);
        return ClusterPlanPrinter.print(w, problem, plan, null) ? 0 : PipeplanCommand.EXIT_INFEASIBLE;
    }

    /** A training plan, priced again by the cost model and simulated on the cluster of the options. */
    private int evaluateTraining(PrintWriter w) {
        TrainingPlanFile f = TrainingPlanFile.read(planFile, problemOptions, cluster, w);
        return TrainingPlanPrinter.printEvaluation(w, f.problem(), f.plan()) ? 0 : PipeplanCommand.EXIT_INFEASIBLE;
    }

    /** An Edge TPU split, re-evaluated stage by stage. */
    private int evaluateEdgeTpu(PrintWriter w) {
        problemOptions.defaultDevices("edge-tpu:" + EdgeTpuPlanReader.stagesOf(planFile));
        problemOptions.defaultTopology("chain");
        List<DeviceType> types = problemOptions.deviceSpec().types();
        if (types.size() != 1) {
            throw new InputException("command line", "an Edge TPU pipeline needs devices of one type, got " + types.size());
        }
        // evaluated under the cost model the plan was made under (classic for files without one)
        EdgeTpuProblem problem = EdgeTpuCommand.problem(problemOptions.load(), types.get(0),
                EdgeTpuPlanReader.costModelOf(planFile));
        EdgeTpuPlan plan = EdgeTpuPlanReader.read(planFile, problem);
        StageTimes times;
        try {
            times = EdgeTpuEvaluator.evaluate(problem.graph(), problem.pipeline(), plan.stages());
        } catch (IllegalArgumentException e) {
            w.println("plan " + planFile + " (" + plan.scheduler() + "): not a valid split");
            w.println("PROBLEM: " + e.getMessage());
            return PipeplanCommand.EXIT_INFEASIBLE;
        }
        var g = problem.graph();
        w.printf(Locale.ROOT, "%s: %d nodes, %d edges, %.2f MiB of parameters; %d Edge TPU stages (%.2f MiB cache each)%n",
                g.name(), g.size(), g.edgeCount(), g.totalParamBytes() / (1 << 20), problem.pipeline().stages(),
                problem.pipeline().cacheBytes() / (1 << 20));
        w.println("plan " + planFile + " (" + plan.scheduler() + "): bottleneck " + TextTable.num(times.bottleneck())
                + " ms, " + TextTable.num(1000 * times.throughput(), 6) + " inferences/s");
        if (Double.isFinite(plan.value()) && Math.abs(plan.value() - times.bottleneck()) > 1e-9 * Math.max(1, times.bottleneck())) {
            w.println("WARNING: the plan's bottleneck " + TextTable.num(plan.value()) + " differs from the evaluator's "
                    + TextTable.num(times.bottleneck()));
        }
        w.println();
        EdgeTpuCommand.printStages(w, problem, plan.stages());
        if (measured != null) {
            compareMeasured(w, problem, times, MeasuredSegments.read(measured));
        }
        return 0;
    }

    /**
     * Predicted against measured segment times, and the invocation overhead that fits them: the
     * mean of what the measurements exceed the prediction by (without the overhead it holds), never
     * below 0. The overhead to pass to edgetpu --invoke-overhead for later plans.
     */
    private void compareMeasured(PrintWriter w, EdgeTpuProblem problem, StageTimes times, MeasuredSegments m) {
        int used = 0;
        for (int k = 0; k < times.stages(); k++) {
            used += times.total(k) > 0 ? 1 : 0;
        }
        if (m.ms().length != used) {
            throw new InputException(measured, m.ms().length + " segment times for a split of " + used
                    + " non-empty stages");
        }
        TextTable t = new TextTable(">stage", ">predicted ms", ">measured ms", ">error");
        double excess = 0;
        int i = 0;
        double worst = 0;
        for (int k = 0; k < times.stages(); k++) {
            if (times.total(k) == 0) {
                continue;
            }
            double predicted = times.total(k);
            double actual = m.ms()[i++];
            excess += actual - (predicted - times.overhead()[k]);
            worst = Math.max(worst, Math.abs(predicted - actual) / actual);
            t.row(k, TextTable.num(predicted), TextTable.num(actual),
                    String.format(Locale.ROOT, "%+.1f%%", 100 * (predicted - actual) / actual));
        }
        w.println();
        w.println("measured (" + measured + ", cost model " + problem.pipeline().model().name() + "):");
        w.print(t.render());
        w.printf(Locale.ROOT, "worst stage error %.1f%%; the invocation overhead that fits the measurements: %s ms per "
                + "segment (edgetpu --invoke-overhead)%n", 100 * worst, TextTable.num(Math.max(0, excess / used)));
    }
}
