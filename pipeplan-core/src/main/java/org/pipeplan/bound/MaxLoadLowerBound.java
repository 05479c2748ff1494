package org.pipeplan.bound;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.pipeplan.device.DeviceKind;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.units.Contraction;
import org.pipeplan.units.ContractionOptions;
import org.pipeplan.units.DeviceGroups;
import org.pipeplan.units.UnitGraph;

/**
 * A lower bound on the max-load of any split, contiguous or not, from the fractional relaxation:
 * units may be cut between the accelerators and the CPU cores, transfers are ignored, and every
 * device gets at most T of work. The least such T is found by bisection: for a given T the CPU
 * cores best take the units whose CPU time is smallest relative to their accelerator time. The
 * bound is also at least the cheapest placement of the costliest unit, and the CPU cores must have
 * the time to run what the accelerators' memories cannot hold together (the bytes over their total
 * memory, taken fractionally from the units of least CPU time per byte). With more than one group of
 * accelerators (heterogeneous devices) the bound is the simpler one: every unit at its cheapest
 * device, the total shared evenly by all devices.
 */
public final class MaxLoadLowerBound {

    private static final int BISECTION_STEPS = 100;

    private MaxLoadLowerBound() {
    }

    /** The bound for a problem. */
    public static double of(PlacementProblem problem) {
        DeviceGroups groups = DeviceGroups.of(problem.devices());
        UnitGraph units = Contraction.contract(problem.graph(), ContractionOptions.classesOnly(),
                groups.smallestAcceleratorMemory());
        return of(units, groups);
    }

    /**
     * The least accelerator compute any split can have when every CPU core carries at most
     * {@code limit} of work; infinite when the units that must run on CPU cores do not fit.
     */
    public static double leastAcceleratorWork(PlacementProblem problem, double limit) {
        DeviceGroups groups = DeviceGroups.of(problem.devices());
        if (!groups.atMostOneOfEach()) {
            return 0; // trivially valid
        }
        UnitGraph units = Contraction.contract(problem.graph(), ContractionOptions.classesOnly(),
                groups.smallestAcceleratorMemory());
        Relaxation r = Relaxation.of(units, groups);
        return r == null ? Double.POSITIVE_INFINITY : r.acceleratorWork(limit);
    }

    public static double of(UnitGraph units, DeviceGroups devices) {
        if (!devices.atMostOneOfEach()) {
            return cheapestEverywhere(units, devices);
        }
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

    /** Every unit at its cheapest possible device, shared evenly; and at least the costliest unit there. */
    private static double cheapestEverywhere(UnitGraph units, DeviceGroups devices) {
        double[] mem = units.memoryBytes();
        int groups = devices.size();
        boolean[][] runs = new boolean[groups][];
        double[][] time = new double[groups][];
        for (int g = 0; g < groups; g++) {
            runs[g] = units.runsOn(devices.get(g).kind());
            time[g] = units.computeTimes(devices.get(g).kind());
        }
        double total = 0;
        double largest = 0;
        for (int u = 0; u < units.size(); u++) {
            double cheapest = Double.POSITIVE_INFINITY;
            for (int g = 0; g < groups; g++) {
                if (devices.get(g).size() > 0 && runs[g][u] && mem[u] <= devices.get(g).memoryLimit()) {
                    cheapest = Math.min(cheapest, time[g][u]);
                }
            }
            if (cheapest == Double.POSITIVE_INFINITY) {
                return Double.POSITIVE_INFINITY; // a unit fits nowhere
            }
            total += cheapest;
            largest = Math.max(largest, cheapest);
        }
        return Math.max(largest, total / devices.deviceCount());
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
        /** The same units, cheapest CPU time per byte of memory first. */
        int[] byMemory = new int[0];
        double[] mem = new double[0];
        /** Bytes the CPU cores must take off the accelerators, whose memories cannot hold everything else (0 if they can). */
        double overflow;

        private Relaxation(double[] cpu, double[] acc, int accelerators, int cpus) {
            this.cpu = cpu;
            this.acc = acc;
            this.accelerators = accelerators;
            this.cpus = cpus;
        }

        /** The relaxation, or null when some unit fits on no device. */
        static Relaxation of(UnitGraph units, DeviceGroups devices) {
            double[] mem = units.memoryBytes();
            DeviceGroups.Group host = devices.hostGroup();
            DeviceGroups.Group accs = devices.acceleratorGroup();
            DeviceKind hostKind = host == null ? DeviceKind.CPU : host.kind();
            DeviceKind accKind = accs == null ? DeviceKind.ACCELERATOR : accs.kind();
            double memoryLimit = accs == null ? Double.POSITIVE_INFINITY : accs.memoryLimit();
            boolean[] accOk = units.runsOn(accKind);
            Relaxation r = new Relaxation(units.computeTimes(hostKind), units.computeTimes(accKind),
                    accs == null ? 0 : accs.size(), host == null ? 0 : host.size());
            double held = 0; // bytes of the units that may run on an accelerator
            for (int u = 0; u < units.size(); u++) {
                boolean onAcc = r.accelerators > 0 && accOk[u] && mem[u] <= memoryLimit;
                boolean onCpu = r.cpus > 0;
                if (!onAcc && !onCpu) {
                    return null;
                }
                if (onAcc) {
                    held += mem[u];
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
            // what does not fit in the accelerators' memories together must run on the CPU cores
            double room = r.accelerators * memoryLimit;
            if (r.cpus > 0 && held > room) {
                r.overflow = held - room;
                r.mem = mem;
                r.byMemory = r.flexible.stream().filter(u -> mem[u] > 0)
                        .sorted(Comparator.comparingDouble(u -> r.cpu[u] / mem[u])).mapToInt(Integer::intValue).toArray();
            }
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

        /**
         * Whether every device can stay at or under t in the relaxation: the accelerators' work
         * within their time, and the bytes their memories cannot hold within the CPU cores' time
         * (each alone a necessary condition).
         */
        boolean fits(double t) {
            return acceleratorWork(t) <= accelerators * t && leastCpuTimeForOverflow() <= cpus * t - cpuOnly;
        }

        /** The least CPU time that takes the memory overflow off the accelerators, fractionally (infinite if it cannot). */
        double leastCpuTimeForOverflow() {
            if (overflow <= 0) {
                return 0;
            }
            double left = overflow;
            double time = 0;
            for (int u : byMemory) {
                if (mem[u] >= left) {
                    return time + cpu[u] * left / mem[u];
                }
                left -= mem[u];
                time += cpu[u];
            }
            return Double.POSITIVE_INFINITY;
        }
    }
}
