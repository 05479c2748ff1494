package org.pipeplan.edgetpu;

import java.util.Optional;
import java.util.Set;
import org.pipeplan.graph.Operator;

/**
 * Which ONNX operators the Edge TPU runs, after the Coral documentation's table of supported
 * operations (coral.ai/docs/edgetpu/models-intro#supported-operations) mapped to ONNX: the
 * TFLite operator each becomes once the model is converted and quantized. Operators the converter
 * folds away (shape arithmetic, casts, identities, batch norms folded into convolutions) count as
 * running on the Edge TPU at their own (small) cost. Everything else (GELU's Erf, Pow, Sqrt, Div,
 * layer normalisation, Gather, Transpose, a MatMul of two activations...) falls back to the CPU;
 * docs/edgetpu.md lists the sources for the ones the Coral compiler is known to refuse.
 */
public final class EdgeTpuOperators {

    /** ONNX operators with an Edge TPU TFLite counterpart. */
    private static final Set<String> SUPPORTED = Set.of(
            "Conv", "Gemm", "Add", "Sub", "Mul", "AveragePool", "MaxPool", "GlobalAveragePool", "GlobalMaxPool",
            "ReduceMean", "ReduceMax", "ReduceMin", "Concat", "Relu", "Clip", "Sigmoid", "Tanh", "Softmax", "Pad",
            "Resize", "Upsample", "Max", "Min", "PRelu", "LeakyRelu", "HardSigmoid", "HardSwish", "Split", "Slice",
            "LpNormalization", "Reshape", "Flatten", "Squeeze", "Unsqueeze", "QuantizeLinear", "DequantizeLinear",
            "LSTM");

    /** Operators the TFLite converter folds into constants or into their neighbours. */
    private static final Set<String> FOLDED = Set.of(
            "Constant", "Shape", "Cast", "Identity", "Dropout", "BatchNormalization", "ConstantOfShape", "Range",
            "Size");

    private EdgeTpuOperators() {
    }

    /**
     * Whether the Edge TPU runs the operator. Without an operator type (placement-json graphs say
     * none) every operator is taken to run. A MatMul runs as a fully-connected layer only with
     * constant weights (the operator holds parameters); a MatMul of two activations does not.
     */
    public static boolean runs(Operator op) {
        Optional<String> type = op.opType();
        if (type.isEmpty()) {
            return true;
        }
        String t = type.get();
        if (t.equals("MatMul")) {
            return op.memoryBytes() > 0;
        }
        return SUPPORTED.contains(t) || FOLDED.contains(t);
    }
}
