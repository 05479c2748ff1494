package org.pipeplan.onnx.testing;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * A small multi-layer perceptron with a skip connection, built in code so tests always have an ONNX
 * model: x[1,16] -> fc1 (Gemm) -> relu1 -> fc2 -> relu2 -> add (skip from relu1) -> fc3 -> softmax -> y[1,8].
 * Node names carry PyTorch-style module scopes ("/fc1/Gemm"). Written with its weights, without
 * them (structure only), or with them in an external data file.
 */
public final class TinyModels {

    public enum Weights { INLINE, NONE, EXTERNAL }

    private TinyModels() {
    }

    public static ModelProto mlp(Weights weights, String externalLocation) {
        Random random = new Random(5);
        GraphProto.Builder g = GraphProto.newBuilder().setName("tiny_mlp");
        g.addInput(floatInfo("x", 1, 16));
        g.addOutput(floatInfo("y", 1, 8));
        long[] offset = {0};
        int[][] shapes = {{32, 16}, {32}, {32, 32}, {32}, {8, 32}, {8}};
        String[] names = {"fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "fc3.weight", "fc3.bias"};
        for (int i = 0; i < names.length; i++) {
            g.addInitializer(tensor(names[i], shapes[i], weights, externalLocation, random, offset));
        }
        g.addNode(gemm("/fc1/Gemm", "x", "fc1.weight", "fc1.bias", "h1"));
        g.addNode(node("/relu1/Relu", "Relu", "r1", "h1"));
        g.addNode(gemm("/fc2/Gemm", "r1", "fc2.weight", "fc2.bias", "h2"));
        g.addNode(node("/relu2/Relu", "Relu", "r2", "h2"));
        g.addNode(node("/Add", "Add", "s", "r1", "r2"));
        g.addNode(gemm("/fc3/Gemm", "s", "fc3.weight", "fc3.bias", "z"));
        g.addNode(node("/softmax/Softmax", "Softmax", "y", "z").toBuilder()
                .addAttribute(AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT).setI(-1)));
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("pipeplan tests")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13)).setGraph(g).build();
    }

    /** Writes the model (and, for external weights, its data file beside it); returns the model's path. */
    public static Path write(Path dir, String fileName, Weights weights) {
        try {
            Files.createDirectories(dir);
            String location = fileName + ".data";
            ModelProto m = mlp(weights, location);
            if (weights == Weights.EXTERNAL) {
                ModelProto inline = mlp(Weights.INLINE, null);
                ByteBuffer all = ByteBuffer.allocate(64 * 1024);
                for (TensorProto t : inline.getGraph().getInitializerList()) {
                    all.put(t.getRawData().toByteArray());
                }
                Files.write(dir.resolve(location), java.util.Arrays.copyOf(all.array(), all.position()));
            }
            Path file = dir.resolve(fileName);
            Files.write(file, m.toByteArray());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static TensorProto tensor(String name, int[] shape, Weights weights, String location, Random random,
                                      long[] offset) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE);
        int n = 1;
        for (int d : shape) {
            t.addDims(d);
            n *= d;
        }
        switch (weights) {
            case INLINE -> {
                ByteBuffer b = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < n; i++) {
                    b.putFloat((float) (random.nextGaussian() * 0.3));
                }
                t.setRawData(ByteString.copyFrom(b.array()));
            }
            case EXTERNAL -> {
                t.setDataLocation(TensorProto.DataLocation.EXTERNAL);
                t.addExternalData(entry("location", location));
                t.addExternalData(entry("offset", Long.toString(offset[0])));
                t.addExternalData(entry("length", Integer.toString(4 * n)));
                offset[0] += 4L * n;
            }
            case NONE -> { }
        }
        return t.build();
    }

    private static StringStringEntryProto entry(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }

    private static NodeProto gemm(String name, String x, String w, String b, String out) {
        return node(name, "Gemm", out, x, w, b).toBuilder().addAttribute(AttributeProto.newBuilder().setName("transB")
                .setType(AttributeProto.AttributeType.INT).setI(1)).build();
    }

    private static NodeProto node(String name, String op, String out, String... inputs) {
        NodeProto.Builder n = NodeProto.newBuilder().setName(name).setOpType(op).addOutput(out);
        for (String in : inputs) {
            n.addInput(in);
        }
        return n.build();
    }

    private static ValueInfoProto floatInfo(String name, long... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long d : dims) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
    }
}
