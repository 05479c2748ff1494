package org.pipeplan.edgetpu.learned;

import org.pipeplan.edgetpu.EdgeTpuGraph;
import org.pipeplan.edgetpu.EdgeTpuPipeline;

/**
 * What the scheduler's network sees of a graph and its pipeline: per node a vector of features
 * that do not depend on the graph's size or units (times relative to the mean node, bytes relative
 * to the cache and to an even share per stage, positions as fractions, whether it falls back to the
 * host and its host time), and the normalised
 * adjacency of predecessors and successors for message passing.
 */
final class GraphFeatures {

    static final int NODE_FEATURES = 15;

    final int n;
    final float[][] nodes;
    final double meanCompute;
    private final EdgeTpuGraph graph;

    GraphFeatures(EdgeTpuGraph g, EdgeTpuPipeline p) {
        n = g.size();
        graph = g;
        int stages = p.stages();
        double totalCompute = Math.max(g.totalCompute(), 1e-12);
        double totalParams = g.totalParamBytes();
        meanCompute = totalCompute / Math.max(1, n);
        double evenParams = Math.max(totalParams / stages, 1);
        int[] level = new int[n];
        int[] height = new int[n];
        int[] lastUse = new int[n];
        for (int v = 0; v < n; v++) {
            lastUse[v] = v;
            for (int j = 0; j < g.successorCount(v); j++) {
                int w = g.successor(v, j);
                level[w] = Math.max(level[w], level[v] + 1);
                lastUse[v] = Math.max(lastUse[v], w);
            }
        }
        for (int v = n - 1; v >= 0; v--) {
            for (int j = 0; j < g.successorCount(v); j++) {
                height[v] = Math.max(height[v], height[g.successor(v, j)] + 1);
            }
        }
        int maxLevel = Math.max(1, java.util.Arrays.stream(level).max().orElse(1));
        int maxHeight = Math.max(1, java.util.Arrays.stream(height).max().orElse(1));
        double paramPressure = Math.log1p(totalParams / (stages * Math.max(p.cacheBytes(), 1)));
        double streamingShare = Math.log1p(totalParams / p.streamBytesPerMs() / totalCompute);
        nodes = new float[n][NODE_FEATURES];
        for (int v = 0; v < n; v++) {
            float[] f = nodes[v];
            f[0] = (float) Math.log1p(g.compute(v) / meanCompute);
            f[1] = (float) Math.log1p(g.paramBytes(v) / evenParams * stages);
            f[2] = (float) Math.log1p(p.transferTime(g.outputBytes(v)) / meanCompute);
            f[3] = (float) Math.log1p(g.predecessorCount(v));
            f[4] = (float) Math.log1p(g.successorCount(v));
            f[5] = (float) v / n;
            f[6] = (float) level[v] / maxLevel;
            f[7] = (float) height[v] / maxHeight;
            f[8] = (float) (lastUse[v] - v) / n;
            f[9] = (float) (g.compute(v) / (totalCompute / stages));
            f[10] = (float) paramPressure;
            f[11] = 1f / stages;
            f[12] = (float) streamingShare;
            // what falls back to the host (under a model with fallback), and how slow it is there
            boolean hostOnly = p.model().cpuFallback() && !g.onTpu(v);
            f[13] = hostOnly ? 1f : 0f;
            f[14] = p.model().cpuFallback() ? (float) Math.log1p(g.hostCompute(v) / meanCompute) : 0f;
        }
    }

    /**
     * Dense adjacency for the network's batched products in training: row v averages v's
     * predecessors (or successors). Inference aggregates over the lists instead.
     */
    float[][] adjacency(boolean predecessors) {
        float[][] a = new float[n][n];
        for (int v = 0; v < n; v++) {
            int count = predecessors ? graph.predecessorCount(v) : graph.successorCount(v);
            for (int j = 0; j < count; j++) {
                a[v][predecessors ? graph.predecessor(v, j) : graph.successor(v, j)] = 1f / count;
            }
        }
        return a;
    }
}
