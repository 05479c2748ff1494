package org.pipeplan.edgetpu.format;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.pipeplan.edgetpu.EdgeTpuPlan;
import org.pipeplan.edgetpu.EdgeTpuProblem;
import org.pipeplan.edgetpu.evaluate.EdgeTpuEvaluator;
import org.pipeplan.edgetpu.evaluate.StageTimes;

/**
 * Writes an Edge TPU split as JSON: format {@value #FORMAT}, version {@value #VERSION}
 * (docs/plan-format.md). Stage times come from the independent evaluation; nodes are listed in
 * the graph's order, each with its name and stage.
 */
public final class EdgeTpuPlanWriter {

    public static final String FORMAT = "pipeplan-edgetpu-plan";
    public static final int VERSION = 1;

    private EdgeTpuPlanWriter() {
    }

    public static ObjectNode toJson(EdgeTpuProblem problem, EdgeTpuPlan plan) {
        var g = problem.graph();
        var p = problem.pipeline();
        int[] stages = plan.stages();
        StageTimes t = EdgeTpuEvaluator.evaluate(g, p, stages);
        ObjectNode root = new ObjectMapper().createObjectNode();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        root.put("model", g.name());
        root.put("scheduler", plan.scheduler());
        root.put("stages", p.stages());
        root.put("cacheBytes", p.cacheBytes());
        root.put("costModel", p.model().name());
        root.put("invokeOverheadMs", p.model().invokeOverheadMs());
        root.put("unit", "ms");
        root.put("bottleneckMs", t.bottleneck());
        root.put("hostLinkMs", t.busTime());
        ArrayNode stageTimes = root.putArray("stageTimes");
        for (int k = 0; k < p.stages(); k++) {
            ObjectNode s = stageTimes.addObject();
            s.put("stage", k);
            s.put("computeMs", t.compute()[k]);
            s.put("streamingMs", t.streaming()[k]);
            s.put("transferMs", t.transfer()[k]);
            s.put("hostMs", t.host()[k]);
            s.put("overheadMs", t.overhead()[k]);
            s.put("parameterBytes", t.params()[k]);
        }
        ArrayNode nodes = root.putArray("nodes");
        for (int v = 0; v < g.size(); v++) {
            nodes.addObject().put("name", g.nodeName(v)).put("stage", stages[v]);
        }
        return root;
    }

    public static void write(Path out, EdgeTpuProblem problem, EdgeTpuPlan plan) {
        try {
            Path parent = out.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(out.toFile(), toJson(problem, plan));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
        }
    }
}
