package org.pipeplan.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipeplan.device.DeviceKind;
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
import org.pipeplan.onnx.stage.StageModel;
import org.pipeplan.onnx.testing.TinyModels;

/** Reading ONNX files: with weights, external data, structure only, and every way a file can be bad. */
class OnnxInputTest {

    @TempDir
    Path dir;

    @Test
    void aModelWithWeightsBecomesAProblemWithInferredShapes() {
        OnnxModel model = OnnxModelReader.read(TinyModels.write(dir, "tiny.onnx", TinyModels.Weights.INLINE));
        assertArrayEquals(new long[] {1, 32}, model.type("h1").dims());
        assertArrayEquals(new long[] {1, 8}, model.type("z").dims());
        PlacementProblem p = new OnnxProblemBuilder(model,
                DeviceSpec.parse("v100-16gb:2,cpu-core:1", DeviceFileReader.bundledCatalog(), Topology.HOST)).build();
        assertEquals(7, p.graph().size());
        assertEquals(3, p.devices().size());
        // fc1: 2*1*32*16 FLOPs + 32 bias adds, weights 32*16*4 + 32*4 bytes
        assertEquals(32 * 16 * 4 + 32 * 4, p.graph().operator(0).memoryBytes(), 1e-9);
        assertTrue(p.graph().operator(0).computeTime(new DeviceKind("v100-16gb", false)) > 0);
    }

    @Test
    void externalDataIsReadAndGivesTheSameOutputsAsInlineWeights() throws OrtException {
        OnnxModel inline = OnnxModelReader.read(TinyModels.write(dir.resolve("a"), "tiny.onnx", TinyModels.Weights.INLINE));
        OnnxModel external = OnnxModelReader.read(TinyModels.write(dir.resolve("b"), "tiny.onnx", TinyModels.Weights.EXTERNAL));
        ModelWeights.Complete completed = ModelWeights.complete(external, 1);
        assertEquals(6, completed.externalTensors());
        assertEquals(0, completed.randomTensors());
        assertArrayEquals(output(inline, ModelWeights.complete(inline, 1).proto()), output(external, completed.proto()));
    }

    @Test
    void aStructureOnlyModelGetsSeededRandomWeights() throws OrtException {
        OnnxModel model = OnnxModelReader.read(TinyModels.write(dir, "tiny.graph.onnx", TinyModels.Weights.NONE));
        ModelWeights.Complete a = ModelWeights.complete(model, 9);
        assertEquals(6, a.randomTensors());
        assertArrayEquals(output(model, a.proto()), output(model, ModelWeights.complete(model, 9).proto()));
        double sum = 0;
        for (double v : output(model, a.proto())) {
            assertTrue(Double.isFinite(v));
            sum += v;
        }
        assertEquals(1, sum, 1e-5); // softmax
    }

    private static double[] output(OnnxModel model, ModelProto proto) throws OrtException {
        Map<String, OnnxTensor> inputs = RandomInputs.of(model, 4);
        try (StageChain chain = new StageChain(List.of(new StageModel(0, "all", proto, List.of("x"), List.of("y"),
                List.of())), 1, OrtSessions.Optimization.NONE)) {
            return chain.run(inputs).get("y");
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    @Test
    void externalDataOutsideTheModelFolderIsRefused() throws IOException {
        Path file = TinyModels.write(dir.resolve("m"), "tiny.onnx", TinyModels.Weights.EXTERNAL);
        Files.copy(dir.resolve("m/tiny.onnx.data"), dir.resolve("secret.data"));
        assertRefused(rewriteLocation(file, "../secret.data"), "leaves the model's folder");
        assertRefused(rewriteLocation(file, dir.resolve("secret.data").toAbsolutePath().toString()), "leaves the model's folder");
        Files.createSymbolicLink(dir.resolve("m/link.data"), dir.resolve("secret.data"));
        assertRefused(rewriteLocation(file, "link.data"), "through a link");
        assertRefused(rewriteLocation(file, "missing.data"), "does not exist");
        Files.write(dir.resolve("m/short.data"), new byte[10]);
        assertRefused(rewriteLocation(file, "short.data"), "holds 10 bytes");
    }

    private Path rewriteLocation(Path file, String location) throws IOException {
        ModelProto m = ModelProto.parseFrom(Files.readAllBytes(file));
        ModelProto changed = edit(m, t -> t.toBuilder().clearExternalData()
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue(location))
                .addExternalData(StringStringEntryProto.newBuilder().setKey("length").setValue("2048")).build());
        Path out = file.resolveSibling("changed-" + Math.abs(location.hashCode()) + ".onnx");
        Files.write(out, changed.toByteArray());
        return out;
    }

    private static ModelProto edit(ModelProto m, UnaryOperator<TensorProto> change) {
        var g = m.getGraph().toBuilder();
        g.setInitializer(0, change.apply(g.getInitializer(0)));
        return m.toBuilder().setGraph(g).build();
    }

    @Test
    void badFilesGetOneLineErrors() throws IOException {
        Path garbage = Files.write(dir.resolve("garbage.onnx"), "this is not protobuf at all {}".getBytes());
        assertRefused(garbage, "not an ONNX model");
        assertRefused(dir.resolve("absent.onnx"), "no such file");

        ModelProto tiny = TinyModels.mlp(TinyModels.Weights.INLINE, null);
        Path old = Files.write(dir.resolve("old.onnx"), tiny.toBuilder().setOpsetImport(0,
                tiny.getOpsetImport(0).toBuilder().setVersion(6)).build().toByteArray());
        assertRefused(old, "opset 6 is older than 7");

        var g = tiny.getGraph().toBuilder();
        g.setNode(1, NodeProto.newBuilder(g.getNode(1)).setOpType("MyCustomRelu").build());
        Path custom = Files.write(dir.resolve("custom.onnx"), tiny.toBuilder().setGraph(g).build().toByteArray());
        InputException e = assertRefused(custom, "cannot infer the shape");
        assertTrue(e.getMessage().contains("/relu1/Relu") && e.getMessage().contains("MyCustomRelu"), e.getMessage());
    }

    private static InputException assertRefused(Path file, String message) {
        InputException e = assertThrows(InputException.class, () -> OnnxModelReader.read(file));
        assertTrue(e.getMessage().contains(message), e.getMessage());
        assertTrue(e.getMessage().contains(file.getFileName().toString()), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e;
    }
}
