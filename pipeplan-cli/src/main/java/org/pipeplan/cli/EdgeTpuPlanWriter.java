package org.pipeplan.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.pipeplan.edgetpu.EdgeTpuProblem;
import org.pipeplan.edgetpu.evaluate.EdgeTpuEvaluator;
import org.pipeplan.edgetpu.evaluate.StageTimes;

/** Writes an Edge TPU split as JSON: format pipeplan-edgetpu-plan, version 1. */
final class EdgeTpuPlanWriter {

    static final String FORMAT = "pipeplan-edgetpu-plan";

    private EdgeTpuPlanWriter() {
    }

    static void write(Path out, EdgeTpuProblem problem, String scheduler, int[] stages) {
        var g = problem.graph();
        var p = problem.pipeline();
        StageTimes t = EdgeTpuEvaluator.evaluate(g, p, stages);
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", 1);
        root.put("model", g.name());
        root.put("scheduler", scheduler);
        root.put("stages", p.stages());
        root.put("cacheBytes", p.cacheBytes());
        root.put("unit", "ms");
        root.put("bottleneckMs", t.bottleneck());
        ArrayNode stageTimes = root.putArray("stageTimes");
        for (int k = 0; k < p.stages(); k++) {
            ObjectNode s = stageTimes.addObject();
            s.put("stage", k);
            s.put("computeMs", t.compute()[k]);
            s.put("streamingMs", t.streaming()[k]);
            s.put("transferMs", t.transfer()[k]);
            s.put("parameterBytes", t.params()[k]);
        }
        ArrayNode nodes = root.putArray("nodes");
        for (int v = 0; v < g.size(); v++) {
            nodes.addObject().put("name", g.nodeName(v)).put("stage", stages[v]);
        }
        try {
            Path parent = out.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            mapper.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
        }
    }
}
