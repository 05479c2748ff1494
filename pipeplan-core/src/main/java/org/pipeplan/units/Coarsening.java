package org.pipeplan.units;

import org.pipeplan.device.DeviceKind;

/**
 * Coarsens a unit graph that is too big for the ideal DP: consecutive units of one stack
 * topological order are fused into blocks of bounded compute.
 *
 * <p>Why intervals of a topological order (for contiguous splits; other solvers need no convexity): such an interval is always convex (a path between two
 * of its units can only pass through units placed between them), and the intervals in their order
 * are a topological order of the fused graph, so the result is a DAG whose contiguous splits are
 * contiguous splits of the original. The stack order keeps chains and the branches of a block
 * together, so most blocks are pieces of one chain. A block never mixes units that may run on
 * different device kinds, and never holds more than {@value #MEMORY_SHARE} of the smallest
 * accelerator's memory.
 *
 * <p>What it costs: every stage boundary of the coarse optimum is at most one block away from a
 * boundary of the fine optimum; the DP solver's boundary refinement then moves single fine units
 * across the boundaries.
 */
public final class Coarsening {

    /** Share of the smallest accelerator memory one block may hold. */
    static final double MEMORY_SHARE = 0.125;

    private Coarsening() {
    }

    /**
     * Fuses units into at most about {@code target} blocks (more only where device kinds or memory
     * force a break), or returns the graph unchanged when it is already that small.
     */
    public static UnitGraph intervals(UnitGraph units, DeviceGroups groups, int target) {
        int n = units.size();
        if (n <= target) {
            return units;
        }
        double[] work = work(units, groups);
        double[] memory = units.memoryBytes();
        int[] kinds = kindSignature(units, groups);
        double total = 0;
        for (double w : work) {
            total += w;
        }
        // blocks of equal work would make `target` of them; units heavier than that stay alone
        double cap = Math.max(total / target, 0);
        int countCap = (n + target - 1) / target;
        double memoryCap = MEMORY_SHARE * groups.smallestAcceleratorMemory();
        int[] order = order(units);
        int[] representative = new int[n];
        int head = order[0];
        double blockWork = 0;
        double blockMemory = 0;
        int blockSize = 0;
        for (int u : order) {
            // the count limit keeps runs of free units (cap 0 when nothing costs) from one giant block
            boolean fits = blockSize > 0 && kinds[u] == kinds[head] && blockWork + work[u] <= cap
                    && blockSize < 4 * countCap && blockMemory + memory[u] <= memoryCap;
            if (!fits) {
                head = u;
                blockWork = 0;
                blockMemory = 0;
                blockSize = 0;
            }
            representative[u] = head;
            blockWork += work[u];
            blockMemory += memory[u];
            blockSize++;
        }
        return units.merge(representative);
    }

    /**
     * For the solvers other than the DP: the units coarsened to half of {@code coarsenAbove} blocks
     * when there are more than {@code coarsenAbove}, else the units themselves; records the block
     * count in the stats.
     */
    public static UnitGraph forSolver(UnitGraph units, org.pipeplan.device.DeviceSet devices, int coarsenAbove,
                                      java.util.Map<String, Number> stats) {
        if (units.size() <= coarsenAbove) {
            return units;
        }
        UnitGraph blocks = intervals(units, DeviceGroups.of(devices), Math.max(1, coarsenAbove / 2));
        stats.put("coarseUnits", blocks.size());
        return blocks;
    }

    /**
     * The stack topological order of the units; for a unit graph with cycles (colocation classes
     * of a training graph, for non-contiguous splits, where blocks need not be convex) the units by
     * their first operator in the graph's topological order.
     */
    private static int[] order(UnitGraph units) {
        try {
            return units.stackTopologicalOrder();
        } catch (IllegalStateException cyclic) {
            int[] rank = new int[units.graph().size()];
            int[] topo = units.graph().topologicalOrder();
            for (int i = 0; i < topo.length; i++) {
                rank[topo[i]] = i;
            }
            int[] first = new int[units.size()];
            for (int u = 0; u < first.length; u++) {
                first[u] = Integer.MAX_VALUE;
                for (int v : units.members(u)) {
                    first[u] = Math.min(first[u], rank[v]);
                }
            }
            return java.util.stream.IntStream.range(0, units.size()).boxed()
                    .sorted(java.util.Comparator.comparingInt(u -> first[u])).mapToInt(Integer::intValue).toArray();
        }
    }

    /**
     * The fine graph with the blocks of {@code coarse} (made by {@link #intervals}) fused again,
     * except those at a stage boundary of the placement and their neighbours, which stay open as
     * their fine units. A block is at a boundary when its units are on several devices or one of
     * them has a neighbour on a device that {@code movable} pairs with its own (neighbouring
     * stages whose boundary may move: edges to operators pinned to a host core are everywhere and
     * would open every block). The placement ({@code deviceOfNode}: the device of every operator)
     * is representable on the result, whose fused blocks are still intervals of one topological
     * order, so it is a DAG.
     */
    public static UnitGraph reopen(UnitGraph fine, UnitGraph coarse, java.util.function.IntUnaryOperator deviceOfNode,
                                   java.util.function.BiPredicate<Integer, Integer> movable) {
        int n = fine.size();
        int[] blockOf = new int[n];
        int[] firstDevice = new int[coarse.size()];
        java.util.Arrays.fill(firstDevice, -1);
        boolean[] boundary = new boolean[coarse.size()];
        for (int u = 0; u < n; u++) {
            int b = coarse.unitOf(fine.members(u)[0]);
            blockOf[u] = b;
            int d = deviceOfNode.applyAsInt(fine.members(u)[0]);
            if (firstDevice[b] < 0) {
                firstDevice[b] = d;
            } else if (firstDevice[b] != d) {
                boundary[b] = true;
            }
            for (int w : fine.successors(u)) {
                int other = deviceOfNode.applyAsInt(fine.members(w)[0]);
                if (other != d && movable.test(d, other)) {
                    boundary[b] = true;
                    boundary[coarse.unitOf(fine.members(w)[0])] = true;
                }
            }
        }
        boolean[] open = boundary.clone();
        for (int b = 0; b < coarse.size(); b++) {
            if (boundary[b]) {
                for (int c : coarse.successors(b)) {
                    open[c] = true;
                }
                for (int c : coarse.predecessors(b)) {
                    open[c] = true;
                }
            }
        }
        int[] head = new int[coarse.size()];
        java.util.Arrays.fill(head, -1);
        int[] representative = new int[n];
        for (int u = 0; u < n; u++) {
            int b = blockOf[u];
            if (open[b]) {
                representative[u] = u;
            } else {
                if (head[b] < 0) {
                    head[b] = u;
                }
                representative[u] = head[b];
            }
        }
        return fine.merge(representative);
    }

    /** A unit's work: its compute on the first accelerator kind, or the first kind when there is none. */
    private static double[] work(UnitGraph units, DeviceGroups groups) {
        DeviceKind kind = groups.groups().stream().filter(g -> !g.host()).map(DeviceGroups.Group::kind).findFirst()
                .orElse(groups.get(0).kind());
        return units.computeTimes(kind);
    }

    /** Bit g is set when the unit may run on group g's kind. */
    private static int[] kindSignature(UnitGraph units, DeviceGroups groups) {
        int[] signature = new int[units.size()];
        for (int g = 0; g < Math.min(groups.size(), 31); g++) {
            boolean[] runs = units.runsOn(groups.get(g).kind());
            for (int u = 0; u < runs.length; u++) {
                signature[u] |= runs[u] ? 1 << g : 0;
            }
        }
        return signature;
    }
}
