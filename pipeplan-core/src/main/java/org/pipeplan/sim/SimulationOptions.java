package org.pipeplan.sim;

import java.util.Arrays;
import java.util.Objects;

/**
 * How to simulate a plan.
 *
 * @param schedule         streaming inference, GPipe or 1F1B training
 * @param microBatches     training: micro-batches per mini-batch; streaming: samples simulated
 * @param miniBatches      training: mini-batches simulated (the last one is measured); ignored
 *                         when streaming
 * @param inFlight         streaming: most samples admitted and not yet finished (0: two per
 *                         device used, at least 4); ignored in training, where the schedule decides
 * @param overlapTransfers false (the cost model's assumption): a device either computes or moves
 *                         a tensor; true: its link (a copy engine) works alongside its compute
 * @param sharedLink       true: every accelerator's transfers also go over one shared host link,
 *                         one at a time (devices behind one PCIe switch); false: a link per device
 * @param linkLatency      part of every transfer time that is latency (time units): the link is
 *                         busy only for the rest, and the data arrives that much later
 * @param replicas         copies of every device (by device index) that take samples in turn;
 *                         null means one of each
 * @param allReducePerByte training with replicas: time per byte of a ring all-reduce step over a
 *                         device's link; gradients are taken as the bytes of its operators' memory
 */
public record SimulationOptions(Schedule schedule, int microBatches, int miniBatches, int inFlight,
                                boolean overlapTransfers, boolean sharedLink, double linkLatency,
                                int[] replicas, double allReducePerByte) {

    public SimulationOptions {
        Objects.requireNonNull(schedule, "schedule");
        if (microBatches < 1) {
            throw new IllegalArgumentException("micro-batches must be >= 1, got " + microBatches);
        }
        if (miniBatches < 1) {
            throw new IllegalArgumentException("mini-batches must be >= 1, got " + miniBatches);
        }
        if (inFlight < 0) {
            throw new IllegalArgumentException("samples in flight must be >= 0, got " + inFlight);
        }
        if (!(linkLatency >= 0) || Double.isInfinite(linkLatency)) {
            throw new IllegalArgumentException("link latency must be finite and >= 0, got " + linkLatency);
        }
        if (!(allReducePerByte >= 0) || Double.isInfinite(allReducePerByte)) {
            throw new IllegalArgumentException("all-reduce time per byte must be finite and >= 0, got " + allReducePerByte);
        }
        if (replicas != null) {
            replicas = replicas.clone();
            for (int r : replicas) {
                if (r < 1) {
                    throw new IllegalArgumentException("replicas must be >= 1, got " + r);
                }
            }
        }
    }

    /** Streaming inference of 256 samples, or 8 micro-batches x 3 mini-batches of GPipe / 1F1B. */
    public static SimulationOptions defaults(Schedule schedule) {
        return schedule.training()
                ? new SimulationOptions(schedule, 8, 3, 0, false, false, 0, null, 0)
                : new SimulationOptions(schedule, 256, 1, 0, false, false, 0, null, 0);
    }

    public SimulationOptions withSchedule(Schedule value) {
        return new SimulationOptions(value, microBatches, miniBatches, inFlight, overlapTransfers, sharedLink,
                linkLatency, replicas, allReducePerByte);
    }

    public SimulationOptions withMicroBatches(int count) {
        return new SimulationOptions(schedule, count, miniBatches, inFlight, overlapTransfers, sharedLink,
                linkLatency, replicas, allReducePerByte);
    }

    public SimulationOptions withMiniBatches(int count) {
        return new SimulationOptions(schedule, microBatches, count, inFlight, overlapTransfers, sharedLink,
                linkLatency, replicas, allReducePerByte);
    }

    public SimulationOptions withInFlight(int count) {
        return new SimulationOptions(schedule, microBatches, miniBatches, count, overlapTransfers, sharedLink,
                linkLatency, replicas, allReducePerByte);
    }

    public SimulationOptions withOverlapTransfers(boolean value) {
        return new SimulationOptions(schedule, microBatches, miniBatches, inFlight, value, sharedLink,
                linkLatency, replicas, allReducePerByte);
    }

    public SimulationOptions withSharedLink(boolean value) {
        return new SimulationOptions(schedule, microBatches, miniBatches, inFlight, overlapTransfers, value,
                linkLatency, replicas, allReducePerByte);
    }

    public SimulationOptions withLinkLatency(double value) {
        return new SimulationOptions(schedule, microBatches, miniBatches, inFlight, overlapTransfers, sharedLink,
                value, replicas, allReducePerByte);
    }

    public SimulationOptions withReplicas(int[] value) {
        return new SimulationOptions(schedule, microBatches, miniBatches, inFlight, overlapTransfers, sharedLink,
                linkLatency, value, allReducePerByte);
    }

    public SimulationOptions withAllReducePerByte(double value) {
        return new SimulationOptions(schedule, microBatches, miniBatches, inFlight, overlapTransfers, sharedLink,
                linkLatency, replicas, value);
    }

    /** Copies of a device (1 unless replicas say otherwise). */
    public int replicasOf(int device) {
        return replicas == null || device >= replicas.length ? 1 : replicas[device];
    }

    /** Samples simulated in all. */
    public int samples() {
        return schedule.training() ? microBatches * miniBatches : microBatches;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SimulationOptions s && s.schedule == schedule && s.microBatches == microBatches
                && s.miniBatches == miniBatches && s.inFlight == inFlight && s.overlapTransfers == overlapTransfers
                && s.sharedLink == sharedLink && s.linkLatency == linkLatency
                && Arrays.equals(s.replicas, replicas) && s.allReducePerByte == allReducePerByte;
    }

    @Override
    public int hashCode() {
        return Objects.hash(schedule, microBatches, miniBatches, inFlight, overlapTransfers, sharedLink, linkLatency,
                Arrays.hashCode(replicas), allReducePerByte);
    }

    @Override
    public int[] replicas() {
        return replicas == null ? null : replicas.clone();
    }
}
