package org.pipeplan.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.pipeplan.device.DeviceSpec;
import org.pipeplan.device.Topology;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.io.DeviceFileReader;
import org.pipeplan.io.InputException;
import org.pipeplan.onnx.graph.OnnxProblemBuilder;
import org.pipeplan.onnx.model.ModelWeights;
import org.pipeplan.onnx.model.OnnxModel;
import org.pipeplan.onnx.model.OnnxModelReader;
import org.pipeplan.onnx.runtime.OrtSessions;
import org.pipeplan.onnx.runtime.RandomInputs;
import org.pipeplan.onnx.runtime.StageChain;
import org.pipeplan.onnx.stage.StageFiles;
import org.pipeplan.onnx.stage.StageModel;
import org.pipeplan.onnx.stage.StageSplitter;
import org.pipeplan.onnx.testing.SharedModels;
import org.pipeplan.placement.Placement;
import org.pipeplan.placement.PlacementOptions;
import org.pipeplan.placement.Plan;
import org.pipeplan.placement.ideal.ExactDpSolver;

/**
 * Stage models cut by a plan, chained in ONNX Runtime, give the whole model's outputs: on
 * squeezenet with its weights and on structure-only models filled with random weights.
 */
class StageSplitTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} on {1} cores")
    @CsvSource({"squeezenet1_0.onnx, 3", "resnet18.graph.onnx, 4", "mobilenet_v2.graph.onnx, 3",
        "bert_base.graph.onnx, 2", "inception_v3.graph.onnx, 3"})
    void chainedStagesReproduceTheModel(String file, int cores) throws OrtException, IOException {
        OnnxModel model = OnnxModelReader.read(SharedModels.model(file));
        ModelWeights.Complete weights = ModelWeights.complete(model, 7);
        assertEquals(file.contains(".graph."), weights.randomTensors() > 0);
        PlacementProblem problem = new OnnxProblemBuilder(model,
                DeviceSpec.parse("cpu-core:" + cores, DeviceFileReader.bundledCatalog(), Topology.HOST)).build();
        Plan plan = new ExactDpSolver().solve(problem, PlacementOptions.defaults());
        List<StageModel> stages = new StageSplitter(model, weights.proto()).split(problem, plan.placement());
        assertEquals(cores, stages.size());

        Map<String, OnnxTensor> inputs = RandomInputs.of(model, 3);
        StageModel whole = new StageModel(0, "all", weights.proto(), List.copyOf(inputs.keySet()),
                model.graph().getOutputList().stream().map(v -> v.getName()).toList(), List.of());
        try (StageChain reference = new StageChain(List.of(whole), 1, OrtSessions.Optimization.NONE);
             StageChain chain = new StageChain(stages, 1, OrtSessions.Optimization.NONE)) {
            Map<String, double[]> expected = reference.run(inputs);
            Map<String, double[]> actual = chain.run(inputs);
            for (String output : whole.outputs()) {
                double[] e = expected.get(output);
                double[] a = actual.get(output);
                assertEquals(e.length, a.length, output);
                for (int i = 0; i < e.length; i++) {
                    assertTrue(Double.isFinite(e[i]), output + " is not finite");
                    assertEquals(e[i], a[i], 1e-5 * Math.max(1, Math.abs(e[i])), output + "[" + i + "]");
                }
            }
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }

        StageFiles.write(dir, model.name(), List.copyOf(inputs.keySet()), whole.outputs(), stages);
        for (StageModel s : stages) {
            ModelProto written = ModelProto.parseFrom(Files.readAllBytes(dir.resolve(s.fileName())));
            assertEquals(s.proto().getGraph().getNodeCount(), written.getGraph().getNodeCount());
        }
        assertTrue(Files.readString(dir.resolve(StageFiles.MANIFEST)).contains("\"pipeplan-stages\""));
    }

    @Test
    void aPlanWhoseDevicesFeedEachOtherIsRefused() {
        OnnxModel model = OnnxModelReader.read(SharedModels.model("resnet18.graph.onnx"));
        PlacementProblem problem = new OnnxProblemBuilder(model,
                DeviceSpec.parse("cpu-core:2", DeviceFileReader.bundledCatalog(), Topology.HOST)).build();
        int[] deviceOf = new int[problem.graph().size()];
        for (int v = 0; v < deviceOf.length; v++) {
            deviceOf[v] = v % 2; // alternating along a chain: 0 feeds 1 feeds 0
        }
        InputException e = assertThrows(InputException.class, () -> new StageSplitter(model, model.proto())
                .split(problem, new Placement(deviceOf, 2)));
        assertTrue(e.getMessage().contains("not a pipeline"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }
}
