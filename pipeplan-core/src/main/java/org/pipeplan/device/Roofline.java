package org.pipeplan.device;

/**
 * The roofline cost model: an operator takes the longer of its arithmetic time and its memory
 * time, at the fraction of the peaks real kernels reach, plus a fixed launch cost; moving a tensor
 * over a device's link takes the link latency plus its bytes over the link bandwidth.
 */
public final class Roofline {

    private Roofline() {
    }

    /** Time of an operator doing {@code flops} and moving {@code bytes} on a device type, in seconds. */
    public static double computeTime(DeviceType type, double flops, double bytes) {
        double arithmetic = flops / (type.peakFlops() * type.efficiency());
        double memory = bytes / (type.memoryBandwidth() * type.efficiency());
        return Math.max(arithmetic, memory) + type.kernelOverhead();
    }

    /**
     * Time of one call of a 16-bit operator doing {@code flops} and moving {@code bytes}, in seconds:
     * on the matrix units at the share of their peak a call of that size reaches (see
     * {@link MatrixEngine}), or by {@link #computeTime} on a device without them. Memory-bound
     * operators (elementwise, norms, softmax) take their memory time either way.
     */
    public static double matrixTime(DeviceType type, double flops, double bytes) {
        MatrixEngine m = type.matrix();
        if (!m.present()) {
            return computeTime(type, flops, bytes);
        }
        double arithmetic = flops > 0 ? flops / (m.peakFlops() * m.efficiency(flops)) : 0;
        double memory = bytes / (type.memoryBandwidth() * type.efficiency());
        return Math.max(arithmetic, memory) + type.kernelOverhead();
    }

    /**
     * Time a device spends moving a tensor of {@code bytes} over its link, in seconds (0 for no
     * bytes). With direct links between all devices the peer link is used when the type has one.
     */
    public static double transferTime(DeviceType type, double bytes, Topology topology) {
        if (bytes <= 0) {
            return 0;
        }
        double bandwidth = topology == Topology.ALL_TO_ALL && type.peerBandwidth() > 0 ? type.peerBandwidth()
                : type.linkBandwidth();
        return type.linkLatency() + bytes / bandwidth;
    }
}
