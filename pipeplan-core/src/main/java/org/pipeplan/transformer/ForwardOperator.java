package org.pipeplan.transformer;

import org.pipeplan.graph.TensorParallelism;

/**
 * One forward operator of a transformer model, per sample (one sequence), before it becomes a
 * graph operator: its work, its parameters and what its backward operator computes. The tensors
 * between operators and those the backward operator needs from the forward pass are not here but
 * in {@link ForwardGraph}, as flows and stashes.
 *
 * @param name          e.g. "layer3.attention.qkv"
 * @param opType        e.g. "MatMul"; its backward operator's type is this with "Grad" appended
 * @param layerId       0 for the embedding, 1..L for the transformer layers, L+1 for the head
 * @param style         how it divides among a tensor-parallel group (Megatron-LM's layout)
 * @param parameters    weights and biases it owns
 * @param flops         forward FLOPs (matrix products 2 m n k, without their bias adds)
 * @param bytes         forward bytes read and written: inputs, outputs and the weights it touches
 * @param outputBytes   its output tensor (what it sends to the operators after it)
 * @param weightBytes   bytes of the weights one pass touches (all of them, or an embedding's looked-up rows)
 * @param backwardFlops backward FLOPs: input and weight gradients of matrix products (twice the
 *                      forward), about the forward's otherwise
 */
record ForwardOperator(String name, String opType, long layerId, TensorParallelism style, double parameters, double flops,
                       double bytes, double outputBytes, double weightBytes, double backwardFlops) {

    /** The type of its backward operator: "MatMulGrad". */
    String backwardType() {
        return opType + "Grad";
    }

    /**
     * Backward bytes: it reads the gradients of its outputs and the tensors kept for it, writes the
     * gradients of its inputs, and reads its weights and writes their gradients.
     *
     * @param outputGradients bytes of the gradients it receives (one per tensor it sent forward)
     * @param inputGradients  bytes of the gradients it sends back (one per tensor it received)
     * @param keptBytesRead   bytes of the kept tensors it reads
     */
    double backwardBytes(double outputGradients, double inputGradients, double keptBytesRead) {
        return outputGradients + inputGradients + keptBytesRead + 2 * weightBytes;
    }
}
