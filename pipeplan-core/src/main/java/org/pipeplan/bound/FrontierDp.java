package org.pipeplan.bound;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.pipeplan.device.Device;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.planner.Deadline;
import org.pipeplan.units.SymmetryRelabel;
import org.pipeplan.units.TransferGroups;
import org.pipeplan.units.UnitCosts;
import org.pipeplan.units.UnitGraph;

/**
 * Decides whether any plan has a max-load of at most T, by a dynamic program over the units in a
 * fixed order (a path decomposition of the transfer groups).
 *
 * <p>After the first i units of the order are placed, the future only depends on the
 * <em>open</em> transfer groups (some member placed, some not): where their producers are and
 * which devices already hold a consumer. So the states of a step are those assignments, each with
 * the Pareto-minimal vectors of device loads that reach it; transfers are charged as soon as they
 * are certain, exactly as the assignment model of the integer programs charges them. A state is dropped when a load
 * exceeds T, or when the remaining compute cannot fit into what the devices have left (the CPU
 * cores taking the work they do best, fractionally). Identical devices are interchangeable, so
 * every state is relabelled into one canonical form.
 *
 * <p>Memory limits are ignored, and load vectors of a state that are close are merged into their
 * component-wise minimum (see {@link Front}): the program decides a relaxation, so "no plan" is a
 * proof that the optimum exceeds T (a lower bound), while a surviving state only says that the
 * relaxation admits one. Its work grows with the number of open groups and devices, so it is
 * bounded by the merging, by a limit on load vectors per step and by the deadline.
 */
public final class FrontierDp {

    /** What a run of the program established. */
    public enum Verdict {
        /** No plan has max-load at most the target: the target is a lower bound. */
        NO_PLAN,
        /** The relaxation (no memory limits) admits a plan within the target. */
        RELAXED_PLAN,
        /** The state limit or the deadline stopped the program first. */
        STOPPED
    }

    /** @param widestStep the largest number of load vectors kept after one step */
    public record Result(Verdict verdict, long widestStep, double seconds) {
    }

    /** Most devices a state can describe (bit masks). */
    public static final int MAX_DEVICES = 12;

    /** Most groups open at once for which the program is worth running. */
    public static final int MAX_WIDTH = 8;

    /** Relative slack on the target, far above the rounding of summed floating-point costs. */
    private static final double TOLERANCE = 1e-9;

    private final int deviceCount;
    private final boolean[] accelerator;
    /** time[d][u]: compute of unit u on device d, NaN where u may not run there. */
    private final double[][] time;
    private final int[] order;
    private final Transfer[] transfers;
    /** The groups each unit belongs to, as producer or consumer. */
    private final int[][] groupsOfUnit;
    /** openAfter[i]: the groups open once the first i units of the order are placed, ascending. */
    private final int[][] openAfter;
    /** The classes of identical devices (same kind and memory limit), each in index order. */
    private final int[][] classes;
    /** Each unit's least time on an accelerator and on a CPU core (+infinity where it runs on none). */
    private final double[] fastestAccelerator;
    private final double[] fastestCpu;
    /** CPU time per accelerator time over the units that run on both: what a CPU second is worth. */
    private final double cpuSlowdown;

    private record Transfer(int source, int[] consumers, double[] cost) {
    }

