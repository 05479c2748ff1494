package org.pipeplan.cluster.training;

import org.pipeplan.cluster.Collectives;
import org.pipeplan.cluster.GpuCluster;
import org.pipeplan.device.DeviceType;
import org.pipeplan.device.Roofline;

/**
 * What every layer of a workload costs one micro-batch under a setup's tensor degree, micro-batch,
 * sequence parallelism and recomputation (docs/training.md, "Time of one micro-batch on a stage"):
 * forward and backward time (compute and tensor-parallel collectives, recomputation included),
 * the activations kept, and the parameters on one GPU. A stage sums its layers and adds its
 * point-to-point transfers and ZeRO-3 gathers.
 */
final class LayerCosts {

    /** Milliseconds per second. */
    private static final double MS = 1000;

    private final double[] forward;
    private final double[] backward;
    private final double[] forwardFlops;
    private final double[] recomputeFlops;
    private final double[] stash;
    private final double[] fullStash;
    private final double[] params;
    private final double[] largestOutput;
    private final double[] largestCollective;

    LayerCosts(TrainingWorkload w, TrainingSetup s) {
        int n = w.size();
        forward = new double[n];
        backward = new double[n];
        forwardFlops = new double[n];
        recomputeFlops = new double[n];
        stash = new double[n];
        fullStash = new double[n];
        params = new double[n];
        largestOutput = new double[n];
        largestCollective = new double[n];
        GpuCluster cluster = w.problem().cluster();
        DeviceType device = cluster.device();
        int t = s.tensor();
        int b = s.microBatch();
        boolean sp = s.sequenceParallel();
        GpuCluster.Link tensorLink = cluster.intraNode();
        for (int i = 0; i < n; i++) {
            TrainingWorkload.Layer layer = w.layer(i);
            double fwd = 0;
            double fwdCollectives = 0;
            double core = 0;
            double coreFlops = 0;
            double flops = 0;
            for (TrainingWorkload.Op op : layer.forward()) {
                double time = time(op, device, b, divisor(op, t, sp));
                fwd += time;
                if (!Double.isNaN(op.flops())) {
                    flops += b * op.flops();
                }
                if (op.attentionCore()) {
                    core += time;
                    coreFlops += Double.isNaN(op.flops()) ? 0 : b * op.flops();
                }
                double c = collective(op.forwardCollectiveBytes() * b, t, op.gathers(), tensorLink);
                fwdCollectives += c;
                largestOutput[i] = Math.max(largestOutput[i], b * op.outputBytes() / divisor(op, t, sp));
                largestCollective[i] = Math.max(largestCollective[i], t > 1 ? b * op.forwardCollectiveBytes() : 0);
            }
            double bwd = 0;
            for (TrainingWorkload.Op op : layer.backward()) {
                bwd += time(op, device, b, divisor(op, t, sp)) + collective(op.backwardCollectiveBytes() * b, t, false, tensorLink);
                largestCollective[i] = Math.max(largestCollective[i], t > 1 ? b * op.backwardCollectiveBytes() : 0);
            }
            forward[i] = fwd + fwdCollectives;
            forwardFlops[i] = flops;
            switch (s.recomputation()) {
                case FULL -> {
                    backward[i] = bwd + forward[i];
                    recomputeFlops[i] = flops;
                }
                case SELECTIVE -> {
                    backward[i] = bwd + core;
                    recomputeFlops[i] = coreFlops;
                }
                default -> backward[i] = bwd;
            }
            double whole = sp ? layer.wholeStash() / t : layer.wholeStash();
            fullStash[i] = b * (layer.splitStash() / t + whole);
            stash[i] = switch (s.recomputation()) {
                // only the layer's input is kept (split along the sequence with sequence parallelism)
                case FULL -> b * (sp ? w.forwardCut(i) / t : w.forwardCut(i));
                case SELECTIVE -> b * ((layer.splitStash() - layer.coreStash()) / t + whole);
                default -> fullStash[i];
            };
            params[i] = layer.splitParams() / t + layer.wholeParams();
        }
    }

    /** The share of an operator's work one GPU of a tensor group does. */
    private static int divisor(TrainingWorkload.Op op, int t, boolean sequenceParallel) {
        return op.split() || sequenceParallel ? t : 1;
    }

    /** One call on b samples, split k ways: from its work on the matrix roofline, or from its time. */
    private static double time(TrainingWorkload.Op op, DeviceType device, int b, int k) {
        if (device != null && !Double.isNaN(op.flops()) && !Double.isNaN(op.bytes())) {
            return MS * Roofline.matrixTime(device, b * op.flops() / k, b * op.bytes() / k);
        }
        return b * op.time() / k;
    }

    /**
     * A tensor-parallel collective of X bytes among t GPUs: an all-reduce (or, with sequence
     * parallelism, a reduce-scatter and an all-gather: the same bytes), or an all-gather for an
     * operator that gathers its output.
     */
    private static double collective(double bytes, int t, boolean gather, GpuCluster.Link link) {
        if (t <= 1 || bytes <= 0) {
            return 0;
        }
        return gather ? Collectives.allGather(bytes, t, link) : Collectives.allReduce(bytes, t, link);
    }

    /** Forward time of layer i for one micro-batch, ms. */
    double forward(int i) {
        return forward[i];
    }

    /** Backward time of layer i for one micro-batch, recomputation included, ms. */
    double backward(int i) {
        return backward[i];
    }

    /** Model FLOPs of layer i's forward pass for one micro-batch (on the whole tensor group). */
    double forwardFlops(int i) {
        return forwardFlops[i];
    }

    /** FLOPs the backward pass spends recomputing layer i for one micro-batch. */
    double recomputeFlops(int i) {
        return recomputeFlops[i];
    }

    /** Bytes layer i keeps on one GPU for one micro-batch's backward pass. */
    double stash(int i) {
        return stash[i];
    }

    /**
     * Bytes layer i's backward pass needs at once for one micro-batch: all its activations, kept
     * or recomputed (what full recomputation brings back for the layer being processed).
     */
    double fullStash(int i) {
        return fullStash[i];
    }

    /** Parameters of layer i on one GPU of its tensor group. */
    double params(int i) {
        return params[i];
    }

    /** The largest operator output of layer i for one micro-batch on one GPU, bytes. */
    double largestOutput(int i) {
        return largestOutput[i];
    }

    /** The largest tensor-parallel message of layer i for one micro-batch, bytes. */
    double largestCollective(int i) {
        return largestCollective[i];
    }
}
