package org.pipeplan.cluster.training;

/**
 * One pipeline rank of a training plan (t d GPUs that hold the same chunks) at the end of an
 * iteration, and the memory of each of its GPUs.
 *
 * @param rank           its position in the pipeline
 * @param gradientSync   time of its gradient reduction over the data-parallel group (and, for the
 *                       first and last rank, of the tied embedding's), ms
 * @param exposedSync    the part of it that does not hide behind the last backward pass, ms
 * @param optimizerStep  time of its optimizer step, ms
 * @param inFlight       micro-batches (chunk micro-batches, interleaved) whose activations it holds at once
 * @param memory         memory of one of its GPUs
 */
public record TrainingRank(int rank, double gradientSync, double exposedSync, double optimizerStep, double inFlight,
                           MemoryBreakdown memory) {
}
