package org.pipeplan.bound;

import org.pipeplan.device.Device;
import org.pipeplan.graph.OperatorGraph;
import org.pipeplan.graph.PlacementProblem;

/**
 * A lower bound on the single-sample latency of any placement: the longest path when every node
 * takes its least compute time over the device kinds it may use, and transfers are free.
 */
public final class LatencyLowerBound {

    private LatencyLowerBound() {
    }

    public static double of(PlacementProblem problem) {
        OperatorGraph g = problem.graph();
        double[] finish = new double[g.size()];
        double longest = 0;
        for (int v : g.topologicalOrder()) {
            double fastest = Double.POSITIVE_INFINITY;
            for (Device d : problem.devices().all()) {
                if (g.operator(v).runsOn(d.kind())) {
                    fastest = Math.min(fastest, g.operator(v).computeTime(d.kind()));
                }
            }
            if (Double.isInfinite(fastest) || Double.isNaN(fastest)) {
                return Double.POSITIVE_INFINITY;
            }
            double start = 0;
            for (int j = 0; j < g.inDegree(v); j++) {
                start = Math.max(start, finish[g.edge(g.inEdge(v, j)).source()]);
            }
            finish[v] = start + fastest;
            longest = Math.max(longest, finish[v]);
        }
        return longest;
    }
}
