package org.pipeplan.generate;

import java.util.ArrayList;
import java.util.List;
import org.pipeplan.graph.Edge;
import org.pipeplan.graph.Operator;
import org.pipeplan.graph.OperatorGraph;
import org.pipeplan.graph.PlacementProblem;

/**
 * An inference model made wider: {@code copies} copies side by side, as parallel branches between a
 * shared start and a shared end. Every first operator of copy i &gt; 0 (one without a producer)
 * also reads the output of copy 0's first operators, and the last operator of copy i (the one
 * ending the longest chain) feeds copy 0's last one, as a concatenation would. The topological
 * order of the result interleaves the branches, which the Edge TPU schedulers have to untangle.
 * The devices are the original ones.
 */
public final class GraphWidening {

    private GraphWidening() {
    }

    public static PlacementProblem widen(PlacementProblem problem, int copies) {
        long[] spans = GraphTiling.spans(problem, copies);
        long idSpan = spans[0];
        long labelSpan = spans[1];
        OperatorGraph g = problem.graph();
        if (g.hasBackward()) {
            throw new IllegalArgumentException("widening takes inference graphs; " + problem.name() + " has a backward pass");
        }
        int n = g.size();
        boolean[] first = new boolean[n];
        boolean[] last = new boolean[n];
        for (int v = 0; v < n; v++) {
            first[v] = g.inDegree(v) == 0;
            last[v] = g.outDegree(v) == 0;
        }
        GraphTiling.keepDeepest(g, last);
        List<Operator> ops = new ArrayList<>(n * copies);
        List<Edge> edges = new ArrayList<>((g.edgeCount() + 4) * copies);
        for (int c = 0; c < copies; c++) {
            for (Operator op : g.operators()) {
                ops.add(GraphTiling.copy(op, c, idSpan, labelSpan));
            }
            int base = c * n;
            for (Edge e : g.edges()) {
                edges.add(new Edge(base + e.source(), base + e.target(), e.cost(), e.bytes()));
            }
            if (c > 0) {
                GraphTiling.join(g, edges, 0, base, first, first); // the shared start
                GraphTiling.join(g, edges, base, 0, last, last);   // the shared end
            }
        }
        return new PlacementProblem(problem.name() + "-w" + copies, OperatorGraph.of(ops, edges), problem.devices());
    }
}
