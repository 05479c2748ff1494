package org.pipeplan.edgetpu.evaluate;

import java.util.Arrays;

/**
 * The time per inference of every stage of an Edge-TPU pipeline under one assignment.
 *
 * @param compute   compute of the stage's nodes
 * @param streaming streaming of its uncached parameters
 * @param transfer  activations received from the stage before and sent to the stage after,
 *                  pass-through tensors included
 * @param params    parameter bytes on the stage
 */
public record StageTimes(double[] compute, double[] streaming, double[] transfer, double[] params) {

    public double total(int stage) {
        return compute[stage] + streaming[stage] + transfer[stage];
    }

    /** The slowest stage's time: the pipeline's time per inference in steady state. */
    public double bottleneck() {
        double worst = 0;
        for (int k = 0; k < compute.length; k++) {
            worst = Math.max(worst, total(k));
        }
        return worst;
    }

    /** Inferences per ms in steady state. */
    public double throughput() {
        double b = bottleneck();
        return b > 0 ? 1 / b : Double.POSITIVE_INFINITY;
    }

    public int stages() {
        return compute.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StageTimes s && Arrays.equals(s.compute, compute) && Arrays.equals(s.streaming, streaming)
                && Arrays.equals(s.transfer, transfer) && Arrays.equals(s.params, params);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(compute) * 31 + Arrays.hashCode(transfer);
    }

    @Override
    public String toString() {
        return "StageTimes[bottleneck=" + bottleneck() + ", compute=" + Arrays.toString(compute) + ", streaming="
                + Arrays.toString(streaming) + ", transfer=" + Arrays.toString(transfer) + "]";
    }
}
