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
 * The bound is the least, over every choice of S (relaxed to fractions of nodes), of the larger of
 * the two: for a time L, the cheapest S whose excess fits the link within L is a fractional
 * knapsack (nodes by time saved per parameter byte), and L is searched by bisection. Transfers
 * between stages count as zero, which keeps it valid for any split.
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
        Integer[] byRatio = new Integer[m];
        for (int i = 0; i < m; i++) {
            byRatio[i] = i;
        }
        double[] s = saved;
        double[] b = bytes;
        // most time saved per byte first; nodes without parameters save for free
        Arrays.sort(byRatio, Comparator.comparingDouble(i -> b[i] == 0 ? Double.NEGATIVE_INFINITY : -s[i] / b[i]));
        if (!p.model().sharedHostLink()) {
            return (leastWork(byRatio, s, b, allHost, cache, perByte, Double.POSITIVE_INFINITY) + overhead) / n;
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
        return lo;
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
