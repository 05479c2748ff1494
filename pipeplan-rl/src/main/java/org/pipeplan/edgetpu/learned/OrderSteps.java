package org.pipeplan.edgetpu.learned;

import org.pipeplan.edgetpu.EdgeTpuGraph;
import org.pipeplan.edgetpu.EdgeTpuPipeline;

/**
 * An order of a graph's nodes replayed step by step: before every step, the progress features and
 * which nodes were ready. What the network needs to score the whole order at once.
 *
 * @param order    the nodes in order
 * @param progress progress features before each step (N x PROGRESS_FEATURES)
 * @param ready    1 where a node was ready before each step (N x N)
 */
record OrderSteps(int[] order, float[][] progress, float[][] ready) {

    static OrderSteps replay(EdgeTpuGraph g, EdgeTpuPipeline p, int[] order) {
        int n = g.size();
        OrderState state = new OrderState(g, p);
        float[][] progress = new float[n][OrderState.PROGRESS_FEATURES];
        float[][] ready = new float[n][n];
        for (int t = 0; t < n; t++) {
            state.progress(progress[t]);
            for (int v = 0; v < n; v++) {
                ready[t][v] = state.isReady(v) ? 1 : 0;
            }
            state.place(order[t]);
        }
        return new OrderSteps(order, progress, ready);
    }
}
