package org.pipeplan.edgetpu.evaluate;

import java.util.Arrays;

/**
 * The time per inference of every stage of an Edge-TPU pipeline under one assignment.
 *
 * @param compute   compute of the stage's nodes
 * @param streaming streaming of its uncached parameters
 * @param transfer  activations received from the stage before and sent to the stage after,
 *                  pass-through tensors included
 * @param params    parameter bytes on the stage (as the graph gives them)
 * @param host      compute of its nodes that fall back to the host CPU (Coral model)
 * @param overhead  invocation overhead of the stage (Coral model)
 * @param busTime   time the one host link is busy per inference, every stage's streaming and
 *                  transfers together (Coral model; 0 when links are not shared)
 */
public record StageTimes(double[] compute, double[] streaming, double[] transfer, double[] params, double[] host,
                         double[] overhead, double busTime) {

    public StageTimes(double[] compute, double[] streaming, double[] transfer, double[] params) {
        this(compute, streaming, transfer, params, new double[compute.length], new double[compute.length], 0);
    }

    public double total(int stage) {
        return compute[stage] + streaming[stage] + transfer[stage] + host[stage] + overhead[stage];
    }

    /**
     * The pipeline's time per inference in steady state: the slowest stage's time, or the shared
     * host link's busy time where that is longer.
     */
    public double bottleneck() {
        double worst = busTime;
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
                && Arrays.equals(s.transfer, transfer) && Arrays.equals(s.params, params) && Arrays.equals(s.host, host)
                && Arrays.equals(s.overhead, overhead) && s.busTime == busTime;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(compute) * 31 + Arrays.hashCode(transfer);
    }

    @Override
    public String toString() {
        return "StageTimes[bottleneck=" + bottleneck() + ", compute=" + Arrays.toString(compute) + ", streaming="
                + Arrays.toString(streaming) + ", transfer=" + Arrays.toString(transfer) + ", host=" + Arrays.toString(host)
                + ", overhead=" + Arrays.toString(overhead) + ", bus=" + busTime + "]";
    }
}
