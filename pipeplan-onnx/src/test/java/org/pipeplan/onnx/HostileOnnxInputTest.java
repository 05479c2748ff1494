package org.pipeplan.onnx;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.SparseTensorProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.pipeplan.io.InputException;
import org.pipeplan.onnx.model.OnnxModelReader;
import org.pipeplan.onnx.testing.TinyModels;

/**
 * ONNX files built to escape, mislead or block (issue 21): external data on tensors other than
 * initializers, lengths that disagree with shapes, shapes whose sizes overflow, and special files.
 */
class HostileOnnxInputTest {

    @TempDir
    Path dir;

    private static StringStringEntryProto entry(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }

    private static TensorProto externalTensor(String name, String location) {
        return TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE).addDims(4)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL).addExternalData(entry("location", location))
                .addExternalData(entry("length", "16")).build();
    }

    private Path write(String name, ModelProto m) throws IOException {
        return Files.write(dir.resolve(name), m.toByteArray());
    }

    private static InputException refused(Path file, Map<String, Long> dims, String message) {
        InputException e = assertThrows(InputException.class, () -> OnnxModelReader.read(file, dims));
        assertTrue(e.getMessage().contains(message), e.getMessage());
        assertTrue(e.getMessage().contains(file.getFileName().toString()), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e;
    }

    @Test
    void externalDataOnAConstantNodeOrASparseInitializerIsRefused() throws IOException {
        ModelProto tiny = TinyModels.mlp(TinyModels.Weights.INLINE, null);
        var g = tiny.getGraph().toBuilder();
        g.addNode(0, NodeProto.newBuilder().setName("/c/Constant").setOpType("Constant").addOutput("c")
                .addAttribute(AttributeProto.newBuilder().setName("value").setType(AttributeProto.AttributeType.TENSOR)
                        .setT(externalTensor("c", "../../../../etc/passwd"))));
        Path constant = write("constant.onnx", tiny.toBuilder().setGraph(g).build());
        InputException e = refused(constant, Map.of(), "external data ('../../../../etc/passwd') is accepted only on");
        assertTrue(e.getMessage().contains("/c/Constant"), e.getMessage());

        var s = tiny.getGraph().toBuilder().addSparseInitializer(SparseTensorProto.newBuilder()
                .setValues(externalTensor("sp", "/etc/passwd"))
                .setIndices(TensorProto.newBuilder().setName("sp_i").setDataType(TensorProto.DataType.INT64_VALUE)
                        .addDims(1).addInt64Data(0)).addDims(4));
        refused(write("sparse.onnx", tiny.toBuilder().setGraph(s).build()), Map.of(), "sparse initializer 'sp'");
    }

    @Test
    void externalDataMustHoldExactlyTheBytesOfItsShape() throws IOException {
        Path file = TinyModels.write(dir.resolve("m"), "tiny.onnx", TinyModels.Weights.EXTERNAL);
        ModelProto m = ModelProto.parseFrom(Files.readAllBytes(file));
        for (String length : new String[] {"4", "0"}) {
            var g = m.getGraph().toBuilder();
            TensorProto t = g.getInitializer(0);
            g.setInitializer(0, t.toBuilder().clearExternalData().addExternalData(entry("location", "tiny.onnx.data"))
                    .addExternalData(entry("length", length)).build());
            Path bad = Files.write(dir.resolve("m/length" + length + ".onnx"), m.toBuilder().setGraph(g).build().toByteArray());
            refused(bad, Map.of(), "external data length " + length + " bytes does not match its shape [32, 16] (2048 bytes)");
        }
        Files.createDirectories(dir.resolve("m/folder.data"));
        var g = m.getGraph().toBuilder();
        g.setInitializer(0, g.getInitializer(0).toBuilder().clearExternalData().addExternalData(entry("location", "folder.data"))
                .addExternalData(entry("length", "2048")).build());
        Path folder = Files.write(dir.resolve("m/folder.onnx"), m.toBuilder().setGraph(g).build().toByteArray());
        refused(folder, Map.of(), "is not a regular file (a folder)");
    }

    @Test
    void shapesWhoseSizeLeaves64BitsAreRefused() throws IOException {
        ModelProto tiny = TinyModels.mlp(TinyModels.Weights.NONE, null);
        var g = tiny.getGraph().toBuilder();
        // x: [2^32, 2^30, 16] floats: 2^66 elements
        g.setInput(0, g.getInput(0).toBuilder().setType(g.getInput(0).getType().toBuilder().setTensorType(
                g.getInput(0).getType().getTensorType().toBuilder().setShape(TensorShapeProto.newBuilder()
                        .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(1L << 32))
                        .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(1L << 30))
                        .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(16))))));
        g.setOutput(0, g.getOutput(0).toBuilder().clearType());
        refused(write("huge.onnx", tiny.toBuilder().setGraph(g).build()), Map.of(), "64-bit");

        var sym = tiny.getGraph().toBuilder();
        sym.setInput(0, sym.getInput(0).toBuilder().setType(sym.getInput(0).getType().toBuilder().setTensorType(
                sym.getInput(0).getType().getTensorType().toBuilder().setShape(TensorShapeProto.newBuilder()
                        .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("seq"))
                        .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(16))))));
        sym.setOutput(0, sym.getOutput(0).toBuilder().clearType());
        Path symbolic = write("symbolic.onnx", tiny.toBuilder().setGraph(sym).build());
        refused(symbolic, Map.of("seq", Long.MAX_VALUE), "64-bit");
        refused(symbolic, Map.of("seq", 1L << 45), "more than 1125899906842624 bytes");
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void aFifoAsModelIsRefusedAtOnceInsteadOfBlocking() throws Exception {
        Path fifo = dir.resolve("model.onnx");
        assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0, "mkfifo is not available");
        refused(fifo, Map.of(), "is not a regular file");
        refused(dir, Map.of(), "is a folder");
    }

    private static ModelProto conv(AttributeProto... attributes) {
        ai.onnx.proto.OnnxMl.GraphProto.Builder g = ai.onnx.proto.OnnxMl.GraphProto.newBuilder().setName("conv");
        g.addInput(info("x", 1, 4, 8, 8));
        g.addOutput(ai.onnx.proto.OnnxMl.ValueInfoProto.newBuilder().setName("y"));
        g.addInitializer(TensorProto.newBuilder().setName("w").setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(8).addDims(4).addDims(3).addDims(3));
        NodeProto.Builder n = NodeProto.newBuilder().setName("/conv/Conv").setOpType("Conv").addInput("x").addInput("w")
                .addOutput("y");
        for (AttributeProto a : attributes) {
            n.addAttribute(a);
        }
        g.addNode(n);
        return ModelProto.newBuilder().setIrVersion(8).addOpsetImport(ai.onnx.proto.OnnxMl.OperatorSetIdProto.newBuilder()
                .setDomain("").setVersion(13)).setGraph(g).build();
    }

    private static ai.onnx.proto.OnnxMl.ValueInfoProto info(String name, long... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long d : dims) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ai.onnx.proto.OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(ai.onnx.proto.OnnxMl.TypeProto
                .newBuilder().setTensorType(ai.onnx.proto.OnnxMl.TypeProto.Tensor.newBuilder()
                        .setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
    }

    private static AttributeProto ints(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    @Test
    void invalidGraphsAreRefusedByTheReaderThatServesEveryCommand() throws IOException {
        assertTrue(OnnxModelReader.read(write("good-conv.onnx", conv()), Map.of()).nodes().size() == 1);
        refused(write("group0.onnx", conv(AttributeProto.newBuilder().setName("group")
                .setType(AttributeProto.AttributeType.INT).setI(0).build())), Map.of(), "group 0 does not fit");
        refused(write("dilation.onnx", conv(ints("dilations", -1, 1))), Map.of(), "must be from 1 to");
        refused(write("pads.onnx", conv(ints("pads", 1L << 40, 0, 0, 0))), Map.of(), "pads");

        ModelProto tiny = TinyModels.mlp(TinyModels.Weights.INLINE, null);
        var orphan = tiny.getGraph().toBuilder();
        orphan.setNode(1, orphan.getNode(1).toBuilder().setInput(0, "nobody"));
        refused(write("orphan.onnx", tiny.toBuilder().setGraph(orphan).build()), Map.of(),
                "input 'nobody' is made by no node");

        var gemm = tiny.getGraph().toBuilder();
        gemm.setInput(0, info("x", 1, 15));
        refused(write("gemm.onnx", tiny.toBuilder().setGraph(gemm).build()), Map.of(),
                "the inner dimensions do not match (15 against 16)");

        var data = tiny.getGraph().toBuilder();
        data.setInitializer(0, data.getInitializer(0).toBuilder().clearDims().addDims(96).addDims(3).addDims(7).addDims(7));
        refused(write("data.onnx", tiny.toBuilder().setGraph(data).build()), Map.of(),
                "its raw_data holds 512 elements, its dimensions [96, 3, 7, 7] say 14112");
    }
}
