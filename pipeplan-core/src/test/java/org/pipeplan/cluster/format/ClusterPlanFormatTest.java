package org.pipeplan.cluster.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipeplan.cluster.ClusterOptions;
import org.pipeplan.cluster.ClusterPlan;
import org.pipeplan.cluster.ClusterPlanners;
import org.pipeplan.cluster.ClusterProblem;
import org.pipeplan.cluster.GpuCluster;
import org.pipeplan.cluster.evaluate.ClusterEvaluation;
import org.pipeplan.cluster.evaluate.ClusterEvaluator;
import org.pipeplan.io.InputException;
import org.pipeplan.io.PlacementJsonReader;
import org.pipeplan.planner.PlanStatus;
import org.pipeplan.testing.TestData;

class ClusterPlanFormatTest {

    @TempDir
    Path dir;

    private static ClusterProblem problem(String example, int gpus) {
        var source = PlacementJsonReader.read(TestData.projectRoot().resolve("examples/" + example));
        return new ClusterProblem(source, new GpuCluster("v100-16gb", gpus, 8, 16.0 * (1L << 30), 150e9, 25e9, 0.005, 0.01), 32);
    }

    private Path written(ClusterProblem p, ClusterPlan plan) {
        Path file = dir.resolve("plan.json");
        ClusterPlanWriter.write(file, p, plan, ClusterEvaluator.evaluate(p, plan));
        return file;
    }

    @Test
    void everyPlannersPlanReadsBackToTheSameStagesAndEvaluation() {
        for (String example : new String[] {"bert24_inference.json", "bert24_training.json"}) {
            ClusterProblem p = problem(example, 8);
            for (String planner : new String[] {"parallel", "pipeline-gpus"}) {
                ClusterPlan plan = ClusterPlanners.byName(planner).solve(p, ClusterOptions.defaults());
                ClusterPlan back = ClusterPlanReader.read(written(p, plan), p);
                assertEquals(plan.stages(), back.stages(), example + " " + planner);
                assertEquals(plan.solver(), back.solver());
                assertEquals(PlanStatus.OPTIMAL, back.status());
                ClusterEvaluation a = ClusterEvaluator.evaluate(p, plan);
                ClusterEvaluation b = ClusterEvaluator.evaluate(p, back);
                assertEquals(a, b);
                assertEquals(a.timePerSample(), back.timePerSample());
            }
        }
    }

    @Test
    void aPlanForAnotherClusterOrGraphIsAOneLineErrorNamingTheFile() throws Exception {
        ClusterProblem p = problem("bert24_inference.json", 8);
        ClusterPlan plan = ClusterPlanners.byName("parallel").solve(p, ClusterOptions.defaults());
        Path file = written(p, plan);
        InputException e = assertThrows(InputException.class, () -> ClusterPlanReader.read(file, problem("bert24_inference.json", 4)));
        assertEquals(file + ": the plan is for 8 GPUs, the cluster has 4", e.getMessage());

        ObjectMapper json = new ObjectMapper();
        ObjectNode root = (ObjectNode) json.readTree(file.toFile());
        ((ArrayNode) root.get("stages").get(0).get("nodes")).add(987654);
        Path unknown = TestData.write(dir, "unknown.json", root.toString());
        e = assertThrows(InputException.class, () -> ClusterPlanReader.read(unknown, p));
        assertEquals(unknown + ": stages[0]: node 987654 is not in the graph", e.getMessage());

        root = (ObjectNode) json.readTree(file.toFile());
        ((ObjectNode) root.get("stages").get(0)).put("replicas", 0);
        Path badShape = TestData.write(dir, "shape.json", root.toString());
        e = assertThrows(InputException.class, () -> ClusterPlanReader.read(badShape, p));
        assertTrue(e.getMessage().startsWith(badShape + ": stages[0]: firstGpu must lie in 0..7"), e.getMessage());

        root = (ObjectNode) json.readTree(file.toFile());
        root.put("version", ClusterPlanWriter.VERSION + 1);
        Path newer = TestData.write(dir, "newer.json", root.toString());
        e = assertThrows(InputException.class, () -> ClusterPlanReader.read(newer, p));
        assertTrue(e.getMessage().contains("version " + (ClusterPlanWriter.VERSION + 1) + " is not supported"), e.getMessage());

        Path placement = TestData.write(dir, "placement.json", "{\"format\": \"pipeplan-plan\", \"version\": 1}");
        e = assertThrows(InputException.class, () -> ClusterPlanReader.read(placement, p));
        assertEquals(placement + ": 'format' must be \"pipeplan-parallel-plan\"", e.getMessage());
    }

    @Test
    void theEvaluatorJudgesAReadPlanThatLeavesAnOperatorOut() throws Exception {
        ClusterProblem p = problem("bert24_inference.json", 8);
        ClusterPlan plan = ClusterPlanners.byName("parallel").solve(p, ClusterOptions.defaults());
        ObjectNode root = (ObjectNode) new ObjectMapper().readTree(written(p, plan).toFile());
        ArrayNode nodes = (ArrayNode) root.get("stages").get(0).get("nodes");
        long dropped = nodes.get(0).asLong();
        nodes.remove(0);
        Path file = TestData.write(dir, "partial.json", root.toString());
        ClusterEvaluation e = ClusterEvaluator.evaluate(p, ClusterPlanReader.read(file, p));
        assertTrue(e.problems().contains("node " + dropped + " is in no stage"), e.problems().toString());
    }

    /** A cluster plan written by pipeplan before its reader existed (format version 1). */
    @Test
    void aPlanWrittenBeforeLoadsWithItsEvaluation() throws Exception {
        // the cluster of plan -k 8 -s parallel: the file's accelerators as V100s of the catalog
        var source = PlacementJsonReader.read(TestData.projectRoot().resolve("examples/bert24_training.json"))
                .withDevices(org.pipeplan.device.DeviceSet.acceleratorsAndCpus(8, 17185374208.0, 1));
        var v100 = org.pipeplan.io.DeviceFileReader.bundledCatalog().get("v100-16gb");
        ClusterProblem p = new ClusterProblem(source, GpuCluster.of(v100, 8, 8, 17185374208.0,
                GpuCluster.DEFAULT_INTER_NODE_BANDWIDTH), 32);
        Path file = TestData.fixture("plans-v1/bert24_training.k8.parallel.json");
        ClusterPlan plan = ClusterPlanReader.read(file, p);
        ClusterEvaluation e = ClusterEvaluator.evaluate(p, plan);
        assertTrue(e.feasible(), e.problems().toString());
        assertEquals(new ObjectMapper().readTree(file.toFile()).get("timePerSample").asDouble(), e.timePerSample(), 0);
        assertEquals(ClusterPlanners.byName("parallel").solve(p, ClusterOptions.defaults()).stages(), plan.stages());
    }
}
