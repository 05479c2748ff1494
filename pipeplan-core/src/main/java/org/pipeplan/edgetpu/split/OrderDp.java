package org.pipeplan.edgetpu.split;

import org.pipeplan.edgetpu.EdgeTpuGraph;
import org.pipeplan.edgetpu.EdgeTpuPipeline;

/**
 * The best split of the nodes, in their topological numbering, into consecutive segments, one per
 * stage: exact for that order (dynamic programming over the cut positions), so at least as good
 * as the compiler's segmentation, which cuts the same order by parameter bytes alone. A segment's
 * time depends only on its two cuts: its compute and parameters, and the tensors that cross
 * either cut. O(stages * nodes^2).
 */
public final class OrderDp {

    private OrderDp() {
    }

    /** The best split of the nodes in their own (topological) numbering. */
    public static int[] split(EdgeTpuGraph g, EdgeTpuPipeline p) {
        int[] identity = new int[g.size()];
        for (int i = 0; i < identity.length; i++) {
            identity[i] = i;
        }
        return split(g, p, identity);
    }

    /**
     * The best split of the nodes taken in a given topological order (every node after its
     * predecessors) into consecutive segments; returns the stage of every node.
     */
    public static int[] split(EdgeTpuGraph g, EdgeTpuPipeline p, int[] order) {
        return split(g, p, order, Double.POSITIVE_INFINITY);
    }

