package org.pipeplan.cluster.format;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.pipeplan.cluster.ClusterPlan;
import org.pipeplan.cluster.ClusterProblem;
import org.pipeplan.cluster.ClusterStage;
import org.pipeplan.graph.OperatorGraph;
import org.pipeplan.io.JsonFields;
import org.pipeplan.planner.PlanStatus;

/**
 * Reads a cluster plan written by {@link ClusterPlanWriter} (format {@value ClusterPlanWriter#FORMAT},
 * versions 1 to {@value ClusterPlanWriter#VERSION}) back onto the problem it was made for. Only the
 * plan's shape is read here: the stages, their GPUs and their operators. Whether it is a valid plan
 * for the cluster (consecutive GPUs, every operator in one stage, memory) is for the evaluator to say.
 * Unknown operators, a different GPU count, malformed stages and newer versions are errors naming
 * the file.
 */
public final class ClusterPlanReader {

    private ClusterPlanReader() {
    }

    public static ClusterPlan read(Path file, ClusterProblem problem) {
        JsonFields f = new JsonFields(file.toString());
        JsonNode root = f.object(JsonFields.parse(file), "the top level");
        JsonNode format = root.get("format");
        if (format == null || !format.isTextual() || !format.asText().equals(ClusterPlanWriter.FORMAT)) {
            throw f.error("'format' must be \"" + ClusterPlanWriter.FORMAT + "\"");
        }
        long version = f.integer(root, "version", "top level");
        if (version < 1 || version > ClusterPlanWriter.VERSION) {
            throw f.error("cluster plan format version " + version + " is not supported (this pipeplan reads versions 1.."
                    + ClusterPlanWriter.VERSION + ")");
        }
        long gpus = f.integer(root, "gpus", "top level");
        if (gpus != problem.cluster().gpus()) {
            throw f.error("the plan is for " + gpus + " GPUs, the cluster has " + problem.cluster().gpus());
        }
        OperatorGraph g = problem.source().graph();
        JsonNode list = f.array(root, "stages", "top level");
        List<ClusterStage> stages = new ArrayList<>();
        for (int s = 0; s < list.size(); s++) {
            String where = "stages[" + s + "]";
            JsonNode st = f.object(list.get(s), where);
            long firstGpu = f.integer(st, "firstGpu", where);
            long replicas = f.integer(st, "replicas", where);
            long split = f.integer(st, "split", where);
            if (firstGpu < 0 || firstGpu >= gpus || replicas < 1 || replicas > gpus || split < 1 || split > gpus) {
                throw f.error(where + ": firstGpu must lie in 0.." + (gpus - 1) + ", replicas and split in 1.." + gpus);
            }
            JsonNode ids = f.array(st, "nodes", where);
            int[] nodes = new int[ids.size()];
            for (int k = 0; k < nodes.length; k++) {
                long id = f.integerValue(ids.get(k), "nodes", where);
                nodes[k] = g.indexOf(id);
                if (nodes[k] < 0) {
                    throw f.error(where + ": node " + id + " is not in the graph");
                }
            }
            Arrays.sort(nodes);
            stages.add(new ClusterStage(nodes, (int) replicas, (int) split, (int) firstGpu));
        }
        String solver = root.hasNonNull("solver") ? root.get("solver").asText() : "given";
        // the value the plan claims; the evaluator computes its own (an infeasible plan's may be a string)
        JsonNode claimed = root.get("timePerSample");
        double value = claimed != null && claimed.isNumber() ? claimed.asDouble() : Double.NaN;
        PlanStatus status = f.flag(root, "optimal", "top level", false) ? PlanStatus.OPTIMAL : PlanStatus.FEASIBLE;
        return new ClusterPlan(stages, value, solver, status, 0, "read from " + file.getFileName());
    }
}
