package org.pipeplan.edgetpu;

import java.util.ArrayList;
import java.util.List;
import org.pipeplan.device.Device;
import org.pipeplan.device.DeviceType;
import org.pipeplan.device.Roofline;
import org.pipeplan.graph.OperatorGraph;
import org.pipeplan.graph.PlacementProblem;

/**
 * A graph and the Edge-TPU pipeline to split it over.
 *
 * @param graph    the graph, in topological numbering
 * @param pipeline the chain of stages
 * @param nodeOf   for every graph node, the operator index in the placement problem it came from
 *                 (empty when the graph was made directly)
 */
public record EdgeTpuProblem(EdgeTpuGraph graph, EdgeTpuPipeline pipeline, int[] nodeOf) {

    /**
     * The Edge-TPU view of a placement problem whose devices are all of one accelerator type (such
     * as the catalog's edge-tpu, from {@code --devices edge-tpu:4}): one stage per device, the
     * type's memory as the parameter cache and its link bandwidth for streaming and activations.
     * Operators are renumbered in topological order; a node's parameters are its memory, its
     * output the larger of its output bytes and its largest out-edge.
     */
    public static EdgeTpuProblem of(PlacementProblem problem, DeviceType type) {
        return of(problem, type, EdgeTpuCostModel.CLASSIC, null);
    }

    /**
     * The same under a cost model; {@code host} is the CPU that runs the operators falling back
     * from the Edge TPU (their time is its roofline time for the operator's work; null: the
     * catalog's cpu-core is not used and fallback runs at the Edge TPU time).
     */
    public static EdgeTpuProblem of(PlacementProblem problem, DeviceType type, EdgeTpuCostModel model, DeviceType host) {
        List<Device> devices = problem.devices().all();
        for (Device d : devices) {
            if (!d.kind().equals(type.kind())) {
                throw new IllegalArgumentException("an Edge TPU pipeline needs devices of one accelerator type; "
                        + d.name() + " is " + d.kind() + ", not " + type.name());
            }
        }
        if (type.host()) {
            throw new IllegalArgumentException(type.name() + " is a host device, not an accelerator with a parameter cache");
        }
        OperatorGraph g = problem.graph();
        if (g.hasBackward()) {
            throw new IllegalArgumentException("Edge TPU pipelines run inference graphs; " + problem.name() + " has a backward pass");
        }
        int[] order = g.topologicalOrder();
        int[] position = new int[g.size()];
        for (int i = 0; i < order.length; i++) {
            position[order[i]] = i;
        }
        double[] compute = new double[g.size()];
        double[] params = new double[g.size()];
        double[] output = new double[g.size()];
        boolean[] onTpu = new boolean[g.size()];
        double[] hostCompute = new double[g.size()];
        List<String> names = new ArrayList<>();
        List<int[]> edges = new ArrayList<>();
        for (int i = 0; i < order.length; i++) {
            int v = order[i];
            compute[i] = g.operator(v).computeTime(type.kind());
            // the graph's bytes as the Edge TPU holds them (int8 under the Coral model)
            params[i] = g.operator(v).memoryBytes() * model.byteScale();
            output[i] = g.operator(v).outputBytes() * model.byteScale();
            onTpu[i] = EdgeTpuOperators.runs(g.operator(v));
            hostCompute[i] = host == null ? compute[i]
                    : 1000 * Roofline.computeTime(host, g.operator(v).flops(), g.operator(v).bytesMoved());
            names.add(g.operator(v).name());
            for (int j = 0; j < g.outDegree(v); j++) {
                var e = g.edge(g.outEdge(v, j));
                output[i] = Math.max(output[i], e.bytes() * model.byteScale());
                edges.add(new int[] {i, position[e.target()]});
            }
        }
        EdgeTpuPipeline pipeline = new EdgeTpuPipeline(devices.size(), type.memoryBytes(), type.linkBandwidth() / 1000,
                type.linkBandwidth() / 1000, model);
        return new EdgeTpuProblem(new EdgeTpuGraph(problem.name(), names, compute, params, output, edges, onTpu, hostCompute),
                pipeline, order);
    }

    /** Node stages back on the placement problem's operators and devices. */
    public int[] toDevices(int[] stages) {
        int[] device = new int[stages.length];
        for (int i = 0; i < stages.length; i++) {
            device[nodeOf[i]] = stages[i];
        }
        return device;
    }
}
