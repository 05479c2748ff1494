package org.pipeplan.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

/**
 * Mutations of valid inputs into hostile ones, in the manner of a coverage-free mutation fuzzer:
 * bytes flipped, cut, repeated or spliced with dictionary tokens; JSON values replaced with edge
 * cases, removed or duplicated; ONNX protobuf fields (operator types, inputs, dimensions, data
 * types, attributes, opsets, external data entries) set to hostile values. Deterministic for a seed.
 */
final class InputMutator {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    /** Tokens spliced into text: numbers at the edges, non-numbers, structure, deep nesting. */
    private static final String[] TOKENS = {"NaN", "Infinity", "-Infinity", "-1", "0", "-0", "1e400", "1e-400",
        "9223372036854775808", "-9223372036854775809", "4294967296", "null", "true", "false", "[]", "{}", "\"\"",
        "\"x\"", ",", ":", "\"id\"", "\"nodes\"", "\"edges\"", "\u0000", "\uFFFF", "\"\\u0000\"",
        "[".repeat(5000), "{\"a\":".repeat(3000), "1".repeat(2000), "\"" + "a".repeat(100_000) + "\""};

    private final Random random;

    InputMutator(long seed) {
        this.random = new Random(seed);
    }

    Random random() {
        return random;
    }

    /** One to four byte-level mutations. */
    byte[] bytes(byte[] in) {
        byte[] b = in;
        int count = 1 + random.nextInt(4);
        for (int k = 0; k < count; k++) {
            b = oneByteMutation(b);
        }
        return b;
    }

    private byte[] oneByteMutation(byte[] b) {
        int n = b.length;
        int at = n == 0 ? 0 : random.nextInt(n);
        switch (random.nextInt(6)) {
            case 0 -> { // flip bits
                if (n > 0) {
                    b = b.clone();
                    b[at] ^= (byte) (1 << random.nextInt(8));
                }
            }
            case 1 -> { // cut a range (truncation when it runs to the end)
                int len = Math.min(n - at, 1 + random.nextInt(Math.max(1, n / 8)));
                b = concat(slice(b, 0, at), slice(b, at + len, n));
            }
            case 2 -> { // repeat a range
                int len = Math.min(n - at, 1 + random.nextInt(64));
                b = concat(slice(b, 0, at + len), slice(b, at, n));
            }
            case 3 -> { // splice a token
                byte[] token = TOKENS[random.nextInt(TOKENS.length)].getBytes(StandardCharsets.UTF_8);
                b = concat(concat(slice(b, 0, at), token), slice(b, at, n));
            }
            case 4 -> { // overwrite with a random byte
                if (n > 0) {
                    b = b.clone();
                    b[at] = (byte) random.nextInt(256);
                }
            }
            default -> b = slice(b, 0, at); // truncate
        }
        return b;
    }