    /**
     * The best split of the order if its bottleneck is below {@code bound}, else null. A known
     * bound (the best split found so far among several orders) prunes most of the work for
     * orders that cannot beat it.
     */
    public static int[] split(EdgeTpuGraph g, EdgeTpuPipeline p, int[] order, double bound) {
        int n = g.size();
        if (order.length != n) {
            throw new IllegalArgumentException("order of " + order.length + " nodes for a graph of " + n);
        }
        int[] position = new int[n];
        java.util.Arrays.fill(position, -1);
        for (int i = 0; i < n; i++) {
            if (order[i] < 0 || order[i] >= n || position[order[i]] >= 0) {
                throw new IllegalArgumentException("not an order of the nodes: " + order[i] + " at " + i);
            }
            position[order[i]] = i;
        }
        int stages = p.stages();
        // cross[i]: transfer time of the tensors crossing the cut before position i (made before
        // it, used at or after it)
        double[] cross = new double[n + 1];
        double[] delta = new double[n + 2];
        double[] computePrefix = new double[n + 1];
        double[] paramPrefix = new double[n + 1];
        for (int i = 0; i < n; i++) {
            int u = order[i];
            int last = i;
            for (int j = 0; j < g.successorCount(u); j++) {
                int at = position[g.successor(u, j)];
                if (at < i) {
                    throw new IllegalArgumentException("not a topological order: " + g.nodeName(g.successor(u, j))
                            + " comes before its input " + g.nodeName(u));
                }
                last = Math.max(last, at);
            }
            if (last > i) {
                double t = p.transferTime(g.outputBytes(u));
                delta[i + 1] += t;
                delta[last + 1] -= t;
            }
            computePrefix[i + 1] = computePrefix[i] + g.compute(u);
            paramPrefix[i + 1] = paramPrefix[i] + g.paramBytes(u);
        }
        double running = 0;
        for (int i = 0; i <= n; i++) {
            running += delta[i];
            cross[i] = i == 0 || i == n ? 0 : running;
        }
        double cache = p.cacheBytes();
        double stream = p.streamBytesPerMs();
        Fallback fb = p.model().cpuFallback() || p.model().invokeOverheadMs() > 0
                ? Fallback.of(g, p, order, position) : null;
        // best[k][i]: least bottleneck of the first i positions on the first k stages
        double[][] best = new double[stages + 1][n + 1];
        int[][] cut = new int[stages + 1][n + 1];
        for (double[] row : best) {
            java.util.Arrays.fill(row, Double.POSITIVE_INFINITY);
        }
        best[0][0] = 0;
        double[] suffixMin = new double[n + 2];
        for (int k = 1; k <= stages; k++) {
            double[] before = best[k - 1];
            double[] now = best[k];
            suffixMin[n + 1] = Double.POSITIVE_INFINITY;
            for (int j = n; j >= 0; j--) {
                suffixMin[j] = Math.min(before[j], suffixMin[j + 1]);
            }
            int stagesLeft = stages - k;
            for (int i = stagesLeft == 0 ? n : 0; i <= n; i++) { // the last stage ends at the last position
                // with a bound: the positions i..n still to place need at least their compute and
                // their parameters over the caches, spread evenly over the stages left; a prefix
                // that cannot finish below the bound is not worth a best value
                // (and the last stage must end at the last position)
                boolean hopeless = stagesLeft == 0 ? i < n
                        : fb != null ? (fb.least[n] - fb.least[i]) / stagesLeft >= bound
                        : (computePrefix[n] - computePrefix[i]
                            + Math.max(0, paramPrefix[n] - paramPrefix[i] - stagesLeft * cache) / stream) / stagesLeft >= bound;
                if (bound < Double.POSITIVE_INFINITY && hopeless) {
                    now[i] = Double.POSITIVE_INFINITY;
                    cut[k][i] = Math.min(i, cut[k][Math.max(0, i - 1)]);
                    continue;
                }
                if (k == 1) { // the first stage starts at position 0
                    now[i] = segment(0, i, before, computePrefix, paramPrefix, cross, cache, stream, fb);
                    cut[k][i] = 0;
                    continue;
                }
                // start from the previous position's best cut, usually close to this one's
                int start = Math.min(i, cut[k][Math.max(0, i - 1)]);
                now[i] = segment(start, i, before, computePrefix, paramPrefix, cross, cache, stream, fb);
                cut[k][i] = start;
                // earlier cuts only add compute and parameters to the segment: once those alone
                // reach the best value (or the bound), no earlier cut can do better
                // earlier starts, skipping those whose own time alone reaches the best value (or the bound)
                for (int j = earlierStart(start - 1, i, Math.min(now[i], bound), computePrefix, paramPrefix, cache, stream, fb);
                     j >= 0; j = earlierStart(j - 1, i, Math.min(now[i], bound), computePrefix, paramPrefix, cache, stream, fb)) {
                    double own = ownTime(j, i, computePrefix, paramPrefix, cache, stream, fb);
                    double value = Math.max(before[j], own + cross[j] + cross[i]);
                    if (value < now[i]) {
                        now[i] = value;
                        cut[k][i] = j;
                    }
                }
                // later cuts cost at least the least bottleneck of any longer prefix on k - 1 stages
                for (int j = start + 1; j <= i && suffixMin[j] < Math.min(now[i], bound); j++) {
                    double value = segment(j, i, before, computePrefix, paramPrefix, cross, cache, stream, fb);
                    if (value < now[i]) {
                        now[i] = value;
                        cut[k][i] = j;
                    }
                }
            }
        }
        if (!(best[stages][n] < bound)) {
            return null;
        }
        int[] stage = stagesOf(order, cut, stages);
        if (p.model().sharedHostLink()) {
            return withHostLink(g, p, order, stage, best[stages][n], bound, cross, computePrefix, paramPrefix, fb);
        }
        return stage;
    }

    /**
     * Largest graph the host-link search runs on: each probe is a dynamic program over every stage,
     * end and start within a stage's reach, which where the link rather than the stages binds is
     * much of the graph (at 5,000 nodes on 6 stages 15 to 60 ms a probe here, and a search takes
     * up to 8); larger graphs take the better of the stages' optimum and the compiler's cuts of the order.
     */
    static final int HOST_LINK_SEARCH_MAX_NODES = 10_000;

    /** The host-link search stops once its bracket is this narrow, relative to the best time found. */
    public static final double LINK_TOLERANCE = 1e-4;

