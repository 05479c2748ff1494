package org.pipeplan.placement.ideal;

import org.pipeplan.device.DeviceKind;
import org.pipeplan.graph.OperatorGraph;

/**
 * Incrementally tracks the transfer cost of a set D of original operators on an accelerator:
 * Σ c(u) over the distinct nodes u with an edge crossing the boundary of D, in either direction.
 * Adding or removing a node costs O(1 + in-degree).
 */
final class CrossingTransfers {

    private final double[] cost;
    private final int[] outDegree;
    private final int[][] inSources;
    private final boolean[] inside;
    private final int[] outInside;

    /** For sets on devices of the given kind. */
    CrossingTransfers(OperatorGraph g, DeviceKind kind) {
        int n = g.size();
        cost = g.transferTimes(kind);
        outDegree = new int[n];
        inSources = new int[n][];
        for (int v = 0; v < n; v++) {
            outDegree[v] = g.outDegree(v);
            inSources[v] = new int[g.inDegree(v)];
            for (int j = 0; j < inSources[v].length; j++) {
                inSources[v][j] = g.edge(g.inEdge(v, j)).source();
            }
        }
        inside = new boolean[n];
        outInside = new int[n];
    }

    private double charge(int u) {
        boolean crosses = inside[u] ? outInside[u] < outDegree[u] : outInside[u] > 0;
        return crosses ? cost[u] : 0;
    }

    /** Adds nodes to D; returns the change of the transfer cost. */
    double add(int[] nodes) {
        double delta = 0;
        for (int x : nodes) {
            double before = charge(x);
            inside[x] = true;
            delta += charge(x) - before;
            for (int p : inSources[x]) {
                before = charge(p);
                outInside[p]++;
                delta += charge(p) - before;
            }
        }
        return delta;
    }

    /** Removes nodes previously added (the caller restores its own running total). */
    void remove(int[] nodes) {
        for (int x : nodes) {
            inside[x] = false;
            for (int p : inSources[x]) {
                outInside[p]--;
            }
        }
    }
}
