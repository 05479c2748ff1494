package org.pipeplan.edgetpu.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipeplan.edgetpu.EdgeTpuGraph;
import org.pipeplan.edgetpu.EdgeTpuOptions;
import org.pipeplan.edgetpu.EdgeTpuPipeline;
import org.pipeplan.edgetpu.EdgeTpuPlan;
import org.pipeplan.edgetpu.EdgeTpuProblem;
import org.pipeplan.edgetpu.EdgeTpuSchedulers;
import org.pipeplan.edgetpu.evaluate.EdgeTpuEvaluator;
import org.pipeplan.generate.SyntheticDagGenerator;
import org.pipeplan.io.InputException;
import org.pipeplan.testing.TestData;

class EdgeTpuPlanFormatTest {

    @TempDir
    Path dir;

    private static EdgeTpuProblem problem(long seed, int stages) {
        EdgeTpuGraph g = EdgeTpuGraph.of(SyntheticDagGenerator.standard().generate(seed, 120));
        return new EdgeTpuProblem(g, EdgeTpuPipeline.edgeTpus(stages), new int[0]);
    }

    private Path written(EdgeTpuProblem p, EdgeTpuPlan plan) {
        Path file = dir.resolve("split.json");
        EdgeTpuPlanWriter.write(file, p, plan);
        return file;
    }

    @Test
    void everySchedulersSplitReadsBackToTheSameStages() {
        for (long seed = 1; seed <= 3; seed++) {
            EdgeTpuProblem p = problem(seed, 4);
            for (String name : new String[] {"compiler", "order"}) {
                EdgeTpuPlan plan = EdgeTpuSchedulers.byName(name).solve(p, EdgeTpuOptions.defaults());
                Path file = written(p, plan);
                assertEquals(4, EdgeTpuPlanReader.stagesOf(file));
                EdgeTpuPlan back = EdgeTpuPlanReader.read(file, p);
                assertArrayEquals(plan.stages(), back.stages(), name + " seed " + seed);
                assertEquals(name, back.scheduler());
                assertEquals(EdgeTpuEvaluator.evaluate(p.graph(), p.pipeline(), plan.stages()).bottleneck(), back.value());
            }
        }
    }

    @Test
    void aSplitForAnotherGraphOrPipelineIsAOneLineErrorNamingTheFile() throws Exception {
        EdgeTpuProblem p = problem(1, 4);
        EdgeTpuPlan plan = EdgeTpuSchedulers.byName("order").solve(p, EdgeTpuOptions.defaults());
        Path file = written(p, plan);
        InputException e = assertThrows(InputException.class, () -> EdgeTpuPlanReader.read(file, problem(1, 5)));
        assertEquals(file + ": the plan is for 4 stages, the pipeline has 5", e.getMessage());
        e = assertThrows(InputException.class, () -> EdgeTpuPlanReader.read(file, problem(2, 4)));
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());

        ObjectMapper json = new ObjectMapper();
        ObjectNode root = (ObjectNode) json.readTree(file.toFile());
        ((ObjectNode) root.get("nodes").get(3)).put("stage", 9);
        Path outside = TestData.write(dir, "outside.json", root.toString());
        e = assertThrows(InputException.class, () -> EdgeTpuPlanReader.read(outside, p));
        assertEquals(outside + ": nodes[3]: stage 9 is outside 0..3", e.getMessage());

        root = (ObjectNode) json.readTree(file.toFile());
        ((ObjectNode) root.get("nodes").get(0)).put("name", "someone-else");
        Path renamed = TestData.write(dir, "renamed.json", root.toString());
        e = assertThrows(InputException.class, () -> EdgeTpuPlanReader.read(renamed, p));
        assertEquals(renamed + ": nodes[0]: expected node '" + p.graph().nodeName(0) + "' of the graph, got \"someone-else\"",
                e.getMessage());

        root = (ObjectNode) json.readTree(file.toFile());
        root.put("version", EdgeTpuPlanWriter.VERSION + 1);
        Path newer = TestData.write(dir, "newer.json", root.toString());
        e = assertThrows(InputException.class, () -> EdgeTpuPlanReader.read(newer, p));
        assertTrue(e.getMessage().contains("is not supported"), e.getMessage());
    }
}
