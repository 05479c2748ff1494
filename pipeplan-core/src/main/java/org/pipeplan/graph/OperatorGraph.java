package org.pipeplan.graph;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.pipeplan.device.DeviceKind;

/**
 * The operator graph: an immutable DAG of {@link Operator}s joined by {@link Edge}s, addressed by
 * dense indices 0..size()-1.
 *
 * <p>Besides the operators and edges it offers what every solver needs: adjacency by index,
 * dense colocation groups (operators of a group must share a device; an operator without a
 * colocation label forms a group of its own) and a topological order.
 */
public final class OperatorGraph {

    private final List<Operator> operators;
    private final List<Edge> edges;
    private final Map<Long, Integer> indexById;
    private final int[][] outEdges;
    private final int[][] inEdges;
    private final int[] colocationGroup;
    private final int colocationGroupCount;
    private final int[] topologicalOrder;

    private OperatorGraph(List<Operator> operators, List<Edge> edges) {
        this.operators = List.copyOf(operators);
        this.edges = List.copyOf(edges);
        int n = operators.size();
        this.indexById = new HashMap<>(n * 2);
        for (int i = 0; i < n; i++) {
            Integer previous = indexById.put(operators.get(i).id(), i);
            if (previous != null) {
                throw new InvalidGraphException("duplicate node id " + operators.get(i).id());
            }
        }
        int[] outCount = new int[n];
        int[] inCount = new int[n];
        for (int e = 0; e < edges.size(); e++) {
            Edge edge = edges.get(e);
            if (edge.source() < 0 || edge.source() >= n || edge.target() < 0 || edge.target() >= n) {
                throw new InvalidGraphException("edge #" + e + " refers to a node index outside 0.." + (n - 1));
            }
            outCount[edge.source()]++;
            inCount[edge.target()]++;
        }
        outEdges = new int[n][];
        inEdges = new int[n][];
        for (int i = 0; i < n; i++) {
            outEdges[i] = new int[outCount[i]];
            inEdges[i] = new int[inCount[i]];
        }
        Arrays.fill(outCount, 0);
        Arrays.fill(inCount, 0);
        for (int e = 0; e < edges.size(); e++) {
            Edge edge = edges.get(e);
            outEdges[edge.source()][outCount[edge.source()]++] = e;
            inEdges[edge.target()][inCount[edge.target()]++] = e;
        }
        checkBackwardToForward();
        this.topologicalOrder = topologicalOrderOrCycle();
        this.colocationGroup = new int[n];
        Map<Long, Integer> groupByLabel = new HashMap<>();
        int groups = 0;
        for (int i = 0; i < n; i++) {
            var label = operators.get(i).colocationLabel();
            if (label.isPresent()) {
                Integer g = groupByLabel.get(label.getAsLong());
                if (g == null) {
                    g = groups++;
                    groupByLabel.put(label.getAsLong(), g);
                }
                colocationGroup[i] = g;
            } else {
                colocationGroup[i] = groups++;
            }
        }
        this.colocationGroupCount = groups;
    }

    /** Builds a graph, checking that it is a DAG without backward-to-forward edges. */
    public static OperatorGraph of(List<Operator> operators, List<Edge> edges) {
        return new OperatorGraph(operators, edges);
    }

    public int size() {
        return operators.size();
    }

    public int edgeCount() {
        return edges.size();
    }

    public Operator operator(int index) {
        return operators.get(index);
    }

    public List<Operator> operators() {
        return operators;
    }

    public Edge edge(int index) {
        return edges.get(index);
    }

    public List<Edge> edges() {
        return edges;
    }

    /** Index of the operator with this id, or -1. */
    public int indexOf(long id) {
        Integer i = indexById.get(id);
        return i == null ? -1 : i;
    }

    public int outDegree(int node) {
        return outEdges[node].length;
    }

    public int inDegree(int node) {
        return inEdges[node].length;
    }

