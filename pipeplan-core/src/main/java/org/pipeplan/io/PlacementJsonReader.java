package org.pipeplan.io;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pipeplan.device.DeviceKind;
import org.pipeplan.device.DeviceSet;
import org.pipeplan.graph.Edge;
import org.pipeplan.graph.InvalidGraphException;
import org.pipeplan.graph.Operator;
import org.pipeplan.graph.OperatorGraph;
import org.pipeplan.graph.PlacementProblem;

/**
 * Reads the placement-json format of the NeurIPS 2020 device-placement instances (see
 * PLACEMENT_MODEL.md section 1.1 and docs/input-format.md).
 *
 * <p>The top level gives {@code maxSizePerFPGA}, {@code maxFPGAs}, {@code maxCPUs}, {@code nodes}
 * and {@code edges}. Every out-edge of a node must carry the same cost (within 1e-6): that cost is
 * the node's output transfer cost. Anything malformed is rejected with an {@link InputException}
 * whose one-line message names the file and the node or edge.
 */
public final class PlacementJsonReader {

    /** Out-edge costs of one node may differ by at most this much. */
    public static final double COST_TOLERANCE = 1e-6;

    private PlacementJsonReader() {
    }

    public static PlacementProblem read(Path file) {
        JsonNode root = JsonFields.parse(file);
        return fromJson(file.toString(), problemName(file), root);
    }

    public static PlacementProblem read(String source, InputStream in) {
        return fromJson(source, source, JsonFields.parse(source, in));
    }

    /** Whether a JSON file looks like a placement-json instance (an object with nodes and edges). */
    public static boolean isInstance(Path file) {
        try {
            JsonNode root = JsonFields.parse(file);
            return root.isObject() && root.has("nodes") && root.has("edges");
        } catch (InputException e) {
            return false;
        }
    }

    private static String problemName(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".json") ? name.substring(0, name.length() - 5) : name;
    }

    static PlacementProblem fromJson(String source, String name, JsonNode root) {
        JsonFields f = new JsonFields(source);
        f.object(root, "the top level");
        double memory = f.nonNegative(root, "maxSizePerFPGA", "top level", Double.NaN);
        long accelerators = f.integer(root, "maxFPGAs", "top level");
        long cpus = f.integer(root, "maxCPUs", "top level");
        if (accelerators < 0 || accelerators > 1_000_000) {
            throw f.error("top level: 'maxFPGAs' must be between 0 and 1000000, got " + accelerators);
        }
        if (cpus < 0 || cpus > 1_000_000) {
            throw f.error("top level: 'maxCPUs' must be between 0 and 1000000, got " + cpus);
        }
        if (accelerators + cpus > DeviceSet.MAX_DEVICES) {
            throw f.error("top level: " + (accelerators + cpus) + " devices (maxFPGAs + maxCPUs), more than the "
                    + DeviceSet.MAX_DEVICES + " supported");
        }
        if (accelerators + cpus == 0) {
            throw f.error("top level: no devices (maxFPGAs and maxCPUs are both 0)");
        }

        JsonNode nodes = f.array(root, "nodes", "top level");
        JsonNode edgesJson = f.array(root, "edges", "top level");
        if (nodes.isEmpty()) {
            throw f.error("top level: 'nodes' is empty");
        }

        List<Operator.Builder> builders = new ArrayList<>(nodes.size());
        Map<Long, Integer> indexById = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            JsonNode node = nodes.get(i);
            String where = "node #" + i;
            f.object(node, where);
            long id = f.integer(node, "id", where);
            where = "node " + id;
            if (indexById.put(id, i) != null) {
                throw f.error(where + ": duplicate node id");
            }
            if (node.has("containedSubnodes")) {
                throw f.error(where + ": 'containedSubnodes' is not allowed in input graphs");
            }
            boolean supported = f.flag(node, "supportedOnFpga", where, null);
            double cpu = f.nonNegative(node, "cpuLatency", where, Double.NaN);
            double acc = f.nonNegative(node, "fpgaLatency", where, Double.NaN);
            double size = f.nonNegative(node, "size", where, 0.0);
            boolean backward = f.flag(node, "isBackwardNode", where, null);
            JsonNode nameNode = node.get("name");
            Operator.Builder b = Operator.builder(id)
                    .name(nameNode != null && nameNode.isTextual() ? nameNode.asText() : null)
                    .backward(backward)
                    .colocationLabel(f.optionalInteger(node, "colorClass", where))
                    .layerId(f.optionalInteger(node, "layerId", where))
                    .memoryBytes(size)
                    .computeTime(DeviceKind.CPU, cpu)
                    .computeTime(DeviceKind.ACCELERATOR, acc)
                    .allowedKinds(supported ? Set.of(DeviceKind.CPU, DeviceKind.ACCELERATOR) : Set.of(DeviceKind.CPU));
            builders.add(b);
        }

        List<Edge> edges = new ArrayList<>(edgesJson.size());
        double[] outCost = new double[builders.size()];
        int[] firstOutEdge = new int[builders.size()];
        java.util.Arrays.fill(firstOutEdge, -1);
        for (int e = 0; e < edgesJson.size(); e++) {
            JsonNode edge = edgesJson.get(e);
            String where = "edge #" + e;
            f.object(edge, where);
            long sourceId = f.integer(edge, "sourceId", where);
            long destId = f.integer(edge, "destId", where);
            where = "edge #" + e + " (" + sourceId + " -> " + destId + ")";
            Integer from = indexById.get(sourceId);
            Integer to = indexById.get(destId);
            if (from == null) {
                throw f.error(where + ": unknown sourceId " + sourceId);
            }
            if (to == null) {
                throw f.error(where + ": unknown destId " + destId);
            }
            double cost = f.nonNegative(edge, "cost", where, Double.NaN);
            double bytes = f.nonNegative(edge, "size", where, 0.0);
            if (f.flag(edge, "isArtificial", where, false)) {
                throw f.error(where + ": artificial edges are not accepted in input graphs");
            }
            if (firstOutEdge[from] < 0) {
                firstOutEdge[from] = e;
                outCost[from] = cost;
            } else if (Math.abs(outCost[from] - cost) > COST_TOLERANCE) {
                throw f.error("node " + sourceId + ": out-edges have different costs (" + outCost[from]
                        + " on edge #" + firstOutEdge[from] + ", " + cost + " on edge #" + e
                        + "); the format needs one transfer cost per node");
            }
            edges.add(new Edge(from, to, cost, bytes));
        }

        List<Operator> operators = new ArrayList<>(builders.size());
        for (int i = 0; i < builders.size(); i++) {
            operators.add(builders.get(i).transferTime(DeviceKind.ACCELERATOR, outCost[i]).build());
        }
        OperatorGraph graph;
        try {
            graph = OperatorGraph.of(operators, edges);
        } catch (InvalidGraphException e) {
            throw f.error(e.getMessage());
        }
        DeviceSet devices = DeviceSet.acceleratorsAndCpus((int) accelerators, memory, (int) cpus);
        return new PlacementProblem(name, graph, devices);
    }
}
