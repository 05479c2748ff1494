package org.pipeplan.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.pipeplan.io.DeviceFileReader;

/** The matrix-unit and network figures of the bundled GPU types (sources: docs/devices.md). */
class BundledCatalogFiguresTest {

    private static final DeviceCatalog CATALOG = DeviceFileReader.bundledCatalog();

    /** The GPUs of the catalog: every accelerator but the Edge TPU, which has neither figure. */
    private static List<DeviceType> gpus() {
        return CATALOG.types().stream().filter(t -> !t.host() && !t.name().equals("edge-tpu")).toList();
    }

    @Test
    void everyGpuTypeHasMatrixUnitsAndANetwork() {
        List<DeviceType> gpus = gpus();
        assertEquals(List.of("a100-40gb", "a100-80gb", "h100-80gb", "v100-16gb", "t4-16gb", "rtx-4090"),
                gpus.stream().map(DeviceType::name).toList());
        for (DeviceType t : gpus) {
            MatrixEngine m = t.matrix();
            assertTrue(m.present(), t.name() + ": no matrix units");
            // the tensor cores are faster than the FP32 units, and the curve depends on the product's size
            assertTrue(m.peakFlops() > t.peakFlops(), t.name() + ": matrix peak " + m.peakFlops());
            assertTrue(m.maxEfficiency() > 0.5 && m.maxEfficiency() <= 1, t.name() + ": " + m.maxEfficiency());
            assertTrue(m.halfEfficiencyFlops() > 0, t.name() + ": no half-efficiency size");
            assertTrue(t.networkBandwidth() > 0, t.name() + ": no network bandwidth");
            assertTrue(t.networkLatency() > 0 && t.networkLatency() < 1e-4, t.name() + ": network latency " + t.networkLatency());
            // a GPU's share of its node's network is slower than its NVLink, where it has one
            assertTrue(t.peerBandwidth() == 0 || t.networkBandwidth() < t.peerBandwidth(), t.name());
        }
        DeviceType tpu = CATALOG.get("edge-tpu");
        assertFalse(tpu.matrix().present());
        assertEquals(0, tpu.networkBandwidth());
    }

    @Test
    void dataSheetPeaks() {
        assertEquals(312e12, CATALOG.get("a100-40gb").matrix().peakFlops());
        assertEquals(312e12, CATALOG.get("a100-80gb").matrix().peakFlops());
        assertEquals(989e12, CATALOG.get("h100-80gb").matrix().peakFlops());
        assertEquals(125e12, CATALOG.get("v100-16gb").matrix().peakFlops());
        // DGX A100: one 200 Gb/s HDR adapter per GPU; DGX H100: one 400 Gb/s NDR adapter per GPU
        assertEquals(25e9, CATALOG.get("a100-80gb").networkBandwidth());
        assertEquals(50e9, CATALOG.get("h100-80gb").networkBandwidth());
    }

    @Test
    void a100EfficiencyCurveIsSane() {
        MatrixEngine a100 = CATALOG.get("a100-80gb").matrix();
        double large = 2.0 * 8192 * 8192 * 8192;
        double e = a100.efficiency(large);
        assertTrue(e > 0.7 && e < a100.maxEfficiency(), "efficiency of an 8192^3 product: " + e);
        // half of the best share at the half-efficiency size, and small products well below large ones
        assertEquals(a100.maxEfficiency() / 2, a100.efficiency(a100.halfEfficiencyFlops()), 1e-12);
        assertTrue(a100.efficiency(2.0 * 512 * 512 * 512) < 0.5 * e);
        // an 8192^3 product on the matrix units takes about 4 ms, compute-bound
        DeviceType t = CATALOG.get("a100-80gb");
        double bytes = 3 * 2.0 * 8192 * 8192;
        double seconds = Roofline.matrixTime(t, large, bytes);
        assertTrue(seconds > 3.5e-3 && seconds < 4.5e-3, "8192^3 product: " + seconds + " s");
    }
}
