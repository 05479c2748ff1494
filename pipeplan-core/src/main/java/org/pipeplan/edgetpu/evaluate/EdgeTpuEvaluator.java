package org.pipeplan.edgetpu.evaluate;

import org.pipeplan.edgetpu.EdgeTpuGraph;
import org.pipeplan.edgetpu.EdgeTpuPipeline;

/**
 * The Edge-TPU pipeline cost model: stage time = compute + streaming of uncached parameters +
 * transfers. A node's output crosses every boundary from its own stage to the last stage that
 * consumes it (tensors consumed several stages later are passed through the stages between), and
 * each crossing costs the transfer time on the sending and on the receiving stage. Assignments
 * must be monotone: no edge goes to an earlier stage.
 */
public final class EdgeTpuEvaluator {

    private EdgeTpuEvaluator() {
    }

    public static StageTimes evaluate(EdgeTpuGraph g, EdgeTpuPipeline p, int[] stage) {
        checkMonotone(g, p, stage);
        int n = p.stages();
        double[] compute = new double[n];
        double[] params = new double[n];
        double[] transfer = new double[n];
        for (int v = 0; v < g.size(); v++) {
            compute[stage[v]] += g.compute(v);
            params[stage[v]] += g.paramBytes(v);
            int last = stage[v];
            for (int j = 0; j < g.successorCount(v); j++) {
                last = Math.max(last, stage[g.successor(v, j)]);
            }
            double t = p.transferTime(g.outputBytes(v));
            for (int k = stage[v]; k < last; k++) {
                transfer[k] += t;      // sent over boundary k -> k+1
                transfer[k + 1] += t;  // received there
            }
        }
        double[] streaming = new double[n];
        for (int k = 0; k < n; k++) {
            streaming[k] = p.streamingTime(params[k]);
        }
        return new StageTimes(compute, streaming, transfer, params);
    }

    /** Fails with the first edge that goes backwards, or a stage outside the pipeline. */
    public static void checkMonotone(EdgeTpuGraph g, EdgeTpuPipeline p, int[] stage) {
        if (stage.length != g.size()) {
            throw new IllegalArgumentException("assignment of " + stage.length + " nodes for a graph of " + g.size());
        }
        for (int v = 0; v < g.size(); v++) {
            if (stage[v] < 0 || stage[v] >= p.stages()) {
                throw new IllegalArgumentException("node " + g.nodeName(v) + " is on stage " + stage[v] + ", outside 0.."
                        + (p.stages() - 1));
            }
            for (int j = 0; j < g.successorCount(v); j++) {
                int w = g.successor(v, j);
                if (stage[w] < stage[v]) {
                    throw new IllegalArgumentException("edge " + g.nodeName(v) + " -> " + g.nodeName(w) + " goes back from stage "
                            + stage[v] + " to stage " + stage[w]);
                }
            }
        }
    }
}
