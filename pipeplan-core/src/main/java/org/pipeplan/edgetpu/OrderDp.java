package org.pipeplan.edgetpu;

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

    public static int[] split(EdgeTpuGraph g, EdgeTpuPipeline p) {
        int n = g.size();
        int stages = p.stages();
        // cross[i]: transfer time of the tensors crossing the cut before node i (made before i, used at or after i)
        double[] cross = new double[n + 1];
        double[] delta = new double[n + 2];
        for (int u = 0; u < n; u++) {
            int last = u;
            for (int j = 0; j < g.successorCount(u); j++) {
                last = Math.max(last, g.successor(u, j));
            }
            if (last > u) {
                double t = p.transferTime(g.outputBytes(u));
                delta[u + 1] += t;
                delta[last + 1] -= t;
            }
        }
        double running = 0;
        for (int i = 0; i <= n; i++) {
            running += delta[i];
            cross[i] = i == 0 || i == n ? 0 : running;
        }
        double[] computePrefix = new double[n + 1];
        double[] paramPrefix = new double[n + 1];
        for (int v = 0; v < n; v++) {
            computePrefix[v + 1] = computePrefix[v] + g.compute(v);
            paramPrefix[v + 1] = paramPrefix[v] + g.paramBytes(v);
        }
        // best[k][i]: least bottleneck of the first i nodes on the first k stages
        double[][] best = new double[stages + 1][n + 1];
        int[][] cut = new int[stages + 1][n + 1];
        for (double[] row : best) {
            java.util.Arrays.fill(row, Double.POSITIVE_INFINITY);
        }
        best[0][0] = 0;
        for (int k = 1; k <= stages; k++) {
            for (int i = 0; i <= n; i++) {
                for (int j = 0; j <= i; j++) {
                    if (best[k - 1][j] == Double.POSITIVE_INFINITY) {
                        continue;
                    }
                    // an empty stage still passes on the tensors crossing its position
                    double time = computePrefix[i] - computePrefix[j] + p.streamingTime(paramPrefix[i] - paramPrefix[j])
                            + cross[j] + cross[i];
                    double value = Math.max(best[k - 1][j], time);
                    if (value < best[k][i]) {
                        best[k][i] = value;
                        cut[k][i] = j;
                    }
                }
            }
        }
        int[] stage = new int[n];
        int i = n;
        for (int k = stages; k >= 1; k--) {
            int j = cut[k][i];
            for (int v = j; v < i; v++) {
                stage[v] = k - 1;
            }
            i = j;
        }
        return stage;
    }
}
