package org.pipeplan.edgetpu.split;

import org.pipeplan.edgetpu.EdgeTpuGraph;

/**
 * A topological order that follows one branch as far as it can before starting another: of the
 * nodes whose inputs are all placed, the one made ready last comes next. Where a graph's own
 * numbering interleaves parallel branches (a widened model, independent towers), this order keeps
 * each branch together, so consecutive segments of it can hold one branch each.
 */
public final class DepthFirstOrder {

    private DepthFirstOrder() {
    }

    public static int[] of(EdgeTpuGraph g) {
        int n = g.size();
        int[] waiting = new int[n];
        int[] stack = new int[n];
        int top = 0;
        for (int v = n - 1; v >= 0; v--) { // sources, the first on top
            waiting[v] = g.predecessorCount(v);
            if (waiting[v] == 0) {
                stack[top++] = v;
            }
        }
        int[] order = new int[n];
        int placed = 0;
        while (top > 0) {
            int v = stack[--top];
            order[placed++] = v;
            for (int j = g.successorCount(v) - 1; j >= 0; j--) { // the first successor ends on top
                int w = g.successor(v, j);
                if (--waiting[w] == 0) {
                    stack[top++] = w;
                }
            }
        }
        return order;
    }
}
