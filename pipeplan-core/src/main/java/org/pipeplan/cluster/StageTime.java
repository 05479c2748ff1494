package org.pipeplan.cluster;

/**
 * What one stage costs, in ms.
 *
 * @param compute      compute of one replica per sample (split operators divided by the split degree)
 * @param collectives  gathering and reducing split operators' outputs, per sample and replica
 * @param transfers    receiving from the previous stage and sending to the next, per sample and replica
 * @param allReduce    training: the replicas' gradient all-reduce, once per mini-batch
 * @param perSample    the stage's time per sample: (compute + collectives + transfers) / replicas
 *                     + allReduce / mini-batch; the plan's time per sample is the largest
 * @param memoryPerGpu bytes on each of its GPUs
 */
public record StageTime(double compute, double collectives, double transfers, double allReduce, double perSample,
                        double memoryPerGpu) {
}