    /**
     * The shared host link: when it, not the slowest stage, decides the split found, search the
     * time T between the stages' optimum (a lower bound) and that split's time for the least T
     * that a split with every stage within T can also move its host-link bytes in: for each T, a
     * dynamic program finds the split with every stage within T that sends the fewest bytes to the
     * devices (streamed parameters and tensors received; at least what goes to the host without
     * fallback copies). Every split tried is priced by the evaluator, and the best kept.
     */
    private static int[] withHostLink(EdgeTpuGraph g, EdgeTpuPipeline p, int[] order, int[] split, double stagesOptimum,
                                      double bound, double[] cross, double[] computePrefix, double[] paramPrefix, Fallback fb) {
        org.pipeplan.edgetpu.evaluate.StageTimes first = org.pipeplan.edgetpu.evaluate.EdgeTpuEvaluator.evaluate(g, p, split);
        double best = first.bottleneck();
        int n = order.length;
        if (first.busTime() <= stagesOptimum) { // the link does not decide: the stages' optimum is the split's time
            return best < bound ? split : null;
        }
        if (n > HOST_LINK_SEARCH_MAX_NODES) {
            // too large to search: the compiler's equal-parameter cuts of the same order stream the
            // least in most graphs, so the better of the two keeps the split at least as good as them
            int[] shares = CompilerSegmentation.split(g, p, order);
            double value = org.pipeplan.edgetpu.evaluate.EdgeTpuEvaluator.evaluate(g, p, shares).bottleneck();
            int[] better = value < best ? shares : split;
            return Math.min(value, best) < bound ? better : null;
        }
        int[] bestSplit = split;
        double lo = stagesOptimum;
        double hi = Math.min(best, bound); // only a split below the bound is of use
        // within 0.01% of the order's optimum: each further halving costs a full dynamic program
        for (int iteration = 0; iteration < 40 && hi - lo > LINK_TOLERANCE * hi; iteration++) {
            // the first probe is at the best time found
            double t = iteration == 0 ? hi : (lo + hi) / 2;
            LinkSplit candidate = leastToDevice(p, order, n, t, cross, computePrefix, paramPrefix, fb);
            double value = candidate == null ? Double.POSITIVE_INFINITY
                    : org.pipeplan.edgetpu.evaluate.EdgeTpuEvaluator.evaluate(g, p, candidate.stages()).bottleneck();
            if (value < best) {
                best = value;
                bestSplit = candidate.stages();
            }
            // a split better than t has its stages within t, so sends at least the probe's fewest
            // bytes to the devices: the optimum is at least that (above t: nothing beats t)
            double least = candidate == null ? Double.POSITIVE_INFINITY : candidate.toDevice();
            lo = Math.max(lo, Math.min(least, t));
            hi = Math.min(hi, best); // the candidate's own time bounds the optimum from above
            if (value <= t * (1 + 1e-12)) {
                hi = Math.min(hi, t);
            } else if (iteration > 0) {
                lo = Math.max(lo, t); // a heuristic step when copies to the host make that direction the busier
            }
        }
        return best < bound ? bestSplit : null;
    }

    /** A split and the time of the bytes it sends to the devices over the host link. */
    private record LinkSplit(int[] stages, double toDevice) {
    }

