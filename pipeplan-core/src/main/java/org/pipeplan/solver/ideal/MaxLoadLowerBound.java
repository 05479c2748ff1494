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
        UnitGraph units = Contraction.contract(problem.graph(), ContractionOptions.classesOnly(), groups.memoryLimit());
        return of(units, groups);
    }

    /**
     * The least accelerator compute any split can have when every CPU core carries at most
     * {@code limit} of work; infinite when the units that must run on CPU cores do not fit.
     */
    public static double leastAcceleratorWork(PlacementProblem problem, double limit) {
        DeviceGroups groups = DeviceGroups.of(problem.devices());
        UnitGraph units = Contraction.contract(problem.graph(), ContractionOptions.classesOnly(), groups.memoryLimit());
        Relaxation r = Relaxation.of(units, groups);
        return r == null ? Double.POSITIVE_INFINITY : r.acceleratorWork(limit);
    }

    static double of(UnitGraph units, DeviceGroups devices) {
        Relaxation r = Relaxation.of(units, devices);
        if (r == null) {
            return Double.POSITIVE_INFINITY; // a unit fits nowhere
        }
        double lo = r.largest;
        double hi = r.largest + r.cpuOnly + r.accOnly;
        for (int u : r.flexible) {
            hi += Math.max(r.cpu[u], r.acc[u]);
        }
        if (r.fits(lo)) {
            return lo;
        }
        for (int step = 0; step < BISECTION_STEPS && hi - lo > 1e-12 * hi; step++) {
            double mid = (lo + hi) / 2;
            if (r.fits(mid)) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        return lo; // proven infeasible below, so a valid bound
    }

    /** The fractional relaxation of one problem. */
    private static final class Relaxation {
        final double[] cpu;
        final double[] acc;
        final int accelerators;
        final int cpus;
        double largest;
        double cpuOnly;
        double accOnly;
        /** Units that may go either way, cheapest CPU time per accelerator time first. */
        final List<Integer> flexible = new ArrayList<>();

        private Relaxation(double[] cpu, double[] acc, int accelerators, int cpus) {
            this.cpu = cpu;
            this.acc = acc;
            this.accelerators = accelerators;
            this.cpus = cpus;
        }

        /** The relaxation, or null when some unit fits on no device. */
        static Relaxation of(UnitGraph units, DeviceGroups devices) {
            double[] mem = units.memoryBytes();
            boolean[] accOk = units.runsOn(devices.acceleratorKind());
            Relaxation r = new Relaxation(units.computeTimes(devices.hostKind()),
                    units.computeTimes(devices.acceleratorKind()), devices.accelerators().size(), devices.cpus().size());
            for (int u = 0; u < units.size(); u++) {
                boolean onAcc = r.accelerators > 0 && accOk[u] && mem[u] <= devices.memoryLimit();
                boolean onCpu = r.cpus > 0;
                if (!onAcc && !onCpu) {
                    return null;
                }
                r.largest = Math.max(r.largest, Math.min(onAcc ? r.acc[u] : Double.POSITIVE_INFINITY,
                        onCpu ? r.cpu[u] : Double.POSITIVE_INFINITY));
                if (onAcc && onCpu) {
                    r.flexible.add(u);
                } else if (onAcc) {
                    r.accOnly += r.acc[u];
                } else {
                    r.cpuOnly += r.cpu[u];
                }
            }
            r.flexible.sort(Comparator.comparingDouble(u -> r.acc[u] == 0 ? Double.POSITIVE_INFINITY : r.cpu[u] / r.acc[u]));
            return r;
        }

        /** Least accelerator work when every CPU core takes at most t (infinite if the CPU-only work does not fit). */
        double acceleratorWork(double t) {
            double cpuRoom = cpus * t - cpuOnly;
            if (cpuRoom < 0) {
                return Double.POSITIVE_INFINITY;
            }
            double work = accOnly;
            for (int u : flexible) {
                if (cpuRoom >= cpu[u]) {
                    cpuRoom -= cpu[u];
                } else {
                    double fraction = cpu[u] == 0 ? 1 : cpuRoom / cpu[u];
                    cpuRoom = 0;
                    work += acc[u] * (1 - fraction);
                }
            }
            return work;
        }

        /** Whether every device can stay at or under t in the relaxation. */
        boolean fits(double t) {
            return acceleratorWork(t) <= accelerators * t;
        }
    }
}