    /** One to three structural mutations of a JSON document; the text if it does not parse. */
    byte[] json(byte[] in) {
        JsonNode root;
        try {
            root = JSON.readTree(in);
        } catch (java.io.IOException e) {
            return bytes(in);
        }
        int count = 1 + random.nextInt(3);
        for (int k = 0; k < count; k++) {
            List<JsonNode> containers = new ArrayList<>();
            collect(root, containers);
            if (containers.isEmpty()) {
                break;
            }
            mutateContainer(containers.get(random.nextInt(containers.size())));
        }
        try {
            return JSON.writeValueAsBytes(root);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void collect(JsonNode node, List<JsonNode> out) {
        if (node.isContainerNode()) {
            out.add(node);
            for (JsonNode child : node) {
                collect(child, out);
            }
        }
    }

    private void mutateContainer(JsonNode container) {
        if (container instanceof ArrayNode a) {
            if (a.isEmpty()) {
                a.add(hostileValue());
                return;
            }
            int i = random.nextInt(a.size());
            switch (random.nextInt(4)) {
                case 0 -> a.set(i, hostileValue());
                case 1 -> a.remove(i);
                case 2 -> a.insert(i, a.get(i).deepCopy()); // duplicate: repeated ids, repeated edges
                default -> a.set(i, a.get(random.nextInt(a.size())).deepCopy());
            }
        } else if (container instanceof ObjectNode o && o.size() > 0) {
            List<String> names = new ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            String name = names.get(random.nextInt(names.size()));
            switch (random.nextInt(4)) {
                case 0, 1 -> o.set(name, hostileValue());
                case 2 -> o.remove(name);
                default -> {
                    JsonNode v = o.remove(name);
                    o.set(name + (random.nextBoolean() ? "X" : ""), v);
                }
            }
        }
    }

    private JsonNode hostileValue() {
        return switch (random.nextInt(16)) {
            case 0 -> F.numberNode(-1);
            case 1 -> F.numberNode(0);
            case 2 -> F.numberNode(Long.MAX_VALUE);
            case 3 -> F.numberNode(1e308);
            case 4 -> F.numberNode(-0.0);
            case 5 -> F.numberNode(2_000_000_000);
            case 6 -> F.numberNode(1e-300);
            case 7 -> F.textNode("");
            case 8 -> F.textNode("acc0");
            case 9 -> F.nullNode();
            case 10 -> F.booleanNode(random.nextBoolean());
            case 11 -> F.arrayNode();
            case 12 -> F.objectNode();
            case 13 -> F.numberNode(random.nextInt(64));
            case 14 -> F.numberNode(new java.math.BigInteger("1" + "0".repeat(40)));
            default -> F.numberNode(random.nextDouble() * 100);
        };
    }

    /** One to three structural mutations of an ONNX model; the bytes if they do not parse. */
    byte[] onnx(byte[] in) {
        ModelProto m;
        try {
            m = ModelProto.parseFrom(in);
        } catch (InvalidProtocolBufferException e) {
            return bytes(in);
        }
        ModelProto.Builder b = m.toBuilder();
        int count = 1 + random.nextInt(3);
        for (int k = 0; k < count; k++) {
            mutateModel(b);
        }
        return b.build().toByteArray();
    }

    private static final String[] OPS = {"Conv", "Gemm", "MatMul", "Relu", "Reshape", "Concat", "Transpose", "Split",
        "Gather", "Attention", "NoSuchOp", "", "Loop", "If", "Constant", "BatchNormalization", "MaxPool", "Flatten"};

    private void mutateModel(ModelProto.Builder b) {
        GraphProto.Builder g = b.getGraphBuilder();
        switch (random.nextInt(10)) {
            case 0 -> { // operator type
                if (g.getNodeCount() > 0) {
                    g.getNodeBuilder(random.nextInt(g.getNodeCount())).setOpType(OPS[random.nextInt(OPS.length)]);
                }
            }
            case 1 -> { // inputs: dangling, removed, self-fed
                if (g.getNodeCount() > 0) {
                    NodeProto.Builder n = g.getNodeBuilder(random.nextInt(g.getNodeCount()));
                    int r = random.nextInt(3);
                    if (r == 0) {
                        n.addInput("missing" + random.nextInt(3));
                    } else if (r == 1 && n.getInputCount() > 0) {
                        List<String> ins = new ArrayList<>(n.getInputList());
                        ins.remove(random.nextInt(ins.size()));
                        n.clearInput().addAllInput(ins);
                    } else if (n.getOutputCount() > 0) {
                        n.addInput(n.getOutput(0)); // a cycle
                    }
                }
            }
            case 2 -> { // initializer dimensions
                if (g.getInitializerCount() > 0) {
                    TensorProto.Builder t = g.getInitializerBuilder(random.nextInt(g.getInitializerCount()));
                    long[] hostile = {-1, 0, 1L << 40, Long.MAX_VALUE, 3};
                    t.clearDims();
                    int dims = random.nextInt(5);
                    for (int d = 0; d < dims; d++) {
                        t.addDims(hostile[random.nextInt(hostile.length)]);
                    }
                }
            }
            case 3 -> { // data types
                if (g.getInitializerCount() > 0) {
                    g.getInitializerBuilder(random.nextInt(g.getInitializerCount())).setDataType(random.nextInt(30) - 2);
                }
            }
            case 4 -> { // attributes
                if (g.getNodeCount() > 0) {
                    NodeProto.Builder n = g.getNodeBuilder(random.nextInt(g.getNodeCount()));
                    String[] names = {"axis", "transA", "transB", "kernel_shape", "strides", "pads", "group", "perm", "shape"};
                    long[] values = {-100, -1, 0, 1, 7, 1L << 33};
                    AttributeProto.Builder a = AttributeProto.newBuilder().setName(names[random.nextInt(names.length)]);
                    if (random.nextBoolean()) {
                        a.setType(AttributeProto.AttributeType.INT).setI(values[random.nextInt(values.length)]);
                    } else {
                        a.setType(AttributeProto.AttributeType.INTS);
                        for (int k = random.nextInt(6); k > 0; k--) {
                            a.addInts(values[random.nextInt(values.length)]);
                        }
                    }
                    n.addAttribute(a);
                }
            }
            case 5 -> { // opsets
                b.clearOpsetImport().addOpsetImport(ai.onnx.proto.OnnxMl.OperatorSetIdProto.newBuilder()
                        .setDomain(random.nextBoolean() ? "" : "com.example").setVersion(new long[] {0, 1, 6, 13, 10_000}[random.nextInt(5)]));
            }
            case 6 -> { // external data that escapes, lies or is malformed
                if (g.getInitializerCount() > 0) {
                    TensorProto.Builder t = g.getInitializerBuilder(random.nextInt(g.getInitializerCount()));
                    String[][] entries = {{"location", "../../../../etc/passwd"}, {"location", "/etc/passwd"},
                        {"location", "missing.bin"}, {"location", ""}, {"offset", "-5"}, {"offset", "99999999999"},
                        {"length", "abc"}, {"length", "9223372036854775807"}, {"location", "a/../../x"}};
                    String[] e = entries[random.nextInt(entries.length)];
                    t.setDataLocation(TensorProto.DataLocation.EXTERNAL).clearRawData()
                            .addExternalData(StringStringEntryProto.newBuilder().setKey(e[0]).setValue(e[1]));
                }
            }
            case 7 -> { // declared shapes of inputs and outputs
                List<ValueInfoProto.Builder> infos = new ArrayList<>(g.getInputBuilderList());
                infos.addAll(g.getOutputBuilderList());
                if (!infos.isEmpty()) {
                    ValueInfoProto.Builder v = infos.get(random.nextInt(infos.size()));
                    TensorShapeProto.Builder s = v.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder();
                    s.addDim(random.nextBoolean() ? TensorShapeProto.Dimension.newBuilder().setDimValue(-7)
                            : TensorShapeProto.Dimension.newBuilder().setDimParam("batch"));
                }
            }
            case 8 -> { // nodes duplicated or removed
                if (g.getNodeCount() > 0) {
                    int i = random.nextInt(g.getNodeCount());
                    if (random.nextBoolean()) {
                        g.addNode(g.getNode(i));
                    } else {
                        g.removeNode(i);
                    }
                }
            }
            default -> { // outputs renamed so that nothing reaches the graph output
                if (g.getNodeCount() > 0) {
                    NodeProto.Builder n = g.getNodeBuilder(random.nextInt(g.getNodeCount()));
                    if (n.getOutputCount() > 0) {
                        n.setOutput(0, random.nextBoolean() ? "" : n.getOutput(0) + "_renamed");
                    }
                }
            }
        }
    }

    private static byte[] slice(byte[] b, int from, int to) {
        return java.util.Arrays.copyOfRange(b, Math.max(0, Math.min(from, b.length)), Math.max(0, Math.min(to, b.length)));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