    /** The split with every stage within t that moves the fewest bytes to the devices, or null if none has its stages within t. */
    private static LinkSplit leastToDevice(EdgeTpuPipeline p, int[] order, int n, double t, double[] cross, double[] computePrefix,
                                       double[] paramPrefix, Fallback fb) {
        int stages = p.stages();
        double cache = p.cacheBytes();
        double stream = p.streamBytesPerMs();
        double limit = t * (1 + 1e-12);
        Reach reach = Reach.of(stages, n, limit, computePrefix, paramPrefix, cache, stream, fb);
        if (reach == null) {
            return null;
        }
        double[][] best = new double[stages + 1][n + 1];
        int[][] cut = new int[stages + 1][n + 1];
        for (double[] row : best) {
            java.util.Arrays.fill(row, Double.POSITIVE_INFINITY);
        }
        best[0][0] = 0;
        double overhead = fb == null ? 0 : fb.overhead;
        double[] received = new double[n + 1]; // best of the stages before plus the tensors received: a start's least cost
        for (int k = 1; k <= stages; k++) {
            double[] before = best[k - 1];
            double[] now = best[k];
            for (int j = 0; j <= n; j++) {
                received[j] = before[j] + cross[j];
            }
            // stage k ends where k stages can reach and the stages after it can finish from; it
            // starts where k - 1 stages can reach and k stages can finish from
            int firstStart = reach.finishFrom[stages - k + 1];
            for (int i = Math.max(reach.finishFrom[stages - k], k == stages ? n : 0); i <= reach.reachable[k]; i++) {
                if (k == 1) { // the first stage starts at the first position
                    if (firstStart == 0) {
                        relax(p, now, cut[k], received, 0, i, t, cross, computePrefix, paramPrefix, cache, stream, fb);
                    }
                    continue;
                }
                // the previous end's best start first: usually close to this one's, it lets the
                // check below pass over most other starts
                if (i > 0 && now[i - 1] < Double.POSITIVE_INFINITY) {
                    relax(p, now, cut[k], received, cut[k][i - 1], i, t, cross, computePrefix, paramPrefix, cache, stream, fb);
                }
                int top = Math.min(i, reach.reachable[k - 1]);
                // starts after the last fallback node before i: the whole stage on its Edge TPU, its
                // own time growing as the start moves earlier, so the scan stops where it reaches t
                int lastHostOnly = fb == null ? -1 : fb.previousHostOnly[i];
                int j = top;
                for (int bottom = Math.max(firstStart, lastHostOnly + 1); j >= bottom; j--) {
                    double own = j == i ? 0 : computePrefix[i] - computePrefix[j]
                            + Math.max(0, paramPrefix[i] - paramPrefix[j] - cache) / stream + overhead;
                    if (!(own + cross[i] < limit)) {
                        j = lastHostOnly; // earlier starts in the stretch take longer still
                        break;
                    }
                    if (received[j] < now[i]) { // it sends at least the tensors it receives
                        relax(p, now, cut[k], received, j, i, t, cross, computePrefix, paramPrefix, cache, stream, fb);
                    }
                }
                // starts before a fallback node: their stages fall back, so their own time has no
                // such order; those whose own time alone exceeds t are skipped
                for (j = earlierStart(Math.min(j, top), i, limit, computePrefix, paramPrefix, cache, stream, fb); j >= firstStart;
                     j = earlierStart(j - 1, i, limit, computePrefix, paramPrefix, cache, stream, fb)) {
                    if (received[j] < now[i]) {
                        relax(p, now, cut[k], received, j, i, t, cross, computePrefix, paramPrefix, cache, stream, fb);
                    }
                }
            }
        }
        if (best[stages][n] == Double.POSITIVE_INFINITY) {
            return null;
        }
        return new LinkSplit(stagesOf(order, cut, stages), best[stages][n]);
    }

    /** Takes positions j..i-1 as the last stage if its time is within t and it sends fewer bytes to the devices. */
    private static void relax(EdgeTpuPipeline p, double[] now, int[] cut, double[] received, int j, int i, double t, double[] cross,
                              double[] computePrefix, double[] paramPrefix, double cache, double stream, Fallback fb) {
        double own = ownTime(j, i, computePrefix, paramPrefix, cache, stream, fb);
        if (own + cross[j] + cross[i] > t) {
            return;
        }
        int f = fb == null ? i : Math.min(fb.next[j], i);
        double value = received[j] + p.streamingTime(paramPrefix[f] - paramPrefix[j]);
        if (value < now[i]) {
            now[i] = value;
            cut[i] = j;
        }
    }

    /**
     * Where stages within a time limit can end, judged by the lower bound {@link #leastOwn}, which
     * never decreases as a stage grows at either end: so the greedy stage that reaches farthest is
     * the farthest any can, from the start and from the end alike.
     *
     * @param reachable  for k stages, the last position the first k can end at
     * @param finishFrom for r stages, the first position the last r can start at
     */
    private record Reach(int[] reachable, int[] finishFrom) {

