package org.pipeplan.edgetpu.evaluate;

import java.util.Arrays;
import java.util.Comparator;
import org.pipeplan.edgetpu.EdgeTpuGraph;
import org.pipeplan.edgetpu.EdgeTpuPipeline;

/**
 * A lower bound on the bottleneck of every split of a graph over a pipeline, for solvers whose own
 * bound is weak on large graphs (CP-SAT's, before its relaxation has been solved). Whatever the
 * split, each node runs either on its stage's Edge TPU (its compute time, and its parameters in
 * that stage's cache or streamed) or on the host (its host time; only nodes the Edge TPU can run
 * have the choice, and only where something falls back). So, with S the nodes on Edge TPUs:
 * <ul>
 *   <li>the stages together do all the work, and the slowest at least an even share of it: the
 *       times of S on the Edge TPU and of the rest on the host, plus what of S's parameters
 *       exceeds all the caches together, streamed once;</li>
 *   <li>with a shared host link, that excess goes over the one link at every inference.</li>
 * </ul>
 * That bound is the least, over every choice of S (relaxed to fractions of nodes), of the larger of
 * the two: for a time L, the cheapest S whose excess fits the link within L is a fractional
 * knapsack (nodes by time saved per parameter byte), and L is searched by bisection. Where nodes
 * fall back, a second bound follows the fallback rule along paths ({@link #pathBound}), which
 * the first ignores; the larger of the two is returned. Transfers between stages count as zero,
 * which keeps both valid for any split.
 */
public final class EdgeTpuBounds {

    private EdgeTpuBounds() {
    }

    /** The bound above, in ms. */
    public static double lowerBound(EdgeTpuGraph g, EdgeTpuPipeline p) {
        int n = p.stages();
        boolean fallback = p.model().cpuFallback() && g.hostOnlyCount() > 0;
        double overhead = g.size() > 0 ? p.model().invokeOverheadMs() : 0; // at least one stage is used
        double cache = n * p.cacheBytes();
        double perByte = 1 / p.streamBytesPerMs();
        if (!fallback) { // every node on an Edge TPU
            double streamed = Math.max(0, g.totalParamBytes() - cache) * perByte;
            double stages = (g.totalCompute() + streamed + overhead) / n;
            return p.model().sharedHostLink() ? Math.max(stages, streamed) : stages;
        }
        // the work with every node on the host, and what moving each one to an Edge TPU saves
        double allHost = 0;
        int m = 0;
        double[] saved = new double[g.size()];
        double[] bytes = new double[g.size()];
        for (int v = 0; v < g.size(); v++) {
            allHost += g.hostCompute(v);
            if (g.onTpu(v) && g.compute(v) < g.hostCompute(v)) {
                saved[m] = g.hostCompute(v) - g.compute(v);
                bytes[m] = g.paramBytes(v);
                m++;
            }
        }
        double structural = pathBound(g, p);
        Integer[] byRatio = new Integer[m];
        for (int i = 0; i < m; i++) {
            byRatio[i] = i;
        }
        double[] s = saved;
        double[] b = bytes;
        // most time saved per byte first; nodes without parameters save for free
        Arrays.sort(byRatio, Comparator.comparingDouble(i -> b[i] == 0 ? Double.NEGATIVE_INFINITY : -s[i] / b[i]));
        if (!p.model().sharedHostLink()) {
            return Math.max(structural, (leastWork(byRatio, s, b, allHost, cache, perByte, Double.POSITIVE_INFINITY) + overhead) / n);
        }
        double lo = 0;
        double hi = (allHost + overhead) / n; // every node on the host: nothing streamed, a valid choice
        for (int iteration = 0; iteration < 60 && hi - lo > 1e-9 * hi; iteration++) {
            double t = (lo + hi) / 2;
            double work = leastWork(byRatio, s, b, allHost, cache, perByte, cache + t / perByte);
            if ((work + overhead) / n <= t) {
                hi = t;
            } else {
                lo = t;
            }
        }
        return Math.max(structural, lo);
    }

    /** Paths taken out of the graph for {@link #pathBound}; each costs O(nodes + edges). */
    static final int PATHS = 64;

