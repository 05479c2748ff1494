package org.pipeplan.sim;

/**
 * One stretch of work in the simulated schedule: back-to-back tasks of the same kind and sample
 * on the same lane are merged into one segment.
 *
 * @param lane   index of the lane in {@link SimulationResult#lanes()} (a device replica's engine or link)
 * @param kind   what it does
 * @param sample the micro-batch (sample) it works on; -1 for a flush
 * @param start  start time
 * @param end    end time
 */
public record TraceSegment(int lane, ActivityKind kind, int sample, double start, double end) {

    public double duration() {
        return end - start;
    }
}
