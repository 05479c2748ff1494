package org.pipeplan.cli;

import java.nio.file.Path;
import java.util.List;
import org.pipeplan.cli.options.ProblemOptions;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.onnx.model.ModelWeights;
import org.pipeplan.onnx.model.OnnxModel;
import org.pipeplan.onnx.stage.StageModel;
import org.pipeplan.onnx.stage.StageSplitter;
import org.pipeplan.placement.Placement;
import org.pipeplan.placement.evaluate.PlanEvaluation;
import org.pipeplan.placement.format.PlanFileReader;

/**
 * An ONNX model cut into stages by a plan file: what split, export and run share. Weights are
 * completed (external data read in, random values where a structure-only file has none).
 */
record StagedModel(OnnxModel model, PlacementProblem problem, Placement placement, PlanEvaluation evaluation,
                   ModelWeights.Complete weights, int[] stageOfNode, List<StageModel> stages, double aloneLatency) {

    static StagedModel load(ProblemOptions options, Path planFile, long seed, boolean withStages) {
        OnnxModel model = options.onnxModel();
        PlacementProblem problem = options.problemOf(model);
        if (problem.graph().hasBackward()) {
            throw new IllegalArgumentException("stages are cut from the inference graph; drop --training");
        }
        Placement placement = PlanFileReader.read(planFile, problem);
        ModelWeights.Complete weights = withStages ? ModelWeights.complete(model, seed)
                : new ModelWeights.Complete(model.proto(), 0, 0);
        StageSplitter splitter = new StageSplitter(model, weights.proto());
        int[] stageOfNode = splitter.stageOfNodes(problem, placement);
        List<StageModel> stages = withStages ? splitter.split(problem, placement) : List.of();
        PlanEvaluation evaluation = PlanEvaluation.of(problem, placement);
        // one sample at a time keeps one core busy: its latency is that of the times without contention
        // (only measured node times carry one; the roofline's problem is the same either way)
        double aloneLatency = evaluation.latency().latency();
        if (options.hasNodeTimes()) {
            PlacementProblem alone = options.problemOf(model, true);
            aloneLatency = PlanEvaluation.of(alone, PlanFileReader.read(planFile, alone)).latency().latency();
        }
        return new StagedModel(model, problem, placement, evaluation, weights, stageOfNode, stages, aloneLatency);
    }

    List<String> nodeNames() {
        return model.nodes().stream().map(OnnxModel::nodeName).toList();
    }

    List<String> modelInputs() {
        return model.graph().getInputList().stream().map(v -> v.getName()).filter(n -> !model.isConstant(n)).toList();
    }

    List<String> modelOutputs() {
        return model.graph().getOutputList().stream().map(v -> v.getName()).toList();
    }

    /** The whole model as one stage, for reference runs. */
    StageModel whole() {
        return new StageModel(0, "whole model", weights.proto(), modelInputs(), modelOutputs(), nodeNames());
    }

    /** The evaluator's load of the device a stage runs on (milliseconds per sample). */
    double predictedMs(StageModel stage) {
        return evaluation.loads().devices().stream().filter(d -> d.device().name().equals(stage.device()))
                .mapToDouble(d -> d.load()).findFirst().orElse(Double.NaN);
    }

    /**
     * The plan with every node moved to the plan stage {@code stageOfNode} gives it (the stage of
     * its module in an export; -1 leaves a node where it is): each stage on the device it has in
     * the plan.
     */
    Placement withStages(int[] stageOfNode) {
        int[] deviceOfStage = new int[maxStage(this.stageOfNode) + 1];
        java.util.Arrays.fill(deviceOfStage, -1);
        for (int i = 0; i < this.stageOfNode.length; i++) {
            int v = this.stageOfNode[i] < 0 ? -1 : problem.graph().indexOf(i);
            if (v >= 0 && this.stageOfNode[i] < deviceOfStage.length && deviceOfStage[this.stageOfNode[i]] < 0) {
                deviceOfStage[this.stageOfNode[i]] = placement.deviceOf(v);
            }
        }
        int[] device = new int[problem.graph().size()];
        for (int v = 0; v < device.length; v++) {
            device[v] = placement.deviceOf(v);
        }
        for (int i = 0; i < stageOfNode.length; i++) {
            int v = stageOfNode[i] < 0 ? -1 : problem.graph().indexOf(i);
            if (v >= 0 && stageOfNode[i] < deviceOfStage.length && deviceOfStage[stageOfNode[i]] >= 0) {
                device[v] = deviceOfStage[stageOfNode[i]];
            }
        }
        return new Placement(device, placement.deviceCount());
    }

    private static int maxStage(int[] stageOfNode) {
        int m = 0;
        for (int s : stageOfNode) {
            m = Math.max(m, s);
        }
        return m;
    }

    /**
     * One line on what the export of a plan at module granularity costs: its max-load against
     * the plan's, evaluated alike, and its stage count against the plan's.
     */
    String exportCost(org.pipeplan.onnx.export.ModuleSplit split) {
        PlanEvaluation exported = PlanEvaluation.of(problem, withStages(split.nodePlanStage()));
        double plan = evaluation.loads().maxLoad();
        double value = exported.loads().maxLoad();
        return String.format(java.util.Locale.ROOT, "exported split: %d of the plan's %d stages, max-load %s ms against the "
                        + "plan's %s ms (%+.1f%%)", split.stages(), split.planStages(),
                org.pipeplan.cli.output.TextTable.num(value), org.pipeplan.cli.output.TextTable.num(plan),
                100 * (value / plan - 1));
    }
}