    public FrontierDp(PlacementProblem problem, UnitGraph units) {
        List<Device> devices = problem.devices().all();
        deviceCount = devices.size();
        if (deviceCount > MAX_DEVICES) {
            throw new IllegalArgumentException("the frontier program handles at most " + MAX_DEVICES + " devices");
        }
        int n = units.size();
        accelerator = new boolean[deviceCount];
        for (Device d : devices) {
            accelerator[d.index()] = d.isAccelerator();
        }
        time = UnitCosts.onDevices(units, devices);
        classes = SymmetryRelabel.classes(devices);
        List<Transfer> list = new ArrayList<>();
        for (TransferGroups.Group g : TransferGroups.of(units)) {
            double[] cost = new double[deviceCount];
            boolean any = false;
            for (Device d : devices) {
                cost[d.index()] = d.isAccelerator() ? g.cost(d.kind()) : 0;
                any |= cost[d.index()] > 0;
            }
            if (any) {
                list.add(new Transfer(g.source(), g.consumers(), cost));
            }
        }
        transfers = list.toArray(Transfer[]::new);
        groupsOfUnit = membership(n, transfers);
        order = narrowOrder(n, transfers, groupsOfUnit);
        openAfter = openGroups(order, transfers, groupsOfUnit);
        fastestAccelerator = UnitCosts.fastest(time, accelerator, true);
        fastestCpu = UnitCosts.fastest(time, accelerator, false);
        double cpuSum = 0;
        double accSum = 0;
        for (int u = 0; u < n; u++) {
            if (Double.isFinite(fastestAccelerator[u]) && Double.isFinite(fastestCpu[u])) {
                accSum += fastestAccelerator[u];
                cpuSum += fastestCpu[u];
            }
        }
        cpuSlowdown = accSum > 0 && cpuSum > accSum ? cpuSum / accSum : 1;
    }

    /** The largest number of groups open at once in the chosen order. */
    public int width() {
        int w = 0;
        for (int[] open : openAfter) {
            w = Math.max(w, open.length);
        }
        return w;
    }

    /** Targets tried by {@link #lowerBound}, as fractions of the incumbent's max-load. */
    private static final double[] TARGETS = {0.9925, 0.9975, 1 - 1e-7};

    /** Merge distance of load vectors, as a fraction of the target. */
    static final double MERGE = 0.002;

    /** Size of a front (load vectors of one state) past which its merge distance doubles. */
    static final int FRONT_CAP = 256;

    /** Most load vectors kept after one step (about 100 bytes each). */
    static final long STATE_LIMIT = 2_000_000;

    /**
     * The best lower bound the program proves below an incumbent: targets of 99.25%, 99.75% and
     * then all of the incumbent's max-load, each tried once the one before is proven, until one
     * fails or the deadline passes. Returns {@code known} when none above it is proven.
     */
    public double lowerBound(double known, double incumbent, Deadline deadline) {
        double proven = known;
        for (double share : TARGETS) {
            double target = incumbent * share;
            if (target <= proven) {
                continue;
            }
            Result r = decide(target, MERGE * target, STATE_LIMIT, deadline);
            if (r.verdict() != Verdict.NO_PLAN) {
                break;
            }
            proven = target;
        }
        return proven;
    }

