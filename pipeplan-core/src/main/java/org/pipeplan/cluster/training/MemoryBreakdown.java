package org.pipeplan.cluster.training;

/**
 * The memory of one GPU of a training plan, part by part (docs/training.md, "Memory of a GPU"),
 * in bytes.
 *
 * @param parameters      16-bit parameters (divided over the data-parallel group with ZeRO-3)
 * @param gradients       16-bit gradients (divided with ZeRO-2 and 3)
 * @param optimizerStates fp32 master weights and Adam's two moments (divided with ZeRO-1, 2, 3)
 * @param activations     activations of the micro-batches in flight, kept for their backward pass
 * @param buffers         working buffers: the largest operator output and collective message of a
 *                        micro-batch, the gradient bucket, and what recomputation or ZeRO-3 bring back at once
 */
public record MemoryBreakdown(double parameters, double gradients, double optimizerStates, double activations,
                              double buffers) {

    public double total() {
        return parameters + gradients + optimizerStates + activations + buffers;
    }
}
