package org.pipeplan.units;

import java.util.Arrays;
import java.util.List;
import org.pipeplan.device.Device;
import org.pipeplan.device.DeviceKind;
import org.pipeplan.graph.OperatorGraph;

/** Per-unit compute time of the forward and backward members on a device kind, or on each device. */
public final class UnitCosts {

    private UnitCosts() {
    }

    /** Compute time of each unit's forward (backward = false) or backward members on a kind. */
    public static double[] phase(UnitGraph units, DeviceKind kind, boolean backward) {
        OperatorGraph g = units.graph();
        double[] t = new double[units.size()];
        for (int u = 0; u < t.length; u++) {
            for (int v : units.members(u)) {
                double x = g.operator(v).computeTime(kind);
                if (g.operator(v).isBackward() == backward && !Double.isNaN(x)) {
                    t[u] += x;
                }
            }
        }
        return t;
    }

    /**
     * time[d][u]: the compute of unit u on device d (forward and backward members), NaN where u
     * may not run there (an operator the device's kind does not run, or more memory than it has).
     */
    public static double[][] onDevices(UnitGraph units, List<Device> devices) {
        double[] memory = units.memoryBytes();
        double[][] time = new double[devices.size()][];
        for (Device d : devices) {
            double[] t = units.computeTimes(d.kind()); // forward and backward members together
            boolean[] runs = units.runsOn(d.kind());
            for (int u = 0; u < t.length; u++) {
                if (!runs[u] || memory[u] > d.memoryLimit()) {
                    t[u] = Double.NaN;
                }
            }
            time[d.index()] = t;
        }
        return time;
    }

    /**
     * Each unit's least time over the accelerators (or over the CPU cores) of {@link #onDevices};
     * +infinity where it runs on none of them.
     */
    public static double[] fastest(double[][] time, boolean[] accelerator, boolean onAccelerator) {
        int n = time.length == 0 ? 0 : time[0].length;
        double[] best = new double[n];
        Arrays.fill(best, Double.POSITIVE_INFINITY);
        for (int d = 0; d < time.length; d++) {
            for (int u = 0; u < n; u++) {
                if (accelerator[d] == onAccelerator && !Double.isNaN(time[d][u])) {
                    best[u] = Math.min(best[u], time[d][u]);
                }
            }
        }
        return best;
    }
}
