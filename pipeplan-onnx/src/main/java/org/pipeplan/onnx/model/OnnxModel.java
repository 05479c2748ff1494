package org.pipeplan.onnx.model;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * An ONNX model as read: the protobuf, where it came from, its default-domain opset, the type of
 * every tensor (from the file and from shape inference), and its constant tensors (initializers
 * and Constant node values).
 */
public final class OnnxModel {

    private final Path file;
    private final ModelProto proto;
    private final int opset;
    private final Map<String, TensorType> types;
    private final Map<String, TensorProto> constants;

    OnnxModel(Path file, ModelProto proto, int opset, Map<String, TensorType> types, Map<String, TensorProto> constants) {
        this.file = file;
        this.proto = proto;
        this.opset = opset;
        this.types = Collections.unmodifiableMap(types);
        this.constants = Collections.unmodifiableMap(constants);
    }

    public Path file() {
        return file;
    }

    /** The model's name for tables and plans: the file name without its extensions. */
    public String name() {
        String n = file.getFileName().toString();
        int dot = n.indexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }

    public ModelProto proto() {
        return proto;
    }

    public GraphProto graph() {
        return proto.getGraph();
    }

    public List<NodeProto> nodes() {
        return proto.getGraph().getNodeList();
    }

    public int opset() {
        return opset;
    }

    /** The type of a tensor, or null when unknown. */
    public TensorType type(String tensor) {
        return types.get(tensor);
    }

    public Map<String, TensorType> types() {
        return types;
    }

    /** Initializers and Constant node outputs, by tensor name. */
    public Map<String, TensorProto> constants() {
        return constants;
    }

    public boolean isConstant(String tensor) {
        return constants.containsKey(tensor);
    }

    /** Whether an initializer or constant holds data (structure-only files do not). */
    public static boolean hasData(TensorProto t) {
        return !t.getRawData().isEmpty() || t.getFloatDataCount() > 0 || t.getInt64DataCount() > 0
                || t.getInt32DataCount() > 0 || t.getDoubleDataCount() > 0 || t.getUint64DataCount() > 0
                || t.getStringDataCount() > 0 || t.getDataLocation() == TensorProto.DataLocation.EXTERNAL;
    }

    /** A node's display name: its name, or its first output when it has none. */
    public static String nodeName(NodeProto node) {
        if (!node.getName().isEmpty()) {
            return node.getName();
        }
        return node.getOutputCount() > 0 ? node.getOutput(0) : node.getOpType();
    }
}
