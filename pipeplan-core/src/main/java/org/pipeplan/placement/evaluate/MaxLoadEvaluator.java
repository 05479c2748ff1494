package org.pipeplan.placement.evaluate;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.pipeplan.device.Device;
import org.pipeplan.graph.Edge;
import org.pipeplan.graph.Operator;
import org.pipeplan.graph.OperatorGraph;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.placement.Placement;

/**
 * Evaluates any placement in the max-load (throughput) model of PLACEMENT_MODEL.md section 1,
 * directly on the original graph and independently of the solvers.
 *
 * <p>A host device's load is the compute time of its operators. An accelerator's load adds, once
 * per source node u, the transfer cost c(u) when u sits on it and feeds another device, and when u
 * sits elsewhere and feeds it. Every CPU core is its own device.
 */
public final class MaxLoadEvaluator {

    private MaxLoadEvaluator() {
    }

    public static Evaluation evaluate(PlacementProblem problem, Placement placement) {
        OperatorGraph g = problem.graph();
        List<Device> devices = problem.devices().all();
        if (placement.nodeCount() != g.size() || placement.deviceCount() != devices.size()) {
            throw new IllegalArgumentException("placement of " + placement.nodeCount() + " nodes on "
                    + placement.deviceCount() + " devices does not fit a problem of " + g.size()
                    + " nodes on " + devices.size() + " devices");
        }
        int d = devices.size();
        double[] compute = new double[d];
        double[] comm = new double[d];
        double[] memory = new double[d];
        double[] forward = new double[d];
        double[] backward = new double[d];
        int[] count = new int[d];
        List<String> violations = new ArrayList<>();

        for (int v = 0; v < g.size(); v++) {
            Operator op = g.operator(v);
            Device dev = devices.get(placement.deviceOf(v));
            if (!op.runsOn(dev.kind())) {
                violations.add("node " + op.id() + " cannot run on " + dev.name() + " (" + dev.kind() + ")");
            }
            double t = op.computeTime(dev.kind());
            if (!Double.isNaN(t)) {
                compute[dev.index()] += t;
                (op.isBackward() ? backward : forward)[dev.index()] += t;
            }
            memory[dev.index()] += op.memoryBytes();
            count[dev.index()]++;
        }

        // Transfers: charged once per source node to its own accelerator and once to every other
        // accelerator that consumes its output.
        boolean[] receives = new boolean[d];
        for (int u = 0; u < g.size(); u++) {
            Operator producer = g.operator(u);
            int home = placement.deviceOf(u);
            boolean leaves = false;
            Arrays.fill(receives, false);
            for (int j = 0; j < g.outDegree(u); j++) {
                int w = g.edge(g.outEdge(u, j)).target();
                int there = placement.deviceOf(w);
                if (there != home) {
                    leaves = true;
                    receives[there] = true;
                }
            }
            double[] phase = producer.isBackward() ? backward : forward;
            if (leaves && devices.get(home).isAccelerator()) {
                double c = producer.transferTime(devices.get(home).kind());
                comm[home] += c;
                phase[home] += c;
            }
            for (int x = 0; x < d; x++) {
                if (receives[x] && devices.get(x).isAccelerator()) {
                    double c = producer.transferTime(devices.get(x).kind());
                    comm[x] += c;
                    phase[x] += c;
                }
            }
        }

        List<DeviceLoad> loads = new ArrayList<>(d);
        double maxLoad = 0;
        double maxForward = 0;
        double maxBackward = 0;
        for (int x = 0; x < d; x++) {
            DeviceLoad load = new DeviceLoad(devices.get(x), count[x], compute[x], comm[x], memory[x]);
            loads.add(load);
            maxLoad = Math.max(maxLoad, load.load());
            maxForward = Math.max(maxForward, forward[x]);
            maxBackward = Math.max(maxBackward, backward[x]);
            if (load.memoryExceeded()) {
                violations.add("device " + load.device().name() + " holds " + load.memory()
                        + " bytes, over its limit of " + load.device().memoryLimit());
            }
        }
        checkColocation(g, placement, violations);
        return new Evaluation(loads, maxLoad, maxForward + maxBackward, violations, contiguity(g, placement, devices));
    }

    private static void checkColocation(OperatorGraph g, Placement placement, List<String> violations) {
        Map<Integer, Integer> firstOfGroup = new HashMap<>();
        for (int v = 0; v < g.size(); v++) {
            Integer first = firstOfGroup.putIfAbsent(g.colocationGroup(v), v);
            if (first != null && placement.deviceOf(first) != placement.deviceOf(v)) {
                violations.add("colocated nodes " + g.operator(first).id() + " and " + g.operator(v).id()
                        + " are on different devices");
            }
        }
    }

    /** Pipeline order of the devices along forward edges, or the non-convex devices if none exists. */
    static Contiguity contiguity(OperatorGraph g, Placement placement, List<Device> devices) {
        int d = devices.size();
        boolean[][] flows = new boolean[d][d];
        boolean[] used = new boolean[d];
        int[] inDegree = new int[d];
        for (int v = 0; v < g.size(); v++) {
            if (!g.operator(v).isBackward()) {
                used[placement.deviceOf(v)] = true;
            }
        }
        for (Edge e : g.edges()) {
            int a = placement.deviceOf(e.source());
            int b = placement.deviceOf(e.target());
            if (a != b && !g.operator(e.source()).isBackward() && !g.operator(e.target()).isBackward()
                    && !flows[a][b]) {
                flows[a][b] = true;
                inDegree[b]++;
            }
        }
        ArrayDeque<Integer> ready = new ArrayDeque<>();
        List<Integer> order = new ArrayList<>();
        int usedCount = 0;
        for (int x = 0; x < d; x++) {
            if (used[x]) {
                usedCount++;
                if (inDegree[x] == 0) {
                    ready.add(x);
                }
            }
        }
        while (!ready.isEmpty()) {
            int x = ready.poll();
            order.add(x);
            for (int y = 0; y < d; y++) {
                if (flows[x][y] && --inDegree[y] == 0) {
                    ready.add(y);
                }
            }
        }
        if (order.size() == usedCount) {
            return new Contiguity(true, order, List.of());
        }
        List<String> nonConvex = new ArrayList<>();
        for (int x = 0; x < d; x++) {
            if (used[x] && !forwardSetConvex(g, placement, x)) {
                nonConvex.add(devices.get(x).name());
            }
        }
        return new Contiguity(false, List.of(), nonConvex);
    }

    /** True when no forward path leaves the device's forward set and later re-enters it. */
    private static boolean forwardSetConvex(OperatorGraph g, Placement placement, int device) {
        boolean[] leftSet = new boolean[g.size()];
        for (int v : g.topologicalOrder()) {
            if (g.operator(v).isBackward()) {
                continue;
            }
            boolean inside = placement.deviceOf(v) == device;
            for (int j = 0; j < g.inDegree(v); j++) {
                int u = g.edge(g.inEdge(v, j)).source();
                if (g.operator(u).isBackward()) {
                    continue;
                }
                boolean uInside = placement.deviceOf(u) == device;
                if (inside && !uInside && leftSet[u]) {
                    return false;
                }
                if (!inside && (uInside || leftSet[u])) {
                    leftSet[v] = true;
                }
            }
        }
        return true;
    }
}
