package org.pipeplan.solver.ideal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.pipeplan.graph.PlacementProblem;

/**
 * A lower bound on the max-load of any split, contiguous or not, from the fractional relaxation:
 * units may be cut between the accelerators and the CPU cores, transfers are ignored, and every
 * device gets at most T of work. The least such T is found by bisection: for a given T the CPU
 * cores best take the units whose CPU time is smallest relative to their accelerator time. The
 * bound is also at least the cheapest placement of the costliest unit.
 */
public final class MaxLoadLowerBound {

    private static final int BISECTION_STEPS = 100;

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
        int k = devices.accelerators().size();
        int l = devices.cpus().size();
        double largest = 0;
        double cpuOnly = 0;
        double accOnly = 0;
        List<Integer> flexible = new ArrayList<>();
        for (int u = 0; u < units.size(); u++) {
            boolean onAcc = k > 0 && accOk[u] && mem[u] <= devices.memoryLimit();
            boolean onCpu = l > 0;
            if (!onAcc && !onCpu) {
                return Double.POSITIVE_INFINITY; // this unit fits nowhere
            }
            largest = Math.max(largest, Math.min(onAcc ? acc[u] : Double.POSITIVE_INFINITY,
                    onCpu ? cpu[u] : Double.POSITIVE_INFINITY));
            if (onAcc && onCpu) {
                flexible.add(u);
            } else if (onAcc) {
                accOnly += acc[u];
            } else {
                cpuOnly += cpu[u];
            }
        }
        // cheapest CPU time per unit of accelerator time moved first
        flexible.sort(Comparator.comparingDouble(u -> acc[u] == 0 ? Double.POSITIVE_INFINITY : cpu[u] / acc[u]));
        double lo = largest;
        double hi = largest + cpuOnly + accOnly;
        for (int u : flexible) {
            hi += Math.max(cpu[u], acc[u]);
        }
        if (feasible(lo, k, l, cpuOnly, accOnly, flexible, cpu, acc)) {
            return lo;
        }
        for (int step = 0; step < BISECTION_STEPS && hi - lo > 1e-12 * hi; step++) {
            double mid = (lo + hi) / 2;
            if (feasible(mid, k, l, cpuOnly, accOnly, flexible, cpu, acc)) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        return lo; // proven infeasible below, so a valid bound
    }

    /** Whether the fractional relaxation fits when every device may take at most t. */
    private static boolean feasible(double t, int k, int l, double cpuOnly, double accOnly, List<Integer> flexible,
                                    double[] cpu, double[] acc) {
        double cpuRoom = l * t - cpuOnly;
        if (cpuRoom < 0) {
            return false;
        }
        double accWork = accOnly;
        for (int u : flexible) {
            if (cpuRoom >= cpu[u]) {
                cpuRoom -= cpu[u];
            } else {
                double fraction = cpu[u] == 0 ? 1 : cpuRoom / cpu[u];
                cpuRoom = 0;
                accWork += acc[u] * (1 - fraction);
            }
        }
        return accWork <= k * t;
    }
}
