package org.pipeplan.cluster.training;

/**
 * One model chunk of a training plan (a pipeline stage; with the interleaved schedule, one of the
 * v chunks of a GPU rank) as the cost model prices it, per micro-batch.
 *
 * @param firstLayer first layer of the chunk
 * @param endLayer   one past its last layer
 * @param rank       the pipeline rank (group of t d GPUs) that runs it
 * @param forward    forward time of one micro-batch: compute, tensor collectives, transfers, ms
 * @param backward   backward time of one micro-batch, recomputation included, ms
 * @param parameters parameters of the chunk on one GPU
 */
public record TrainingStage(int firstLayer, int endLayer, int rank, double forward, double backward, double parameters) {

    public int layers() {
        return endLayer - firstLayer;
    }
}