    /**
     * Runs the program for target T with merge distance {@code merge} on accelerator loads (0:
     * exact), keeping at most {@code stateLimit} load vectors per step and stopping at the deadline.
     */
    public Result decide(double target, double merge, long stateLimit, Deadline deadline) {
        long start = System.nanoTime();
        double limit = target * (1 + TOLERANCE);
        Map<Key, Front> layer = new HashMap<>();
        Front origin = new Front();
        origin.add(new double[deviceCount], null);
        layer.put(new Key(new int[0]), origin);
        long widest = 1;
        double[] tolerance = null;
        if (merge > 0) {
            tolerance = new double[deviceCount];
            for (int d = 0; d < deviceCount; d++) {
                tolerance[d] = accelerator[d] ? merge : merge * cpuSlowdown;
            }
        }
        for (int step = 0; step < order.length; step++) {
            if (deadline.expired()) {
                return new Result(Verdict.STOPPED, widest, seconds(start));
            }
            Map<Key, Front> next = new HashMap<>();
            long kept = 0;
            int u = order[step];
            RemainingWork rest = new RemainingWork(Arrays.copyOfRange(order, step + 1, order.length),
                    fastestAccelerator, fastestCpu);
            long visited = 0;
            for (Map.Entry<Key, Front> entry : layer.entrySet()) {
                for (int d = 0; d < deviceCount; d++) {
                    if (Double.isNaN(time[d][u])) {
                        continue;
                    }
                    double[] add = new double[deviceCount];
                    int[] states = place(step, entry.getKey().states(), u, d, add);
                    add[d] += time[d][u];
                    for (double[] loads : entry.getValue().vectors) {
                        if (++visited % 4096 == 0 && deadline.expired()) {
                            return new Result(Verdict.STOPPED, widest, seconds(start));
                        }
                        double[] grown = loads.clone();
                        boolean fits = true;
                        for (int e = 0; e < deviceCount && fits; e++) {
                            grown[e] += add[e];
                            fits = grown[e] <= limit;
                        }
                        if (!fits || !rest.fits(grown, accelerator, limit)) {
                            continue;
                        }
                        int[] canonicalStates = states.clone();
                        double[] canonicalLoads = canonicalise(canonicalStates, grown);
                        Front front = next.computeIfAbsent(new Key(canonicalStates), k -> new Front());
                        kept += front.add(canonicalLoads, tolerance);
                    }
                }
                if (kept > stateLimit) {
                    return new Result(Verdict.STOPPED, Math.max(widest, kept), seconds(start));
                }
            }
            if (next.isEmpty()) {
                return new Result(Verdict.NO_PLAN, widest, seconds(start));
            }
            widest = Math.max(widest, next.values().stream().mapToLong(f -> f.vectors.size()).sum());
            layer = next;
        }
        return new Result(Verdict.RELAXED_PLAN, widest, seconds(start));
    }

