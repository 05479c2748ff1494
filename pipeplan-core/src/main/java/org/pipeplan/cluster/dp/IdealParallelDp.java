package org.pipeplan.cluster.dp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.pipeplan.cluster.ClusterPlan;
import org.pipeplan.cluster.ClusterProblem;
import org.pipeplan.cluster.ClusterStage;
import org.pipeplan.cluster.GpuCluster;
import org.pipeplan.cluster.ParallelSpace;
import org.pipeplan.cluster.StageCost;
import org.pipeplan.cluster.StageSums;
import org.pipeplan.cluster.StageTime;
import org.pipeplan.graph.OperatorGraph;
import org.pipeplan.planner.PlanStatus;

/**
 * The exact planner over all ideals (in the spirit of Piper's planner): a stage is the
 * difference J \ I of two nested ideals of the unit graph (sets closed under predecessors), not
 * only a range of one topological order as in {@link ParallelDp}, so branches of one block may go
 * to different stages. best[m][J] is the least time per sample of ideal J on GPUs 0..m-1, over its
 * sub-ideals I and the last stage's replicas and split degree. Every prefix of the pipeline order
 * is an ideal, so its optimum is never worse than {@link ParallelDp}'s. The ideals can be
 * exponentially many: above a limit the search is not attempted.
 */
public final class IdealParallelDp {

    /** Above this many ideals the pairs of ideals are too many to enumerate. */
    public static final int DEFAULT_MAX_IDEALS = 1500;

    private IdealParallelDp() {
    }

    /** The optimal plan, or null when the graph has more than {@code maxIdeals} ideals. */
    public static ClusterPlan solve(ClusterProblem p, ParallelSpace space, int maxIdeals) {
        long start = System.nanoTime();
        List<BitSet> ideals = enumerate(p, maxIdeals);
        if (ideals == null) {
            return null;
        }
        int count = ideals.size();
        int n = p.positions();
        StageSums[] sums = new StageSums[count];
        double[] cross = new double[count];
        int[] size = new int[count];
        for (int k = 0; k < count; k++) {
            BitSet ideal = ideals.get(k);
            StageSums s = StageSums.NONE;
            for (int v = ideal.nextSetBit(0); v >= 0; v = ideal.nextSetBit(v + 1)) {
                s = s.plus(StageSums.range(p, v, v + 1));
            }
            sums[k] = s;
            cross[k] = crossing(p, ideal);
            size[k] = ideal.cardinality();
        }
        GpuCluster c = p.cluster();
        int gpus = c.gpus();
        StageTable table = new StageTable(gpus, count); // ideal 0 is the empty one
        for (int j = 1; j < count; j++) {
            int[] subs = subIdeals(ideals, size, j);
            for (int m = 1; m <= gpus; m++) {
                double cur = Double.POSITIVE_INFINITY;
                for (int[] shape : space.shapes(m)) {
                    int r = shape[0];
                    int t = shape[1];
                    int a = m - r * t;
                    for (int i : subs) {
                        if (table.best(a, i) >= cur) {
                            continue;
                        }
                        StageSums stage = sums[j].minus(sums[i]);
                        if ((stage.wholeCompute() + stage.splitCompute() / t) / r >= cur) {
                            continue;
                        }
                        StageTime st = StageCost.of(p, stage, cross[i], cross[j], r, t, a);
                        if (st.memoryPerGpu() > c.memoryBytes()) {
                            continue;
                        }
                        double value = Math.max(table.best(a, i), st.perSample());
                        if (value < cur) {
                            cur = value;
                            table.record(m, j, value, i, r, t);
                        }
                    }
                }
            }
        }
        int full = count - 1;
        int used = table.bestGpus(full);
        double seconds = (System.nanoTime() - start) / 1e9;
        String note = space + ", stages over all " + count + " ideals";
        if (used < 0) {
            return ClusterPlan.none("ideal-parallel-dp", seconds, "no plan fits the GPUs' memory");
        }
        List<ClusterStage> stages = table.stages(full, used, (before, after) -> {
            BitSet stage = (BitSet) ideals.get(after).clone();
            stage.andNot(ideals.get(before));
            return nodesOf(p, stage);
        });
        assert n == ideals.get(full).cardinality();
        return new ClusterPlan(stages, table.best(used, full), "ideal-parallel-dp", PlanStatus.OPTIMAL, seconds, note);
    }

    /**
     * The ideals, smallest first (the empty one first, all positions last), or null when there are
     * more than {@code limit}.
     */
    static List<BitSet> enumerate(ClusterProblem p, int limit) {
        int n = p.positions();
        int[][] preds = predecessors(p);
        List<BitSet> ideals = new ArrayList<>();
        Map<BitSet, Integer> seen = new HashMap<>();
        BitSet empty = new BitSet(n);
        ideals.add(empty);
        seen.put(empty, 0);
        for (int k = 0; k < ideals.size(); k++) {
            BitSet ideal = ideals.get(k);
            for (int v = ideal.nextClearBit(0); v < n; v = ideal.nextClearBit(v + 1)) {
                boolean free = true;
                for (int u : preds[v]) {
                    free &= ideal.get(u);
                }
                if (!free) {
                    continue;
                }
                BitSet next = (BitSet) ideal.clone();
                next.set(v);
                if (!seen.containsKey(next)) {
                    if (ideals.size() >= limit) {
                        return null;
                    }
                    seen.put(next, ideals.size());
                    ideals.add(next); // breadth first: sizes never decrease along the list
                }
            }
        }
        return ideals;
    }

    private static int[][] predecessors(ClusterProblem p) {
        int n = p.positions();
        List<List<Integer>> preds = new ArrayList<>();
        for (int v = 0; v < n; v++) {
            preds.add(new ArrayList<>());
        }
        for (int v = 0; v < n; v++) {
            for (int w : p.successors(v)) {
                preds.get(w).add(v);
            }
        }
        int[][] out = new int[n][];
        for (int v = 0; v < n; v++) {
            out[v] = preds.get(v).stream().mapToInt(Integer::intValue).toArray();
        }
        return out;
    }

    /** Indices of the proper sub-ideals of ideal j. */
    private static int[] subIdeals(List<BitSet> ideals, int[] size, int j) {
        BitSet outer = ideals.get(j);
        int[] out = new int[j];
        int k = 0;
        for (int i = 0; i < j && size[i] < size[j]; i++) {
            BitSet rest = (BitSet) ideals.get(i).clone();
            rest.andNot(outer);
            if (rest.isEmpty()) {
                out[k++] = i;
            }
        }
        return Arrays.copyOf(out, k);
    }

    /** Bytes of the tensors with their producer or a consumer inside the ideal and another outside. */
    private static double crossing(ClusterProblem p, BitSet ideal) {
        OperatorGraph g = p.source().graph();
        double bytes = 0;
        for (int u = 0; u < g.size(); u++) {
            boolean in = ideal.get(p.positionOf(u));
            boolean crosses = false;
            for (int j = 0; j < g.outDegree(u) && !crosses; j++) {
                crosses = ideal.get(p.positionOf(g.edge(g.outEdge(u, j)).target())) != in;
            }
            if (crosses) {
                bytes += ClusterProblem.outputBytes(g, u);
            }
        }
        return bytes;
    }

    private static int[] nodesOf(ClusterProblem p, BitSet positions) {
        List<Integer> nodes = new ArrayList<>();
        for (int v = positions.nextSetBit(0); v >= 0; v = positions.nextSetBit(v + 1)) {
            for (int node : p.members(v)) {
                nodes.add(node);
            }
        }
        return nodes.stream().mapToInt(Integer::intValue).sorted().toArray();
    }
}
