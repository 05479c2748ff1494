package org.pipeplan.transformer;

import org.pipeplan.graph.TensorParallelism;

/**
 * One forward operator of a transformer model, per sample (one sequence), before it becomes a
 * graph operator: its work, its parameters and what its backward operator does. The tensors the
 * backward operator needs from the forward pass are not here but in {@link ForwardGraph}, as
 * stashes from the operators that produce them.
 *
 * @param name          e.g. "layer3.attention.qkv"
 * @param opType        e.g. "MatMul"; its backward operator's type is this with "Grad" appended
 * @param layerId       0 for the embedding, 1..L for the transformer layers, L+1 for the head
 * @param style         how it divides among a tensor-parallel group (Megatron-LM's layout)
 * @param parameters    weights and biases it owns
 * @param flops         forward FLOPs
 * @param bytes         forward bytes read and written: inputs, outputs and the weights it touches
 * @param outputBytes   its output tensor (what it sends to the operators after it)
 * @param weightBytes   bytes of the weights one pass touches (all of them, or an embedding's looked-up rows)
 * @param backwardFlops backward FLOPs: input and weight gradients of matrix products, about the forward's otherwise
 * @param gradientBytes the gradient its backward operator sends back (of its inputs; 0 when they need none)
 */
record ForwardOperator(String name, String opType, long layerId, TensorParallelism style, double parameters, double flops,
                       double bytes, double outputBytes, double weightBytes, double backwardFlops, double gradientBytes) {

    /** The type of its backward operator: "MatMulGrad". */
    String backwardType() {
        return opType + "Grad";
    }

    /**
     * Backward bytes: it reads its output's gradient and the tensors kept for it, writes its inputs'
     * gradient, and reads its weights and writes their gradients.
     */
    double backwardBytes(double keptBytesRead) {
        return outputBytes + gradientBytes + keptBytesRead + 2 * weightBytes;
    }
}
