package org.pipeplan.cluster.training;

/**
 * One pipeline rank of a training plan (t d GPUs that hold the same chunks) at the end of an
 * iteration, and the memory of each of its GPUs.
 *
 * @param rank           its position in the pipeline
 * @param gradientSync   time of its gradient reduction over the data-parallel group at the end of
 *                       the iteration (an all-reduce; a reduce-scatter with ZeRO 1; none with ZeRO 2
 *                       and 3, which reduce every micro-batch's gradients during its backward pass), and
 *                       for the first and last rank of the tied embedding's all-reduce, ms
 * @param exposedSync    the part of it that does not hide behind the last backward pass, ms
 * @param optimizerStep  time of its optimizer step, ms
 * @param parameterGather the all-gather of the updated 16-bit parameters after the step (ZeRO 1 and 2), ms
 * @param inFlight       micro-batches (chunk micro-batches, interleaved) whose activations it holds at once
 * @param memory         memory of one of its GPUs
 */
public record TrainingRank(int rank, double gradientSync, double exposedSync, double optimizerStep, double parameterGather,
                           double inFlight, MemoryBreakdown memory) {

    /** What the rank does after the pipeline ends and its gradients are in: the step and the gather, ms. */
    public double afterSync() {
        return optimizerStep + parameterGather;
    }
}
