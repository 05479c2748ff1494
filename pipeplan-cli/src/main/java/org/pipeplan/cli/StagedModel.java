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
                   ModelWeights.Complete weights, int[] stageOfNode, List<StageModel> stages) {

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
        return new StagedModel(model, problem, placement, PlanEvaluation.of(problem, placement), weights, stageOfNode,
                stages);
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
}
