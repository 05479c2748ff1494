package org.pipeplan.edgetpu.format;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.pipeplan.device.DeviceSet;
import org.pipeplan.edgetpu.EdgeTpuCostModel;
import org.pipeplan.edgetpu.EdgeTpuGraph;
import org.pipeplan.edgetpu.EdgeTpuPlan;
import org.pipeplan.edgetpu.EdgeTpuProblem;
import org.pipeplan.io.JsonFields;
import org.pipeplan.planner.PlanStatus;

/**
 * Reads an Edge TPU split written by {@link EdgeTpuPlanWriter} (format {@value EdgeTpuPlanWriter#FORMAT},
 * versions 1 to {@value EdgeTpuPlanWriter#VERSION}) back onto the problem it was made for. The
 * writer lists the nodes in the graph's order, so node i of the file must be node i of the graph,
 * under the same name (names of ONNX nodes need not be unique). Whether the split is monotone along
 * the edges is for the evaluator to say.
 */
public final class EdgeTpuPlanReader {

    private EdgeTpuPlanReader() {
    }

    /** The number of stages the plan in a file is for, to build its problem from. */
    public static int stagesOf(Path file) {
        JsonFields f = new JsonFields(file.toString());
        JsonNode root = checkedRoot(f, file);
        long stages = f.integer(root, "stages", "top level");
        if (stages < 1 || stages > DeviceSet.MAX_DEVICES) {
            throw f.error("'stages' must be between 1 and " + DeviceSet.MAX_DEVICES + ", got " + stages);
        }
        return (int) stages;
    }

    /**
     * The cost model the plan was made under ("costModel" and "invokeOverheadMs"); files written
     * before the Coral model have none and were made under the classic one.
     */
    public static EdgeTpuCostModel costModelOf(Path file) {
        JsonFields f = new JsonFields(file.toString());
        JsonNode root = checkedRoot(f, file);
        JsonNode name = root.get("costModel");
        if (name == null) {
            return EdgeTpuCostModel.CLASSIC;
        }
        if (!name.isTextual()) {
            throw f.error("'costModel' must be \"coral\" or \"classic\", got " + JsonFields.describe(name));
        }
        EdgeTpuCostModel model;
        try {
            model = EdgeTpuCostModel.parse(name.asText());
        } catch (IllegalArgumentException e) {
            throw f.error(e.getMessage());
        }
        double overhead = f.nonNegative(root, "invokeOverheadMs", "top level", 0);
        return model.withInvokeOverhead(overhead);
    }

    public static EdgeTpuPlan read(Path file, EdgeTpuProblem problem) {
        JsonFields f = new JsonFields(file.toString());
        JsonNode root = checkedRoot(f, file);
        EdgeTpuGraph g = problem.graph();
        int count = problem.pipeline().stages();
        long stages = f.integer(root, "stages", "top level");
        if (stages != count) {
            throw f.error("the plan is for " + stages + " stages, the pipeline has " + count);
        }
        JsonNode nodes = f.array(root, "nodes", "top level");
        if (nodes.size() != g.size()) {
            throw f.error("the plan places " + nodes.size() + " nodes, the graph " + g.name() + " has " + g.size());
        }
        int[] stageOf = new int[g.size()];
        for (int v = 0; v < g.size(); v++) {
            String where = "nodes[" + v + "]";
            JsonNode node = f.object(nodes.get(v), where);
            JsonNode name = node.get("name");
            if (name == null || !name.isTextual() || !name.asText().equals(g.nodeName(v))) {
                throw f.error(where + ": expected node '" + g.nodeName(v) + "' of the graph, got "
                        + (name == null ? "no name" : JsonFields.describe(name)));
            }
            long stage = f.integer(node, "stage", where);
            if (stage < 0 || stage >= count) {
                throw f.error(where + ": stage " + stage + " is outside 0.." + (count - 1));
            }
            stageOf[v] = (int) stage;
        }
        String scheduler = root.hasNonNull("scheduler") ? root.get("scheduler").asText() : "given";
        JsonNode claimed = root.get("bottleneckMs");
        double value = claimed != null && claimed.isNumber() ? claimed.asDouble() : Double.NaN;
        return new EdgeTpuPlan(stageOf, scheduler, PlanStatus.FEASIBLE, value, Double.NaN, "read from " + file.getFileName(), 0);
    }

    private static JsonNode checkedRoot(JsonFields f, Path file) {
        JsonNode root = f.object(JsonFields.parse(file), "the top level");
        JsonNode format = root.get("format");
        if (format == null || !format.isTextual() || !format.asText().equals(EdgeTpuPlanWriter.FORMAT)) {
            throw f.error("'format' must be \"" + EdgeTpuPlanWriter.FORMAT + "\"");
        }
        long version = f.integer(root, "version", "top level");
        if (version < 1 || version > EdgeTpuPlanWriter.VERSION) {
            throw f.error("Edge TPU plan format version " + version + " is not supported (this pipeplan reads versions 1.."
                    + EdgeTpuPlanWriter.VERSION + ")");
        }
        return root;
    }
}
