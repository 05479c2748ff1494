package org.pipeplan.generate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.pipeplan.device.Device;
import org.pipeplan.device.DeviceKind;
import org.pipeplan.device.DeviceSet;
import org.pipeplan.graph.Edge;
import org.pipeplan.graph.Operator;
import org.pipeplan.graph.OperatorGraph;
import org.pipeplan.graph.PlacementProblem;

/**
 * A model repeated end to end, as a deeper model of the same layers: copy i's forward output (the
 * forward operator without a forward consumer that ends the longest chain) feeds copy i+1's
 * forward inputs (forward operators without a forward producer), and in training copy i+1's last
 * backward operator feeds copy i's first ones, so the backward pass runs the copies in reverse. Ids, colocation classes and layer ids are shifted per copy; every other field is
 * kept. The devices are the original ones.
 */
public final class GraphTiling {

    private GraphTiling() {
    }

    public static PlacementProblem tile(PlacementProblem problem, int copies) {
        long[] spans = spans(problem, copies);
        long idSpan = spans[0];
        long labelSpan = spans[1];
        OperatorGraph g = problem.graph();
        int n = g.size();
        boolean[] firstForward = new boolean[n];
        boolean[] lastForward = new boolean[n];
        boolean[] firstBackward = new boolean[n];
        boolean[] lastBackward = new boolean[n];
        for (int v = 0; v < n; v++) {
            boolean backward = g.operator(v).isBackward();
            boolean samePassIn = false;
            boolean samePassOut = false;
            for (int j = 0; j < g.inDegree(v); j++) {
                samePassIn |= g.operator(g.edge(g.inEdge(v, j)).source()).isBackward() == backward;
            }
            for (int j = 0; j < g.outDegree(v); j++) {
                samePassOut |= g.operator(g.edge(g.outEdge(v, j)).target()).isBackward() == backward;
            }
            (backward ? firstBackward : firstForward)[v] = !samePassIn;
            (backward ? lastBackward : lastForward)[v] = !samePassOut;
        }
        keepDeepest(g, lastForward);
        keepDeepest(g, lastBackward);
        List<Operator> ops = new ArrayList<>(n * copies);
        List<Edge> edges = new ArrayList<>((g.edgeCount() + 4) * copies);
        for (int c = 0; c < copies; c++) {
            for (Operator op : g.operators()) {
                ops.add(copy(op, c, idSpan, labelSpan));
            }
            int base = c * n;
            for (Edge e : g.edges()) {
                edges.add(new Edge(base + e.source(), base + e.target(), e.cost(), e.bytes()));
            }
            if (c > 0) {
                join(g, edges, base - n, base, lastForward, firstForward);
                join(g, edges, base, base - n, lastBackward, firstBackward);
            }
        }
        List<Device> devices = new ArrayList<>();
        for (Device d : problem.devices().all()) {
            devices.add(d.kind().hostResident() ? d : new Device(d.index(), d.name(), d.kind(), d.memoryLimit() * copies));
        }
        return new PlacementProblem(problem.name() + "-x" + copies, OperatorGraph.of(ops, edges), new DeviceSet(devices));
    }

    /**
     * How far apart copies' ids and labels lie, {id span, label span}: one past the largest of
     * each; fails when fewer than one copy is asked for or the copies' ids would overflow.
     */
    static long[] spans(PlacementProblem problem, int copies) {
        if (copies < 1) {
            throw new IllegalArgumentException("copies must be >= 1, got " + copies);
        }
        long idSpan = 1;
        long labelSpan = 1;
        for (Operator op : problem.graph().operators()) {
            idSpan = Math.max(idSpan, op.id() + 1);
            labelSpan = Math.max(labelSpan, Math.max(op.colocationLabel().orElse(0), op.layerId().orElse(0)) + 1);
        }
        if (Math.multiplyHigh(idSpan, copies) != 0 || idSpan * copies < 0 || labelSpan * copies < 0) {
            throw new IllegalArgumentException(copies + " copies of " + problem.name() + " overflow its ids");
        }
        return new long[] {idSpan, labelSpan};
    }

    /** Of the marked operators keeps one: the one that ends the longest chain of operators (the first on ties). */
    static void keepDeepest(OperatorGraph g, boolean[] marked) {
        int[] depth = new int[g.size()];
        for (int v : g.topologicalOrder()) {
            for (int j = 0; j < g.outDegree(v); j++) {
                int w = g.edge(g.outEdge(v, j)).target();
                depth[w] = Math.max(depth[w], depth[v] + 1);
            }
        }
        int best = -1;
        for (int v = 0; v < g.size(); v++) {
            if (marked[v] && (best < 0 || depth[v] > depth[best])) {
                best = v;
            }
        }
        java.util.Arrays.fill(marked, false);
        if (best >= 0) {
            marked[best] = true;
        }
    }

    /** Edges from every marked last operator of one copy to every marked first operator of another. */
    static void join(OperatorGraph g, List<Edge> edges, int fromBase, int toBase, boolean[] last, boolean[] first) {
        int[] targets = java.util.stream.IntStream.range(0, g.size()).filter(w -> first[w]).toArray();
        for (int v = 0; v < g.size(); v++) {
            if (!last[v]) {
                continue;
            }
            double cost = g.operator(v).transferTime(DeviceKind.ACCELERATOR);
            for (int w : targets) {
                edges.add(new Edge(fromBase + v, toBase + w, Double.isNaN(cost) ? 0 : cost, g.operator(v).outputBytes()));
            }
        }
    }

    static Operator copy(Operator op, int c, long idSpan, long labelSpan) {
        Operator.Builder b = Operator.builder(c * idSpan + op.id())
                .name(op.name() == null ? null : op.name() + "#" + c)
                .backward(op.isBackward())
                .colocationLabel(op.colocationLabel().isPresent() ? c * labelSpan + op.colocationLabel().getAsLong() : null)
                .layerId(op.layerId().isPresent() ? c * labelSpan + op.layerId().getAsLong() : null)
                .opType(op.opType().orElse(null))
                .memoryBytes(op.memoryBytes())
                .outputBytes(op.outputBytes())
                .work(op.flops(), op.bytesMoved())
                .parameterCount(op.parameterCount())
                .tensorParallelism(op.tensorParallelism())
                .allowedKinds(op.allowedKinds());
        for (Map.Entry<DeviceKind, Double> t : op.computeTimes().entrySet()) {
            b.computeTime(t.getKey(), t.getValue());
        }
        for (Map.Entry<DeviceKind, Double> t : op.transferTimes().entrySet()) {
            b.transferTime(t.getKey(), t.getValue());
        }
        return b.build();
    }
}
