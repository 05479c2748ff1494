package org.pipeplan.onnx.cost;

/**
 * The work of one ONNX node, from tensor shapes.
 *
 * @param flops          floating-point operations (one multiply-accumulate = 2)
 * @param parameterBytes bytes of the initializers and constants the node reads
 * @param inputBytes     bytes of the activations it reads (non-constant inputs)
 * @param outputBytes    bytes of its outputs
 * @param estimated      true when the operator has no FLOP rule and one FLOP per output element was assumed
 */
public record NodeWork(double flops, double parameterBytes, double inputBytes, double outputBytes, boolean estimated) {

    /** Bytes the node moves through memory: what it reads and what it writes. */
    public double bytesMoved() {
        return parameterBytes + inputBytes + outputBytes;
    }
}
