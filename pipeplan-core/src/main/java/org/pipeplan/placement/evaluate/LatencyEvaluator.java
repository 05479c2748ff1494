package org.pipeplan.placement.evaluate;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.pipeplan.device.Device;
import org.pipeplan.device.DeviceKind;
import org.pipeplan.graph.OperatorGraph;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.placement.Placement;

/**
 * Single-sample latency of a placement, in the model of PLACEMENT_MODEL.md section 5.4.
 *
 * <p>Nodes on host devices run on as many CPU cores as they need: a CPU node finishes its own
 * compute time after its last input. Each accelerator runs <em>pieces</em>, convex subgraphs: a
 * piece starts when all its inputs exist, receives them (c(u) per outside producer), computes, sends
 * its outputs (c(u) per node with an edge leaving it), and only then are its nodes done.
 *
 * <p>Without explicit pieces, an accelerator's set is cut into convex pieces by depth (d(v) counts
 * how often a path into v re-enters the set) and, as in the reference program, those pieces are
 * not serialised. With explicit pieces ({@link Placement#withPieces}), the pieces of a device run
 * one after another in their order, as the latency IP schedules them.
 */
public final class LatencyEvaluator {

    private LatencyEvaluator() {
    }

    public static LatencyEvaluation evaluate(PlacementProblem problem, Placement placement) {
        OperatorGraph g = problem.graph();
        List<Device> devices = problem.devices().all();
        List<String> violations = new ArrayList<>();
        double[] memory = new double[devices.size()];
        for (int v = 0; v < g.size(); v++) {
            Device d = devices.get(placement.deviceOf(v));
            memory[d.index()] += g.operator(v).memoryBytes();
            if (!g.operator(v).runsOn(d.kind())) {
                violations.add("node " + g.operator(v).id() + " cannot run on " + d.name() + " (" + d.kind() + ")");
            }
        }
        for (Device d : devices) {
            if (memory[d.index()] > d.memoryLimit()) {
                violations.add("device " + d.name() + " holds " + memory[d.index()] + " bytes, over its limit of "
                        + d.memoryLimit());
            }
        }

        // blocks: every accelerator piece, and every node on a host device on its own
        List<int[]> pieces = new ArrayList<>();
        List<Integer> pieceDevice = new ArrayList<>();
        for (Device d : devices) {
            if (d.isAccelerator()) {
                for (int[] piece : placement.hasPieces() ? explicitPieces(placement, d.index())
                        : convexPieces(g, placement, d.index())) {
                    pieces.add(piece);
                    pieceDevice.add(d.index());
                }
            }
        }
        int[] blockOf = new int[g.size()];
        Arrays.fill(blockOf, -1);
        for (int p = 0; p < pieces.size(); p++) {
            for (int v : pieces.get(p)) {
                blockOf[v] = p;
            }
        }
        int blocks = pieces.size();
        int[] hostNode = new int[g.size()];
        for (int v = 0; v < g.size(); v++) {
            if (blockOf[v] < 0) {
                hostNode[blocks] = v;
                blockOf[v] = blocks++;
            }
        }
        List<List<Integer>> successors = new ArrayList<>(blocks);
        for (int b = 0; b < blocks; b++) {
            successors.add(new ArrayList<>());
        }
        int[] indegree = new int[blocks];
        for (var e : g.edges()) {
            int a = blockOf[e.source()];
            int b = blockOf[e.target()];
            if (a != b) {
                successors.get(a).add(b);
                indegree[b]++;
            }
        }
        if (placement.hasPieces()) {
            // pieces of one device run in their order
            for (int p = 1; p < pieces.size(); p++) {
                if (pieceDevice.get(p).equals(pieceDevice.get(p - 1))) {
                    successors.get(p - 1).add(p);
                    indegree[p]++;
                }
            }
        }

        double[] finish = new double[blocks];
        ArrayDeque<Integer> ready = new ArrayDeque<>();
        for (int b = 0; b < blocks; b++) {
            if (indegree[b] == 0) {
                ready.add(b);
            }
        }
        int done = 0;
        double latency = 0;
        boolean[] counted = new boolean[g.size()];
        while (!ready.isEmpty()) {
            int b = ready.poll();
            done++;
            double start = 0;
            if (b < pieces.size()) {
                int[] piece = pieces.get(b);
                double transfers = 0;
                double compute = 0;
                DeviceKind kind = devices.get(pieceDevice.get(b)).kind();
                List<Integer> producers = new ArrayList<>();
                for (int v : piece) {
                    compute += time(g, v, kind);
                    boolean leaves = false;
                    for (int j = 0; j < g.outDegree(v); j++) {
                        leaves |= blockOf[g.edge(g.outEdge(v, j)).target()] != b;
                    }
                    if (leaves) {
                        transfers += g.operator(v).transferTime(kind);
                    }
                    for (int j = 0; j < g.inDegree(v); j++) {
                        int u = g.edge(g.inEdge(v, j)).source();
                        if (blockOf[u] != b && !counted[u]) {
                            counted[u] = true;
                            producers.add(u);
                        }
                    }
                }
                for (int u : producers) {
                    counted[u] = false;
                    start = Math.max(start, finish[blockOf[u]]);
                    transfers += g.operator(u).transferTime(kind);
                }
                if (placement.hasPieces() && b > 0 && pieceDevice.get(b).equals(pieceDevice.get(b - 1))) {
                    start = Math.max(start, finish[b - 1]);
                }
                finish[b] = start + transfers + compute;
            } else {
                int v = hostNode[b];
                for (int j = 0; j < g.inDegree(v); j++) {
                    start = Math.max(start, finish[blockOf[g.edge(g.inEdge(v, j)).source()]]);
                }
                finish[b] = start + time(g, v, devices.get(placement.deviceOf(v)).kind());
            }
            latency = Math.max(latency, finish[b]);
            for (int next : successors.get(b)) {
                if (--indegree[next] == 0) {
                    ready.add(next);
                }
            }
        }
        boolean schedulable = done == blocks;
        if (!schedulable) {
            latency = Double.POSITIVE_INFINITY; // pieces wait for each other in a cycle
        }
        return new LatencyEvaluation(latency, pieces.size(), schedulable, violations);
    }