    /**
     * The device loads the program charges along one assignment of the units (the device of each
     * unit); the evaluator's loads when every unit is allowed where it is put.
     */
    public double[] loads(int[] deviceOfUnit) {
        double[] loads = new double[deviceCount];
        int[] states = new int[0];
        for (int step = 0; step < order.length; step++) {
            int u = order[step];
            states = place(step, states, u, deviceOfUnit[u], loads);
            loads[deviceOfUnit[u]] += time[deviceOfUnit[u]][u];
        }
        return loads;
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    /*
     * The state of one open group, packed in an int: bits 0-3 hold the producer's device + 1 (0
     * while the producer is unplaced); above them one bit per device. While the producer is
     * unplaced the bits are the devices holding consumers; once it is placed, they are the
     * accelerators already charged for receiving, plus the producer's own bit when it was charged
     * for sending.
     */
    private static final int SOURCE_BITS = 4;

    private static int source(int state) {
        return (state & 0xF) - 1;
    }

    private static boolean has(int state, int device) {
        return (state >>> (SOURCE_BITS + device) & 1) != 0;
    }

    private static int with(int state, int device) {
        return state | 1 << (SOURCE_BITS + device);
    }

    /**
     * Places unit u on device d: the open groups after the step, with the transfer charges that
     * become certain added to {@code add}.
     */
    private int[] place(int step, int[] before, int u, int d, double[] add) {
        int[] openBefore = openAfter[step];
        int[] openNext = openAfter[step + 1];
        int[] after = new int[openNext.length];
        for (int gi : groupsOfUnit[u]) {
            Transfer t = transfers[gi];
            int pos = Arrays.binarySearch(openBefore, gi);
            int state = pos >= 0 ? before[pos] : 0;
            if (t.source() == u) {
                // the producer arrives: charge what the consumers placed so far make certain
                int fresh = d + 1;
                boolean away = false;
                for (int e = 0; e < deviceCount; e++) {
                    if (e != d && has(state, e)) {
                        away = true;
                        if (accelerator[e]) {
                            add[e] += t.cost()[e];
                            fresh = with(fresh, e);
                        }
                    }
                }
                if (away) {
                    add[d] += t.cost()[d];
                    fresh = with(fresh, d);
                }
                state = fresh;
            } else {
                int s = source(state);
                if (s < 0) {
                    state = with(state, d);
                } else if (s != d) {
                    if (accelerator[d] && !has(state, d)) {
                        add[d] += t.cost()[d];
                        state = with(state, d);
                    }
                    if (!has(state, s)) {
                        add[s] += t.cost()[s];
                        state = with(state, s);
                    }
                }
            }
            int at = Arrays.binarySearch(openNext, gi);
            if (at >= 0) {
                after[at] = state;
            }
        }
        // groups u is not in keep their state
        for (int at = 0; at < openNext.length; at++) {
            int gi = openNext[at];
            int pos = Arrays.binarySearch(openBefore, gi);
            if (pos >= 0 && !contains(groupsOfUnit[u], gi)) {
                after[at] = before[pos];
            }
        }
        return after;
    }

    private static boolean contains(int[] a, int x) {
        for (int y : a) {
            if (y == x) {
                return true;
            }
        }
        return false;
    }

    /**
     * Relabels identical devices into a canonical order: by their role in the open groups, then
     * by load. Rewrites {@code states} in place and returns the relabelled loads.
     */
    private double[] canonicalise(int[] states, double[] loads) {
        if (states.length > 31) {
            return loads; // signatures would not fit; the program stays exact, only less compact
        }
        long[] signature = new long[deviceCount];
        for (int d = 0; d < deviceCount; d++) {
            long sig = 0;
            for (int state : states) {
                sig = sig << 2 | (source(state) == d ? 2 : 0) | (has(state, d) ? 1 : 0);
            }
            signature[d] = sig;
        }
        int[] relabel = new int[deviceCount];
        boolean identity = true;
        for (int[] members : classes) {
            Integer[] byRole = new Integer[members.length];
            for (int i = 0; i < members.length; i++) {
                byRole[i] = members[i];
            }
            Arrays.sort(byRole, (a, b) -> {
                int c = Long.compare(signature[a], signature[b]);
                return c != 0 ? c : Double.compare(loads[a], loads[b]);
            });
            for (int i = 0; i < members.length; i++) {
                relabel[byRole[i]] = members[i];
                identity &= byRole[i] == members[i];
            }
        }
        if (identity) {
            return loads;
        }
        double[] out = new double[deviceCount];
        for (int d = 0; d < deviceCount; d++) {
            out[relabel[d]] = loads[d];
        }
        for (int i = 0; i < states.length; i++) {
            int s = source(states[i]);
            int fresh = s < 0 ? 0 : relabel[s] + 1;
            for (int d = 0; d < deviceCount; d++) {
                if (has(states[i], d)) {
                    fresh = with(fresh, relabel[d]);
                }
            }
            states[i] = fresh;
        }
        return out;
    }

    /**
     * The load vectors kept for one state. A vector within the merge distance of another in every
     * load (above it by at most that much) is merged into it as their component-wise minimum: the
     * merged vector admits every completion of both, so the program stays a relaxation. When a
     * front grows past {@link #FRONT_CAP} its merge distance doubles (and the front is merged
     * again), which bounds the work of a step at the price of a weaker relaxation.
     */
    private static final class Front {
        private List<double[]> vectors = new ArrayList<>();
        private double widen = 1;

        /** Adds a vector; returns the change in the front's size. */
        int add(double[] loads, double[] merge) {
            int before = vectors.size();
            insert(vectors, loads, merge, widen);
            if (merge != null && vectors.size() > FRONT_CAP) {
                widen *= 2;
                List<double[]> old = vectors;
                vectors = new ArrayList<>();
                for (double[] v : old) {
                    insert(vectors, v, merge, widen);
                }
            }
            return vectors.size() - before;
        }

        private static void insert(List<double[]> front, double[] loads, double[] merge, double widen) {
            for (double[] other : front) {
                if (dominates(other, loads, null, 0)) {
                    return;
                }
            }
            double[] kept = loads;
            for (int i = 0; i < front.size(); i++) {
                double[] other = front.get(i);
                if (merge != null && (dominates(other, kept, merge, widen) || dominates(kept, other, merge, widen))) {
                    double[] low = other.clone();
                    for (int d = 0; d < low.length; d++) {
                        low[d] = Math.min(low[d], kept[d]);
                    }
                    kept = low;
                    front.remove(i);
                    i = -1; // the lower vector may now dominate or absorb others
                } else if (dominates(kept, other, null, 0)) {
                    front.remove(i);
                    i--;
                }
            }
            front.add(kept);
        }
    }

    /** Whether a is at most b + slack * widen in every load. */
    private static boolean dominates(double[] a, double[] b, double[] slack, double widen) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] > b[i] + (slack == null ? 0 : slack[i] * widen)) {
                return false;
            }
        }
        return true;
    }

    private static int[][] membership(int n, Transfer[] transfers) {
        List<List<Integer>> of = new ArrayList<>();
        for (int u = 0; u < n; u++) {
            of.add(new ArrayList<>());
        }
        for (int gi = 0; gi < transfers.length; gi++) {
            of.get(transfers[gi].source()).add(gi);
            for (int w : transfers[gi].consumers()) {
                of.get(w).add(gi);
            }
        }
        int[][] out = new int[n][];
        for (int u = 0; u < n; u++) {
            out[u] = of.get(u).stream().mapToInt(Integer::intValue).sorted().toArray();
        }
        return out;
    }

    /**
     * A unit order that keeps few groups open: greedily the unit whose placement opens the fewest
     * new groups net of those it closes, preferring units of already open groups (then the lower
     * index).
     */
    private static int[] narrowOrder(int n, Transfer[] transfers, int[][] groupsOfUnit) {
        int[] unplaced = new int[transfers.length];
        for (int gi = 0; gi < transfers.length; gi++) {
            unplaced[gi] = 1 + transfers[gi].consumers().length;
        }
        boolean[] placed = new boolean[n];
        int[] order = new int[n];
        for (int step = 0; step < n; step++) {
            int best = -1;
            long bestScore = Long.MAX_VALUE;
            for (int u = 0; u < n; u++) {
                if (placed[u]) {
                    continue;
                }
                int opened = 0;
                int closed = 0;
                boolean touchesOpen = false;
                for (int gi : groupsOfUnit[u]) {
                    int total = 1 + transfers[gi].consumers().length;
                    if (unplaced[gi] == total) {
                        opened++;
                    } else {
                        touchesOpen = true;
                    }
                    if (unplaced[gi] == 1) {
                        closed++;
                    }
                }
                long score = (long) (opened - closed) * 4 + (touchesOpen ? 0 : 2);
                if (score < bestScore) {
                    bestScore = score;
                    best = u;
                }
            }
            placed[best] = true;
            order[step] = best;
            for (int gi : groupsOfUnit[best]) {
                unplaced[gi]--;
            }
        }
        return order;
    }

    private static int[][] openGroups(int[] order, Transfer[] transfers, int[][] groupsOfUnit) {
        int n = order.length;
        int[] first = new int[transfers.length];
        int[] last = new int[transfers.length];
        Arrays.fill(first, Integer.MAX_VALUE);
        Arrays.fill(last, -1);
        for (int i = 0; i < n; i++) {
            for (int gi : groupsOfUnit[order[i]]) {
                first[gi] = Math.min(first[gi], i);
                last[gi] = Math.max(last[gi], i);
            }
        }
        int[][] open = new int[n + 1][];
        for (int i = 0; i <= n; i++) {
            List<Integer> list = new ArrayList<>();
            for (int gi = 0; gi < transfers.length; gi++) {
                if (first[gi] < i && last[gi] >= i) {
                    list.add(gi);
                }
            }
            open[i] = list.stream().mapToInt(Integer::intValue).toArray();
        }
        return open;
    }

    /** A state's open groups, compared by content. */
    private record Key(int[] states) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(states, k.states);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(states);
        }
    }
}
