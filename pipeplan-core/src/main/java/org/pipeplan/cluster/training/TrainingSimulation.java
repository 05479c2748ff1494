package org.pipeplan.cluster.training;

import java.util.List;

/**
 * One training iteration as {@link TrainingSimulator} ran it: when every pipeline rank finished
 * its passes, its gradient sync and its optimizer step, how busy it was and how many activations
 * it held at most. Times in ms from the start of the iteration, bytes per GPU.
 *
 * @param setup        the plan's decisions
 * @param microBatches micro-batches per pipeline, m
 * @param pipelineMs   when the last backward pass of the iteration ended (on any rank)
 * @param iterationMs  when the last optimizer step ended: the iteration time
 * @param ranks        the pipeline ranks, in order
 * @param trace        every pass, gradient reduction and optimizer step with its start and end
 *                     (empty unless asked for)
 */
public record TrainingSimulation(TrainingSetup setup, int microBatches, double pipelineMs, double iterationMs,
                                 List<Rank> ranks, List<Event> trace) {

    public TrainingSimulation {
        ranks = List.copyOf(ranks);
        trace = List.copyOf(trace);
    }

    /**
     * One pipeline rank (one of its t d GPUs).
     *
     * @param rank                its position in the pipeline
     * @param busyMs              time its compute stream spent on forward and backward passes
     *                            (transfers, ZeRO-3 gathers and recomputation included; the
     *                            optimizer step not)
     * @param peakInFlight        most chunk micro-batches whose activations it held at once (from
     *                            the end of a chunk's forward pass to the end of its backward pass)
     * @param peakActivationBytes most activation bytes it held at once, layer by layer (a layer's
     *                            stash from the end of its forward to the end of its backward)
     * @param backwardEndMs       when its last backward pass ended
     * @param gradientSyncEndMs   when its communication stream finished the gradient reduction (and the tied
     *                            embedding's); without any, when its last layer's gradient was ready
     * @param optimizerStepEndMs  when its optimizer step ended
     */
    public record Rank(int rank, double busyMs, int peakInFlight, double peakActivationBytes, double backwardEndMs,
                       double gradientSyncEndMs, double optimizerStepEndMs) {
    }

    /** What an event of the trace is. */
    public enum Kind {
        /** A forward pass of one micro-batch through one chunk (receive, gather, layers, send). */
        FORWARD,
        /** A backward pass of one micro-batch through one chunk. */
        BACKWARD,
        /** The data-parallel reduction of one layer's gradients, on the rank's communication stream. */
        GRADIENT_SYNC,
        /** The all-reduce of the tied embedding's gradient between the first and the last rank. */
        TIED_SYNC,
        /** The rank's optimizer step. */
        OPTIMIZER_STEP
    }

    /**
     * One event of the trace.
     *
     * @param chunk      the chunk of a pass, -1 otherwise
     * @param microBatch the micro-batch of a pass, -1 otherwise
     * @param layer      the layer of a gradient reduction, -1 otherwise
     */
    public record Event(Kind kind, int rank, int chunk, int microBatch, int layer, double startMs, double endMs) {
    }

    /** Rank r. */
    public Rank rank(int r) {
        return ranks.get(r);
    }
}