    /**
     * The bound from the fallback rule along paths: on a path, stages never decrease, and a node
     * after one the Edge TPU cannot run, on the same stage, runs on the host (it comes later in
     * graph order). With n stages a path has at most n - 1 stage changes, so on a path that meets
     * many such nodes most of the others run on the host too. The least work of a path under that
     * rule alone is a dynamic program over (stage, fallen back yet); nodes off the chosen paths
     * count at their faster time, and none counts its streaming or transfers. Paths are taken
     * greedily, each the one with the most host time to gain among the nodes still free.
     */
    private static double pathBound(EdgeTpuGraph g, EdgeTpuPipeline p) {
        int size = g.size();
        int n = p.stages();
        double[] least = new double[size];
        double[] gain = new double[size]; // what the rule can add over the faster time
        double total = 0;
        for (int v = 0; v < size; v++) {
            least[v] = g.onTpu(v) ? Math.min(g.compute(v), g.hostCompute(v)) : g.hostCompute(v);
            gain[v] = g.hostCompute(v) - least[v];
            total += least[v];
        }
        boolean[] taken = new boolean[size];
        double[] best = new double[size];
        int[] next = new int[size];
        for (int path = 0; path < PATHS; path++) {
            // the free path with the most to gain, by a pass over the topological numbering from the end
            int start = -1;
            for (int v = size - 1; v >= 0; v--) {
                next[v] = -1;
                best[v] = Double.NEGATIVE_INFINITY;
                if (taken[v]) {
                    continue;
                }
                best[v] = gain[v];
                for (int j = 0; j < g.successorCount(v); j++) {
                    int w = g.successor(v, j);
                    if (!taken[w] && gain[v] + best[w] > best[v]) {
                        best[v] = gain[v] + best[w];
                        next[v] = w;
                    }
                }
                if (start < 0 || best[v] > best[start]) {
                    start = v;
                }
            }
            if (start < 0 || !(best[start] > 0)) {
                break;
            }
            java.util.List<Integer> nodes = new java.util.ArrayList<>();
            for (int v = start; v >= 0; v = next[v]) {
                nodes.add(v);
                taken[v] = true;
            }
            double pathLeast = 0;
            for (int v : nodes) {
                pathLeast += least[v];
            }
            total += leastPathWork(g, nodes, n) - pathLeast;
        }
        double overhead = size > 0 ? p.model().invokeOverheadMs() : 0;
        return (total + overhead) / n;
    }

    /**
     * The least work of a path's nodes when a node after one the Edge TPU cannot run on the same
     * stage runs on the host, over every way of spreading the path over n stages in order.
     */
    private static double leastPathWork(EdgeTpuGraph g, java.util.List<Integer> nodes, int n) {
        // work[k][f]: least work so far with the last node on stage k, f = 1 once that stage fell back;
        // before the first node every stage is open and nothing has fallen back
        double[][] work = new double[n][2];
        for (double[] row : work) {
            row[0] = 0;
            row[1] = Double.POSITIVE_INFINITY;
        }
        boolean first = true;
        for (int v : nodes) {
            double fast = Math.min(g.compute(v), g.hostCompute(v));
            double host = g.hostCompute(v);
            double[][] now = new double[n][2];
            double earlier = Double.POSITIVE_INFINITY; // best with the last node on an earlier stage: a later one starts afresh
            for (int k = 0; k < n; k++) {
                double open = first ? 0 : Math.min(work[k][0], earlier);
                double fallen = work[k][1];
                if (g.onTpu(v)) {
                    now[k][0] = open + fast;
                    now[k][1] = fallen + host;
                } else {
                    now[k][0] = Double.POSITIVE_INFINITY;
                    now[k][1] = Math.min(open, fallen) + host;
                }
                earlier = Math.min(earlier, Math.min(work[k][0], work[k][1]));
            }
            work = now;
            first = false;
        }
        double least = Double.POSITIVE_INFINITY;
        for (double[] row : work) {
            least = Math.min(least, Math.min(row[0], row[1]));
        }
        return least;
    }

    /**
     * The least total work over fractional choices of nodes on Edge TPUs whose parameters total at
     * most {@code maxBytes}: the caches' bytes are free, bytes beyond them cost streaming.
     */
    private static double leastWork(Integer[] byRatio, double[] saved, double[] bytes, double allHost, double cache,
                                    double perByte, double maxBytes) {
        double work = allHost;
        double used = 0;
        for (int i : byRatio) {
            double room = maxBytes - used;
            if (room <= 0 && bytes[i] > 0) {
                break;
            }
            double take = bytes[i] == 0 ? 1 : Math.min(1, room / bytes[i]);
            double free = Math.max(0, Math.min(bytes[i] * take, cache - used));
            double streamedCost = (bytes[i] * take - free) * perByte;
            double gain = saved[i] * take - streamedCost;
            if (gain <= 0) {
                // past the caches a node is worth its streaming only if it saves more per byte; later ones save less
                if (used >= cache) {
                    break;
                }
                // a node straddling the caches' end: take the part that fits free
                take = free / bytes[i];
                gain = saved[i] * take;
            }
            work -= gain;
            used += bytes[i] * take;
        }
        return work;
    }
}
