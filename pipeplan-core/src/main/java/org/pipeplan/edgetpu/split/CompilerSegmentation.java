package org.pipeplan.edgetpu.split;

import org.pipeplan.edgetpu.EdgeTpuGraph;
import org.pipeplan.edgetpu.EdgeTpuPipeline;

/**
 * The commercial compiler's segmentation, the baseline: nodes in topological order are cut into
 * as many segments as stages, each with roughly the same parameter bytes (a segment closes once
 * it holds its share of the total), whatever their compute or the tensors that cross the cuts.
 */
public final class CompilerSegmentation {

    private CompilerSegmentation() {
    }

    public static int[] split(EdgeTpuGraph g, EdgeTpuPipeline p) {
        int[] identity = new int[g.size()];
        for (int v = 0; v < identity.length; v++) {
            identity[v] = v;
        }
        return split(g, p, identity);
    }

    /** The same cuts of nodes taken in a given topological order. */
    public static int[] split(EdgeTpuGraph g, EdgeTpuPipeline p, int[] order) {
        int[] stage = new int[g.size()];
        double total = g.totalParamBytes();
        int n = p.stages();
        double seen = 0;
        int current = 0;
        for (int i = 0; i < order.length; i++) {
            int v = order[i];
            stage[v] = current;
            seen += g.paramBytes(v);
            // close the segment once it reached its share, keeping at least one node for each later stage
            while (current < n - 1 && total > 0 && seen >= total * (current + 1) / n && order.length - i - 1 >= n - 1 - current) {
                current++;
            }
        }
        return stage;
    }
}
