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
        int[] stage = new int[g.size()];
        double total = g.totalParamBytes();
        int n = p.stages();
        double seen = 0;
        int current = 0;
        for (int v = 0; v < g.size(); v++) {
            stage[v] = current;
            seen += g.paramBytes(v);
            // close the segment once it reached its share, keeping at least one node for each later stage
            while (current < n - 1 && total > 0 && seen >= total * (current + 1) / n && g.size() - v - 1 >= n - 1 - current) {
                current++;
            }
        }
        return stage;
    }
}
