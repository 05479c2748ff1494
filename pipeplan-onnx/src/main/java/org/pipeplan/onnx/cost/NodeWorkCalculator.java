package org.pipeplan.onnx.cost;

import static org.pipeplan.onnx.model.TensorValues.intAttribute;
import static org.pipeplan.onnx.model.TensorValues.intsAttribute;

import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.pipeplan.onnx.model.OnnxModel;
import org.pipeplan.onnx.model.TensorType;

/**
 * Counts the work of every node from the tensor shapes, with these conventions:
 * <ul>
 *   <li>a multiply-accumulate is 2 FLOPs; Conv 2·|Y|·(C_in/group)·|kernel| (+|Y| with a bias);
 *       ConvTranspose 2·|X|·(C_out/group)·|kernel|; Gemm 2·M·N·K (+M·N with C); MatMul 2·|Y|·K;</li>
 *   <li>pooling |Y|·|kernel|; global pooling and reductions |X|;</li>
 *   <li>element-wise operators k·|Y| (k = 1 for arithmetic, comparisons and simple activations,
 *       more for composite ones: Softmax 5, LayerNormalization 8, Gelu 8...);</li>
 *   <li>data movement (Reshape, Transpose, Concat, Gather, Slice...) 0;</li>
 *   <li>any other operator |Y|, flagged as estimated.</li>
 * </ul>
 * Parameter bytes are the bytes of the distinct initializers a node reads (a Constant node counts
 * its own value); output bytes are the sizes of its outputs.
 */
public final class NodeWorkCalculator {

    private static final Map<String, Integer> ELEMENTWISE = Map.ofEntries(
            Map.entry("Add", 1), Map.entry("Sub", 1), Map.entry("Mul", 1), Map.entry("Div", 1), Map.entry("Pow", 1),
            Map.entry("Sqrt", 1), Map.entry("Reciprocal", 1), Map.entry("Neg", 1), Map.entry("Abs", 1),
            Map.entry("Exp", 1), Map.entry("Log", 1), Map.entry("Erf", 1), Map.entry("Tanh", 1),
            Map.entry("Sigmoid", 1), Map.entry("Relu", 1), Map.entry("LeakyRelu", 1), Map.entry("PRelu", 1),
            Map.entry("Elu", 1), Map.entry("Selu", 1), Map.entry("Clip", 1), Map.entry("Max", 1), Map.entry("Min", 1),
            Map.entry("Where", 1), Map.entry("Equal", 1), Map.entry("Greater", 1), Map.entry("Less", 1),
            Map.entry("Not", 1), Map.entry("And", 1), Map.entry("Or", 1), Map.entry("HardSigmoid", 2),
            Map.entry("HardSwish", 3), Map.entry("Softplus", 2), Map.entry("Mish", 4), Map.entry("Gelu", 8),
            Map.entry("BatchNormalization", 2), Map.entry("InstanceNormalization", 5),
            Map.entry("LayerNormalization", 8), Map.entry("Softmax", 5), Map.entry("LogSoftmax", 5),
            Map.entry("Dropout", 0));

    private static final Set<String> DATA_MOVEMENT = Set.of("Reshape", "Transpose", "Concat", "Slice", "Gather",
            "GatherElements", "Split", "Flatten", "Identity", "Constant", "ConstantOfShape", "Unsqueeze", "Squeeze",
            "Cast", "Shape", "Pad", "Expand", "Tile", "Range", "Size", "ScatterND", "DepthToSpace", "SpaceToDepth");

    private static final Set<String> REDUCTIONS = Set.of("GlobalAveragePool", "GlobalMaxPool", "ReduceMean",
            "ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL2", "ReduceSumSquare");

    private final OnnxModel model;
    private final Set<String> initializers = new java.util.HashSet<>();

    public NodeWorkCalculator(OnnxModel model) {
        this.model = model;
        model.graph().getInitializerList().forEach(t -> initializers.add(t.getName()));
    }

