package org.pipeplan.edgetpu.evaluate;

import org.pipeplan.edgetpu.EdgeTpuCostModel;
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
        if (p.model().cpuFallback() || p.model().sharedHostLink() || p.model().invokeOverheadMs() > 0) {
            return coral(g, p, stage);
        }
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

    /**
     * The Coral model. Each stage runs its nodes in graph order; with CPU fallback, from the stage's
     * first node the Edge TPU cannot run onward its nodes run on the host CPU (their parameters stay
     * on the host, out of the cache), and the outputs of its Edge TPU part used by the fallback part
     * or by later stages are copied to the host once, at the fallback point. Tensors crossing stage
     * boundaries pay the link on both sides, as in the classic model (a pipeline runner passes
     * them through the host). With a shared host link, the pipeline is no faster than the link's
     * busy time per inference in its busier direction, all stages together.
     */
    private static StageTimes coral(EdgeTpuGraph g, EdgeTpuPipeline p, int[] stage) {
        int n = p.stages();
        EdgeTpuCostModel model = p.model();
        int[] fallbackAt = new int[n];
        java.util.Arrays.fill(fallbackAt, Integer.MAX_VALUE);
        if (model.cpuFallback()) {
            for (int v = g.size() - 1; v >= 0; v--) {
                if (!g.onTpu(v)) {
                    fallbackAt[stage[v]] = v; // ends at the smallest index: the stage's first such node
                }
            }
        }
        double[] compute = new double[n];
        double[] host = new double[n];
        double[] params = new double[n];
        double[] transfer = new double[n];
        double[] overhead = new double[n];
        boolean[] used = new boolean[n];
        double toHost = 0;
        double toDevice = 0;
        for (int v = 0; v < g.size(); v++) {
            int k = stage[v];
            used[k] = true;
            boolean onHost = v >= fallbackAt[k];
            if (onHost) {
                host[k] += g.hostCompute(v);
            } else {
                compute[k] += g.compute(v);
                params[k] += g.paramBytes(v);
            }
            int last = k;
            boolean leavesTpuPart = false;
            for (int j = 0; j < g.successorCount(v); j++) {
                int w = g.successor(v, j);
                last = Math.max(last, stage[w]);
                leavesTpuPart |= !onHost && (stage[w] > k || w >= fallbackAt[k]);
            }
            double t = p.transferTime(g.outputBytes(v));
            if (leavesTpuPart && fallbackAt[k] != Integer.MAX_VALUE) {
                transfer[k] += t; // copied to the host where the stage falls back
                toHost += t;
            }
            for (int b = k; b < last; b++) {
                transfer[b] += t;      // sent to the host
                transfer[b + 1] += t;  // and from there to the next stage
                toHost += t;
                toDevice += t;
            }
        }
        double[] streaming = new double[n];
        for (int k = 0; k < n; k++) {
            streaming[k] = p.streamingTime(params[k]);
            overhead[k] = used[k] ? model.invokeOverheadMs() : 0;
            toDevice += streaming[k];
        }
        // USB 3 and PCIe carry each direction on lanes of their own: the busier direction is the limit
        double bus = model.sharedHostLink() ? Math.max(toHost, toDevice) : 0;
        return new StageTimes(compute, streaming, transfer, params, host, overhead, bus);
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
