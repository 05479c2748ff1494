package org.pipeplan.cluster;

/**
 * Costs of the ring collectives among p GPUs (each GPU holds {@code bytes}): a ring all-reduce
 * moves 2(p-1) chunks of bytes/p per GPU, an all-gather (p-1), each chunk one message.
 */
public final class Collectives {

    private Collectives() {
    }

    /** Ring all-reduce time in ms; 0 for a single GPU. */
    public static double allReduce(double bytes, int p, GpuCluster.Link link) {
        return p <= 1 || bytes <= 0 ? 0 : 2.0 * (p - 1) * link.transferMs(bytes / p);
    }

    /** Ring all-gather time in ms (every GPU ends with the whole tensor of {@code bytes}). */
    public static double allGather(double bytes, int p, GpuCluster.Link link) {
        return p <= 1 || bytes <= 0 ? 0 : (p - 1) * link.transferMs(bytes / p);
    }
}