    /**
     * @throws org.pipeplan.io.InputException when the node's inputs or attributes do not fit its
     *                                        operator (a hostile or broken model)
     */
    public NodeWork of(NodeProto node) {
        try {
            return work(node);
        } catch (org.pipeplan.io.InputException e) {
            throw e;
        } catch (RuntimeException e) {
            // shape inference let the node through, but its inputs or attributes make no sense for its operator
            throw new org.pipeplan.io.InputException(model.file(), "node '" + OnnxModel.nodeName(node) + "' ("
                    + node.getOpType() + "): its inputs or attributes do not fit the operator, cannot estimate its work");
        }
    }

    private NodeWork work(NodeProto node) {
        double parameters = 0;
        double inputs = 0;
        if (node.getOpType().equals("Constant")) {
            TensorType t = model.type(node.getOutput(0));
            parameters = t == null ? 0 : t.bytes();
        } else {
            Set<String> distinct = new LinkedHashSet<>(node.getInputList());
            for (String in : distinct) {
                if (in.isEmpty()) {
                    continue;
                }
                TensorType t = model.type(in);
                long bytes = t == null ? 0 : t.bytes();
                if (isInitializer(in)) {
                    parameters += bytes;
                } else {
                    inputs += bytes;
                }
            }
        }
        double outputs = 0;
        for (String out : node.getOutputList()) {
            TensorType t = out.isEmpty() ? null : model.type(out);
            outputs += t == null ? 0 : t.bytes();
        }
        boolean estimated = !ELEMENTWISE.containsKey(node.getOpType()) && !DATA_MOVEMENT.contains(node.getOpType())
                && !REDUCTIONS.contains(node.getOpType()) && !Set.of("Conv", "ConvTranspose", "Gemm", "MatMul",
                "MaxPool", "AveragePool", "LpPool").contains(node.getOpType());
        return new NodeWork(flops(node), parameters, inputs, outputs, estimated);
    }

    private boolean isInitializer(String tensor) {
        return initializers.contains(tensor);
    }

    private long elements(String tensor) {
        TensorType t = model.type(tensor);
        return t == null || !t.known() ? 0 : t.elements();
    }

    private double flops(NodeProto node) {
        String op = node.getOpType();
        if (node.getOutputCount() == 0 || model.type(node.getOutput(0)) == null) {
            return 0;
        }
        double y = elements(node.getOutput(0));
        boolean hasThirdInput = node.getInputCount() > 2 && !node.getInput(2).isEmpty();
        switch (op) {
            case "Conv": {
                TensorType w = model.type(node.getInput(1));
                double kernel = product(w.dims(), 2);
                return 2 * y * w.dim(1) * kernel + (hasThirdInput ? y : 0);
            }
            case "ConvTranspose": {
                TensorType w = model.type(node.getInput(1));
                return 2 * elements(node.getInput(0)) * w.dim(1) * product(w.dims(), 2);
            }
            case "Gemm": {
                TensorType a = model.type(node.getInput(0));
                double k = intAttribute(node, "transA", 0) == 1 ? a.dim(0) : a.dim(1);
                return 2 * y * k + (hasThirdInput ? y : 0);
            }
            case "MatMul":
                return 2 * y * model.type(node.getInput(0)).dim(-1);
            case "MaxPool":
            case "AveragePool":
            case "LpPool":
                long[] kernel = intsAttribute(node, "kernel_shape");
                if (kernel == null) {
                    throw new org.pipeplan.io.InputException(model.file(), "node '" + OnnxModel.nodeName(node) + "' ("
                            + op + "): no kernel_shape attribute");
                }
                return y * product(kernel, 0);
            default:
                break;
        }
        if (REDUCTIONS.contains(op)) {
            double x = elements(node.getInput(0));
            return x > 0 ? x : y;
        }
        if (ELEMENTWISE.containsKey(op)) {
            return ELEMENTWISE.get(op) * y;
        }
        if (DATA_MOVEMENT.contains(op)) {
            return 0;
        }
        return y;
    }

    private static double product(long[] dims, int from) {
        double p = 1;
        for (int i = from; i < dims.length; i++) {
            p *= dims[i];
        }
        return p;
    }
}