        /** The bands, or null where the stages cannot cover the order within the limit even by the bound. */
        static Reach of(int stages, int n, double limit, double[] computePrefix, double[] paramPrefix, double cache,
                        double stream, Fallback fb) {
            int[] reachable = new int[stages + 1];
            int[] finishFrom = new int[stages + 1];
            finishFrom[0] = n;
            for (int k = 1; k <= stages; k++) {
                int from = reachable[k - 1];
                int i = from;
                while (i < n && leastOwn(from, i + 1, computePrefix, paramPrefix, cache, stream, fb) < limit) {
                    i++;
                }
                reachable[k] = i;
                int to = finishFrom[k - 1];
                int j = to;
                while (j > 0 && leastOwn(j - 1, to, computePrefix, paramPrefix, cache, stream, fb) < limit) {
                    j--;
                }
                finishFrom[k] = j;
            }
            return reachable[stages] == n ? new Reach(reachable, finishFrom) : null;
        }
    }

    /** The stage of every node, read back from the best cut of every prefix on every number of stages. */
    private static int[] stagesOf(int[] order, int[][] cut, int stages) {
        int n = order.length;
        int[] stage = new int[n];
        int i = n;
        for (int k = stages; k >= 1; k--) {
            int j = cut[k][i];
            for (int v = j; v < i; v++) {
                stage[order[v]] = k - 1;
            }
            i = j;
        }
        return stage;
    }

    /** The bottleneck with the last stage running positions j..i-1 after the best split of 0..j-1. */
    private static double segment(int j, int i, double[] before, double[] computePrefix, double[] paramPrefix,
                                  double[] cross, double cache, double stream, Fallback fb) {
        if (before[j] == Double.POSITIVE_INFINITY) {
            return Double.POSITIVE_INFINITY;
        }
        // an empty stage still passes on the tensors crossing its position
        return Math.max(before[j], ownTime(j, i, computePrefix, paramPrefix, cache, stream, fb) + cross[j] + cross[i]);
    }

    /**
     * The latest start at or before j of a stage ending at i whose own time may be below limit, or
     * -1 if there is none. Without fallback a stage's own time grows as its start moves earlier,
     * so the scan stops at the first start that reaches the limit. With fallback, between two
     * fallback nodes the Edge TPU part grows with an earlier start (its compute and streaming, with
     * the host part fixed), so a start that reaches the limit skips to the fallback node before it;
     * and once the host part alone reaches the limit, every earlier start does (its host part only
     * grows).
     */
    private static int earlierStart(int j, int i, double limit, double[] computePrefix, double[] paramPrefix, double cache,
                                    double stream, Fallback fb) {
        if (fb == null || !fb.anyHostOnly) {
            return j >= 0 && leastOwn(j, i, computePrefix, paramPrefix, cache, stream, fb) < limit ? j : -1;
        }
        while (j >= 0) {
            int f = Math.min(fb.next[j], i);
            double host = fb.hostPrefix[i] - fb.hostPrefix[f] + (j < i ? fb.overhead : 0);
            if (host >= limit) {
                return -1;
            }
            double tpu = computePrefix[f] - computePrefix[j] + Math.max(0, paramPrefix[f] - paramPrefix[j] - cache) / stream;
            if (tpu + host < limit) {
                return j;
            }
            j = fb.previousHostOnly[j];
        }
        return -1;
    }

    /**
     * A lower bound of the own time of a stage running positions j..i-1 that never decreases as j
     * decreases (so a scan towards earlier starts can stop at it): its exact time without fallback;
     * with fallback operators in the order, the nodes from the first one the Edge TPU cannot run at
     * their host time and those before it at their faster time, without streaming or copies (an
     * earlier start adds a node, or moves that first node earlier, which puts more of the stage on
     * the host: the bound never decreases).
     */
    private static double leastOwn(int j, int i, double[] computePrefix, double[] paramPrefix, double cache, double stream,
                                   Fallback fb) {
        if (fb == null || !fb.anyHostOnly) {
            double time = computePrefix[i] - computePrefix[j] + Math.max(0, paramPrefix[i] - paramPrefix[j] - cache) / stream;
            return fb == null || j == i ? time : time + fb.overhead;
        }
        int f = Math.min(fb.next[j], i);
        return fb.least[f] - fb.least[j] + fb.hostPrefix[i] - fb.hostPrefix[f] + (j < i ? fb.overhead : 0);
    }