    /**
     * The number of every node's piece on its device, in the order the pieces run (explicit
     * pieces, or the convex pieces by depth); 0 for nodes on host devices.
     */
    public static int[] pieceNumbers(PlacementProblem problem, Placement placement) {
        OperatorGraph g = problem.graph();
        int[] number = new int[g.size()];
        for (Device d : problem.devices().all()) {
            if (!d.isAccelerator()) {
                continue;
            }
            List<int[]> pieces = placement.hasPieces() ? explicitPieces(placement, d.index())
                    : convexPieces(g, placement, d.index());
            for (int p = 0; p < pieces.size(); p++) {
                for (int v : pieces.get(p)) {
                    number[v] = p;
                }
            }
        }
        return number;
    }

    private static double time(OperatorGraph g, int v, DeviceKind kind) {
        double t = g.operator(v).computeTime(kind);
        return Double.isNaN(t) ? 0 : t;
    }

    /** The device's nodes grouped by their explicit piece number, in increasing order. */
    private static List<int[]> explicitPieces(Placement placement, int device) {
        Map<Integer, List<Integer>> byPiece = new TreeMap<>();
        for (int v : placement.nodesOn(device)) {
            byPiece.computeIfAbsent(placement.pieceOf(v), k -> new ArrayList<>()).add(v);
        }
        List<int[]> out = new ArrayList<>();
        for (List<Integer> nodes : byPiece.values()) {
            out.add(nodes.stream().mapToInt(Integer::intValue).toArray());
        }
        return out;
    }

    /**
     * Cuts the device's set S into convex pieces by depth: d(v) = max(1, max over producers u of
     * d(u) + [u not in S]) for v in S, and max(0, max d(u)) outside; the piece t holds the nodes of
     * S with d = t. A convex set stays whole.
     */
    static List<int[]> convexPieces(OperatorGraph g, Placement placement, int device) {
        int[] depth = new int[g.size()];
        int maxDepth = 0;
        for (int v : g.topologicalOrder()) {
            boolean inside = placement.deviceOf(v) == device;
            int d = inside ? 1 : 0;
            for (int j = 0; j < g.inDegree(v); j++) {
                int u = g.edge(g.inEdge(v, j)).source();
                boolean uInside = placement.deviceOf(u) == device;
                d = Math.max(d, depth[u] + (inside && !uInside ? 1 : 0));
            }
            depth[v] = d;
            if (inside) {
                maxDepth = Math.max(maxDepth, d);
            }
        }
        // bucket the device's operators by level in one pass: the levels can be as many as the operators
        int[] count = new int[maxDepth + 2];
        for (int v = 0; v < g.size(); v++) {
            if (placement.deviceOf(v) == device) {
                count[depth[v]]++;
            }
        }
        int[][] byLevel = new int[maxDepth + 1][];
        for (int t = 1; t <= maxDepth; t++) {
            byLevel[t] = new int[count[t]];
        }
        int[] filled = new int[maxDepth + 1];
        for (int v = 0; v < g.size(); v++) {
            if (placement.deviceOf(v) == device) {
                byLevel[depth[v]][filled[depth[v]]++] = v;
            }
        }
        List<int[]> pieces = new ArrayList<>();
        for (int t = 1; t <= maxDepth; t++) {
            if (byLevel[t].length > 0) {
                pieces.add(byLevel[t]);
            }
        }
        return pieces;
    }
}
