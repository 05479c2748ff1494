package org.pipeplan.solver.ip;

import java.util.Arrays;
import java.util.List;
import org.pipeplan.graph.Device;
import org.pipeplan.graph.DeviceKind;
import org.pipeplan.graph.OperatorGraph;
import org.pipeplan.solver.ideal.UnitGraph;

/** Per-unit compute time of the forward and backward members on a device kind, or on each device. */
final class UnitCosts {

    private UnitCosts() {
    }

    /** Compute time of each unit's forward (backward = false) or backward members on a kind. */
    static double[] phase(UnitGraph units, DeviceKind kind, boolean backward) {
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
    static double[][] onDevices(UnitGraph units, List<Device> devices) {
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
    static double[] fastest(double[][] time, boolean[] accelerator, boolean onAccelerator) {
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
