package org.pipeplan.bound;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.pipeplan.device.Device;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.planner.Deadline;
import org.pipeplan.units.SymmetryRelabel;
import org.pipeplan.units.UnitCosts;
import org.pipeplan.units.UnitGraph;

/**
 * A lower bound on max-load from packing: transfers are dropped and the edges forgotten, so the
 * units are only items of compute (and memory) to share among the devices, each device taking at
 * most T of compute and its memory limit. The largest units stay whole; the others are a fluid that
 * may be split across devices. A branch and bound over the devices of the whole units that finds
 * no packing proves that no plan has max-load at most T.
 *
 * <p>It sees what the LP bounds and the frontier program miss on graphs with a few dominant
 * operators over many identical devices (GNMT's LSTM layers on six accelerators): whole units
 * that cannot be balanced, however the rest is cut. Identical devices in the same state are tried
 * once, which keeps the search small; each target gets a node budget, and the bound is the
 * largest target proven by bisection between the known bound and the incumbent.
 */
public final class PackingBound {

    /** What one target established. */
    public enum Verdict {
        /** No packing fits the target: no plan has max-load at most the target. */
        NO_PACKING,
        /** The relaxation packs within the target: nothing is proven. */
        PACKING,
        /** The node budget or the deadline stopped the search first. */
        STOPPED
    }

    /**
     * @param bound      the largest target proven (the known bound when none above it was)
     * @param wholeUnits units kept whole at the last target tried
     * @param nodes      search nodes over all targets
     */
    public record Result(double bound, int wholeUnits, long nodes, double seconds) {
    }

    /** A unit with at least this share of the target's compute (or of an accelerator's memory) stays whole. */
    static final double WHOLE_SHARE = 1.0 / 64;

    /** Most units kept whole (the largest ones). */
    static final int MAX_WHOLE = 48;

    /** Search nodes for a target (about a second). */
    static final long NODE_LIMIT = 20_000_000;

    /** Relative width of the bisection interval at which it stops. */
    public static final double RESOLUTION = 1e-4;

    /** Relative slack on the target, far above the rounding of summed floating-point costs. */
    private static final double TOLERANCE = 1e-9;

    private final int deviceCount;
    private final boolean[] accelerator;
    private final double[] memoryLimit;
    /** time[d][u]: compute of unit u on device d, NaN where u may not run there. */
    private final double[][] time;
    private final double[] memory;
    /** For each device, the first device of its class of identical devices. */
    private final int[] classHead;
    private final double[] fastestAccelerator;
    private final double[] fastestCpu;
    private final double largestAcceleratorMemory;

    public PackingBound(PlacementProblem problem, UnitGraph units) {
        List<Device> devices = problem.devices().all();
        deviceCount = devices.size();
        accelerator = new boolean[deviceCount];
        memoryLimit = new double[deviceCount];
        double largest = 0;
        for (Device d : devices) {
            accelerator[d.index()] = d.isAccelerator();
            memoryLimit[d.index()] = d.isAccelerator() ? d.memoryLimit() : Double.POSITIVE_INFINITY;
            if (d.isAccelerator()) {
                largest = Math.max(largest, d.memoryLimit());
            }
        }
        largestAcceleratorMemory = largest;
        time = UnitCosts.onDevices(units, devices);
        memory = units.memoryBytes();
        classHead = new int[deviceCount];
        for (int[] members : SymmetryRelabel.classes(devices)) {
            for (int d : members) {
                classHead[d] = members[0];
            }
        }
        fastestAccelerator = UnitCosts.fastest(time, accelerator, true);
        fastestCpu = UnitCosts.fastest(time, accelerator, false);
    }

    /**
     * The largest target in ({@code known}, {@code incumbent}) proven by bisection, to a relative
     * resolution of {@link #RESOLUTION}: the incumbent itself is tried first (a proof there closes the
     * gap). A target that runs out of nodes leaves the next a quarter of them; after the third the
     * bisection ends. Returns {@code known} when no target above it is proven.
     */
    public Result lowerBound(double known, double incumbent, Deadline deadline) {
        long start = System.nanoTime();
        long[] nodes = new long[1];
        int whole = 0;
        double lo = known;
        double hi = incumbent;
        double target = incumbent * (1 - 1e-7);
        long budget = NODE_LIMIT;
        while (target > lo && !deadline.expired()) {
            int[] kept = wholeUnits(target);
            whole = kept.length;
            Verdict v = decide(target, kept, budget, deadline, nodes);
            if (v == Verdict.NO_PACKING) {
                lo = target;
            } else {
                hi = target;
            }
            if (v == Verdict.STOPPED) {
                // a search this hard seldom gets easy nearby: give up soon rather than spend the time
                budget /= 4;
                if (budget < NODE_LIMIT / 16) {
                    break;
                }
            }
            if (hi - lo <= RESOLUTION * hi) {
                break;
            }
            target = (lo + hi) / 2;
        }
        return new Result(lo, whole, nodes[0], (System.nanoTime() - start) / 1e9);
    }

    /** Whether some packing fits the target; {@code nodes[0]} counts the search nodes. */
    public Verdict decide(double target, long nodeLimit, Deadline deadline, long[] nodes) {
        return decide(target, wholeUnits(target), nodeLimit, deadline, nodes);
    }

