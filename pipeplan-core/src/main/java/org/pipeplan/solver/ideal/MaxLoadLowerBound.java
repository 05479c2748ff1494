package org.pipeplan.solver.ideal;

import org.pipeplan.graph.PlacementProblem;

/**
 * A quick lower bound on the max-load of any split, contiguous or not: every unit must go whole
 * onto some device that can hold it, so the bottleneck is at least the cheapest placement of the
 * costliest unit, and at least the average of the cheapest placements over all devices.
 * Transfers are ignored, which keeps the bound valid.
 */
public final class MaxLoadLowerBound {

    private MaxLoadLowerBound() {
    }

    /** The bound for a problem whose devices are identical host cores and identical accelerators. */
    public static double of(PlacementProblem problem) {
        DeviceGroups groups = DeviceGroups.of(problem.devices());
        UnitGraph units = Contraction.contract(problem.graph(), new ContractionOptions(false, false, false),
                groups.memoryLimit());
        return of(units, groups);
    }

    static double of(UnitGraph units, DeviceGroups devices) {
        double[] cpu = units.computeTimes(devices.hostKind());
        double[] acc = units.computeTimes(devices.acceleratorKind());
        double[] mem = units.memoryBytes();
        boolean[] accOk = units.runsOn(devices.acceleratorKind());
        int deviceCount = devices.cpus().size() + devices.accelerators().size();
        double largest = 0;
        double total = 0;
        for (int u = 0; u < units.size(); u++) {
            double cheapest = Double.POSITIVE_INFINITY;
            if (!devices.cpus().isEmpty()) {
                cheapest = cpu[u];
            }
            if (!devices.accelerators().isEmpty() && accOk[u] && mem[u] <= devices.memoryLimit()) {
                cheapest = Math.min(cheapest, acc[u]);
            }
            largest = Math.max(largest, cheapest);
            total += cheapest;
        }
        return Math.max(largest, deviceCount == 0 ? Double.POSITIVE_INFINITY : total / deviceCount);
    }
}
