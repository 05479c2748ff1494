package org.pipeplan.device;

/**
 * What a device's matrix units (tensor cores) do for 16-bit matrix products: their dense peak, the
 * best share of it that large products reach, and how that share falls for small ones. A product
 * of x FLOPs per call reaches {@code maxEfficiency * x / (x + halfEfficiencyFlops)} of the peak:
 * small products leave the units idle (too few tiles for the multiprocessors, tile and wave
 * quantisation), large ones approach what the vendor's library reaches.
 *
 * @param peakFlops           dense 16-bit (BF16/FP16) matrix peak, FLOP/s; 0 when the device has none
 * @param maxEfficiency       share of the peak reached by large matrix products, (0, 1]
 * @param halfEfficiencyFlops FLOPs of one product at which it reaches half of maxEfficiency; 0 for
 *                            no dependence on size
 */
public record MatrixEngine(double peakFlops, double maxEfficiency, double halfEfficiencyFlops) {

    /** No matrix units: products run at the device's general peak and efficiency. */
    public static final MatrixEngine NONE = new MatrixEngine(0, 1, 0);

    public MatrixEngine {
        if (!(peakFlops >= 0) || Double.isInfinite(peakFlops) || !(maxEfficiency > 0 && maxEfficiency <= 1)
                || !(halfEfficiencyFlops >= 0) || Double.isInfinite(halfEfficiencyFlops)) {
            throw new IllegalArgumentException("matrix engine: peak and half-efficiency FLOPs finite and >= 0, "
                    + "efficiency in (0, 1] required");
        }
    }

    public boolean present() {
        return peakFlops > 0;
    }

    /** The share of the peak a product of {@code flops} FLOPs per call reaches. */
    public double efficiency(double flops) {
        if (halfEfficiencyFlops <= 0) {
            return maxEfficiency;
        }
        double x = Math.max(flops, 0);
        return maxEfficiency * x / (x + halfEfficiencyFlops);
    }
}