    private Verdict decide(double target, int[] whole, long nodeLimit, Deadline deadline, long[] nodes) {
        boolean[] isWhole = new boolean[memory.length];
        for (int u : whole) {
            isWhole[u] = true;
        }
        int[] fluid = IntStream.range(0, memory.length).filter(u -> !isWhole[u]).toArray();
        // what is left after the first i whole units: the later whole ones and the fluid
        RemainingWork[] rest = new RemainingWork[whole.length + 1];
        RemainingWork[] restWhole = new RemainingWork[whole.length + 1];
        double[] smallestWhole = new double[whole.length + 1];
        double[] acceleratorOnlyMemory = new double[whole.length + 1];
        smallestWhole[whole.length] = Double.POSITIVE_INFINITY;
        for (int i = whole.length; i >= 0; i--) {
            int[] later = Arrays.copyOfRange(whole, i, whole.length);
            int[] left = concat(later, fluid);
            rest[i] = new RemainingWork(left, fastestAccelerator, fastestCpu);
            restWhole[i] = new RemainingWork(later, fastestAccelerator, fastestCpu);
            if (i < whole.length) {
                smallestWhole[i] = Math.min(smallestWhole[i + 1], fastestAccelerator[whole[i]]);
            }
            for (int u : left) {
                if (Double.isInfinite(fastestCpu[u])) {
                    acceleratorOnlyMemory[i] += memory[u];
                }
            }
        }
        Search s = new Search(target * (1 + TOLERANCE), whole, new Remainders(rest, restWhole, smallestWhole,
                acceleratorOnlyMemory), nodeLimit, deadline);
        Verdict v;
        try {
            v = s.place(0) ? Verdict.PACKING : Verdict.NO_PACKING;
        } catch (Stopped e) {
            v = Verdict.STOPPED;
        }
        nodes[0] += s.nodes;
        return v;
    }

    /** The units kept whole for a target: the largest by share of compute or memory, largest first. */
    public int[] wholeUnits(double target) {
        double[] share = new double[memory.length];
        for (int u = 0; u < share.length; u++) {
            double t = Math.min(fastestAccelerator[u], fastestCpu[u]);
            double m = largestAcceleratorMemory > 0 && Double.isFinite(largestAcceleratorMemory)
                    ? memory[u] / largestAcceleratorMemory : 0;
            share[u] = Double.isFinite(t) ? Math.max(t / target, m) : 0;
        }
        return IntStream.range(0, share.length).boxed().filter(u -> share[u] >= WHOLE_SHARE)
                .sorted(Comparator.comparingDouble((Integer u) -> -share[u]).thenComparingInt(u -> u))
                .limit(MAX_WHOLE).mapToInt(Integer::intValue).toArray();
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static final class Stopped extends RuntimeException {
        Stopped() {
            super(null, null, false, false);
        }
    }

    /**
     * What is left after the first i whole units, for each i: all of it (the later whole units and
     * the fluid), the later whole units alone, the least accelerator time among them, and the memory
     * of what only accelerators run.
     */
    private record Remainders(RemainingWork[] all, RemainingWork[] whole, double[] smallestWhole,
                              double[] acceleratorOnlyMemory) {
    }

    /** One depth-first search over the devices of the whole units, for one target. */
    private final class Search {
        private final double limit;
        private final int[] whole;
        private final Remainders rest;
        private final long nodeLimit;
        private final Deadline deadline;
        private final double[] load = new double[deviceCount];
        private final double[] held = new double[deviceCount];
        long nodes;

        Search(double limit, int[] whole, Remainders rest, long nodeLimit, Deadline deadline) {
            this.limit = limit;
            this.whole = whole;
            this.rest = rest;
            this.nodeLimit = nodeLimit;
            this.deadline = deadline;
        }

        /** Whether the whole units from the i-th on can be placed, the rest fitting as a fluid. */
        boolean place(int i) {
            if (++nodes > nodeLimit || (nodes % 4096 == 0 && deadline.expired())) {
                throw new Stopped();
            }
            if (!rest.all()[i].fits(load, accelerator, limit) || !wholeFits(i) || !memoryFits(i)) {
                return false;
            }
            if (i == whole.length) {
                return true;
            }
            int u = whole[i];
            for (int d = 0; d < deviceCount; d++) {
                if (Double.isNaN(time[d][u]) || load[d] + time[d][u] > limit || held[d] + memory[u] > memoryLimit[d]
                        || sameAsEarlier(d)) {
                    continue;
                }
                load[d] += time[d][u];
                held[d] += memory[u];
                boolean found = place(i + 1);
                load[d] -= time[d][u];
                held[d] -= memory[u];
                if (found) {
                    return true;
                }
            }
            return false;
        }

        /**
         * The later whole units must fit where they can go: an accelerator with less room than the
         * smallest of them can only take fluid, so its room does not count for them.
         */
        private boolean wholeFits(int i) {
            double usable = 0;
            double cpuRoom = 0;
            for (int d = 0; d < deviceCount; d++) {
                double room = limit - load[d];
                if (!accelerator[d]) {
                    cpuRoom += room;
                } else if (room >= rest.smallestWhole()[i]) {
                    usable += room;
                }
            }
            return rest.whole()[i].fits(usable, cpuRoom);
        }

        /** The units that only accelerators run must fit into the accelerators' free memory. */
        private boolean memoryFits(int i) {
            double free = 0;
            for (int d = 0; d < deviceCount; d++) {
                if (accelerator[d]) {
                    free += memoryLimit[d] - held[d];
                }
            }
            return rest.acceleratorOnlyMemory()[i] <= free * (1 + TOLERANCE);
        }

        /** An identical device in the same state comes earlier: placing there is the same branch. */
        private boolean sameAsEarlier(int d) {
            for (int e = classHead[d]; e < d; e++) {
                if (classHead[e] == classHead[d] && load[e] == load[d] && held[e] == held[d]) {
                    return true;
                }
            }
            return false;
        }
    }
}