    /** The j-th outgoing edge (an edge index) of a node. */
    public int outEdge(int node, int j) {
        return outEdges[node][j];
    }

    /** The j-th incoming edge (an edge index) of a node. */
    public int inEdge(int node, int j) {
        return inEdges[node][j];
    }

    public int colocationGroup(int node) {
        return colocationGroup[node];
    }

    public int colocationGroupCount() {
        return colocationGroupCount;
    }

    /** A topological order of all nodes (a copy). */
    public int[] topologicalOrder() {
        return topologicalOrder.clone();
    }

    /** Compute time of every node on the given kind (NaN where unknown). */
    public double[] computeTimes(DeviceKind kind) {
        double[] t = new double[size()];
        for (int i = 0; i < t.length; i++) {
            t[i] = operators.get(i).computeTime(kind);
        }
        return t;
    }

    /** Transfer time c(u) of every node's output on a device kind. */
    public double[] transferTimes(DeviceKind kind) {
        double[] c = new double[size()];
        for (int i = 0; i < c.length; i++) {
            c[i] = operators.get(i).transferTime(kind);
        }
        return c;
    }

    public boolean hasBackward() {
        for (Operator op : operators) {
            if (op.isBackward()) {
                return true;
            }
        }
        return false;
    }

    private void checkBackwardToForward() {
        for (Edge edge : edges) {
            Operator from = operators.get(edge.source());
            Operator to = operators.get(edge.target());
            if (from.isBackward() && !to.isBackward()) {
                throw new InvalidGraphException("edge " + from.id() + " -> " + to.id()
                        + " goes from backward node " + from.id() + " to forward node " + to.id());
            }
        }
    }

    /** Kahn's algorithm; on failure finds and reports one cycle by node ids. */
    private int[] topologicalOrderOrCycle() {
        int n = size();
        int[] remaining = new int[n];
        int[] order = new int[n];
        int head = 0;
        int tail = 0;
        for (int i = 0; i < n; i++) {
            remaining[i] = inEdges[i].length;
            if (remaining[i] == 0) {
                order[tail++] = i;
            }
        }
        while (head < tail) {
            int v = order[head++];
            for (int e : outEdges[v]) {
                int w = edges.get(e).target();
                if (--remaining[w] == 0) {
                    order[tail++] = w;
                }
            }
        }
        if (tail < n) {
            throw new InvalidGraphException("the graph has a cycle: " + describeCycle(remaining));
        }
        return order;
    }

    /** Walks backwards through nodes still blocked by Kahn's algorithm until a node repeats. */
    private String describeCycle(int[] remaining) {
        int start = -1;
        for (int i = 0; i < remaining.length && start < 0; i++) {
            if (remaining[i] > 0) {
                start = i;
            }
        }
        // every blocked node has a blocked predecessor, so walking predecessors must revisit a node
        int[] seenAt = new int[size()];
        Arrays.fill(seenAt, -1);
        List<Integer> walk = new ArrayList<>();
        int v = start;
        while (seenAt[v] < 0) {
            seenAt[v] = walk.size();
            walk.add(v);
            int next = -1;
            for (int e : inEdges[v]) {
                int u = edges.get(e).source();
                if (remaining[u] > 0) {
                    next = u;
                    break;
                }
            }
            v = next;
        }
        List<Integer> cycle = new ArrayList<>(walk.subList(seenAt[v], walk.size()));
        // the walk followed edges backwards: turn it around, and start at the first node in input order
        java.util.Collections.reverse(cycle);
        int first = cycle.indexOf(java.util.Collections.min(cycle));
        java.util.Collections.rotate(cycle, -first);
        StringBuilder sb = new StringBuilder();
        for (int node : cycle) {
            sb.append(operators.get(node).id()).append(" -> ");
        }
        sb.append(operators.get(cycle.get(0)).id());
        return sb.toString();
    }
}