    /** The own time of a stage running positions j..i-1: compute and streaming, or the Coral model's. */
    private static double ownTime(int j, int i, double[] computePrefix, double[] paramPrefix, double cache, double stream,
                                  Fallback fb) {
        return fb != null ? fb.own(j, i, computePrefix, paramPrefix)
                : computePrefix[i] - computePrefix[j] + Math.max(0, paramPrefix[i] - paramPrefix[j] - cache) / stream;
    }

    /**
     * A segment's own time under the Coral model's CPU fallback and invocation overhead, in O(1):
     * positions j..i-1 run on the Edge TPU up to the first position the Edge TPU cannot run
     * ({@code next[j]}), the rest on the host; the Edge TPU part's outputs used from there on are
     * copied to the host once ({@code copy[j]}), as the evaluator counts them.
     */
    private static final class Fallback {
        final int[] next;
        final double[] copy;
        final double[] hostPrefix;
        final double[] least;
        final double overhead;
        final EdgeTpuPipeline pipeline;
        final boolean anyHostOnly;
        /** For every position, the last position before it the Edge TPU cannot run, or -1. */
        final int[] previousHostOnly;

        private Fallback(int[] next, double[] copy, double[] hostPrefix, double[] least, double overhead,
                         EdgeTpuPipeline pipeline) {
            this.anyHostOnly = next[0] < next.length - 1;
            this.previousHostOnly = new int[next.length];
            int last = -1;
            for (int i = 0; i < next.length; i++) {
                previousHostOnly[i] = last;
                if (i < next.length - 1 && next[i] == i) {
                    last = i;
                }
            }
            this.next = next;
            this.copy = copy;
            this.hostPrefix = hostPrefix;
            this.least = least;
            this.overhead = overhead;
            this.pipeline = pipeline;
        }

        static Fallback of(EdgeTpuGraph g, EdgeTpuPipeline p, int[] order, int[] position) {
            int n = order.length;
            boolean fallback = p.model().cpuFallback();
            int[] next = new int[n + 1];
            next[n] = n;
            for (int i = n - 1; i >= 0; i--) {
                next[i] = fallback && !g.onTpu(order[i]) ? i : next[i + 1];
            }
            int[] lastUse = new int[n];
            double[] hostPrefix = new double[n + 1];
            double[] least = new double[n + 1];
            for (int i = 0; i < n; i++) {
                int u = order[i];
                int last = -1;
                for (int j = 0; j < g.successorCount(u); j++) {
                    last = Math.max(last, position[g.successor(u, j)]);
                }
                lastUse[i] = last;
                double host = fallback ? g.hostCompute(u) : g.compute(u);
                hostPrefix[i + 1] = hostPrefix[i] + host;
                least[i + 1] = least[i] + Math.min(g.compute(u), host);
            }
            // copy[j]: outputs of positions j..f-1 used at or after f = next[j], summed backwards
            double[] copy = new double[n + 1];
            for (int j = n - 1; j >= 0; j--) {
                int f = next[j];
                if (f == j || f == n) {
                    copy[j] = 0;
                    continue;
                }
                double own = lastUse[j] >= f ? p.transferTime(g.outputBytes(order[j])) : 0;
                copy[j] = own + (j + 1 < f ? copy[j + 1] : 0);
            }
            return new Fallback(next, copy, hostPrefix, least, p.model().invokeOverheadMs(), p);
        }

        double own(int j, int i, double[] computePrefix, double[] paramPrefix) {
            if (j == i) {
                return 0;
            }
            int f = Math.min(next[j], i);
            double time = computePrefix[f] - computePrefix[j] + pipeline.streamingTime(paramPrefix[f] - paramPrefix[j])
                    + hostPrefix[i] - hostPrefix[f] + overhead;
            return f < i ? time + copy[j] : time;
        }
    }
}
