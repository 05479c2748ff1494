package org.pipeplan.cluster.format;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.pipeplan.cluster.ClusterPlan;
import org.pipeplan.cluster.ClusterProblem;
import org.pipeplan.cluster.ClusterStage;
import org.pipeplan.cluster.evaluate.ClusterEvaluation;
import org.pipeplan.graph.OperatorGraph;

/**
 * Writes a cluster plan as JSON: format {@value #FORMAT}, version {@value #VERSION}
 * (docs/plan-format.md). The time per sample and each stage's time are the independent
 * evaluation's; stages list their operators by id.
 */
public final class ClusterPlanWriter {

    public static final String FORMAT = "pipeplan-parallel-plan";
    public static final int VERSION = 1;

    private ClusterPlanWriter() {
    }

    public static ObjectNode toJson(ClusterProblem p, ClusterPlan plan, ClusterEvaluation e) {
        OperatorGraph g = p.source().graph();
        ObjectNode root = new ObjectMapper().createObjectNode();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        root.put("problem", p.name());
        root.put("solver", plan.solver());
        root.put("gpus", p.cluster().gpus());
        root.put("gpusPerNode", p.cluster().gpusPerNode());
        root.put("gpuType", p.cluster().gpuType());
        root.put("unit", "ms");
        root.put("timePerSample", e.timePerSample());
        root.put("optimal", plan.optimal());
        ArrayNode stages = root.putArray("stages");
        for (int s = 0; s < plan.stages().size(); s++) {
            ClusterStage st = plan.stages().get(s);
            ObjectNode o = stages.addObject();
            o.put("stage", s);
            o.put("firstGpu", st.firstGpu());
            o.put("replicas", st.replicas());
            o.put("split", st.split());
            o.put("perSample", e.stages().get(s).perSample());
            ArrayNode ids = o.putArray("nodes");
            for (int v : st.nodes()) {
                ids.add(g.operator(v).id());
            }
        }
        return root;
    }

    public static void write(Path out, ClusterProblem p, ClusterPlan plan, ClusterEvaluation e) {
        try {
            Path parent = out.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(out.toFile(), toJson(p, plan, e));
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot write " + out + ": " + ex.getMessage(), ex);
        }
    }
}
