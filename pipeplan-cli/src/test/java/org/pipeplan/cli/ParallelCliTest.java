package org.pipeplan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipeplan.cluster.format.ClusterPlanWriter;
import org.pipeplan.cluster.training.format.TrainingPlanWriter;

class ParallelCliTest {

    @TempDir
    Path dir;

    private static String example(String name) {
        return Cli.root().resolve("examples/" + name).toString();
    }

    @Test
    void planWithTheDqnOnACluster() throws Exception {
        Path out = dir.resolve("plan.json");
        Cli.Run r = Cli.run("plan", example("bert24_inference.json"), "-k", "8", "-s", "dqn", "--episodes", "150", "-q",
                "-o", out.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("8 x v100-16gb (1 node of 8), inference"), r.out());
        assertTrue(r.out().contains("solver dqn:") && r.out().contains("simulated (streaming)"), r.out());
        assertTrue(!r.out().contains("WARNING"), r.out());
        JsonNode plan = new ObjectMapper().readTree(out.toFile());
        assertEquals(ClusterPlanWriter.FORMAT, plan.get("format").asText());
        int gpus = 0;
        int nodes = 0;
        for (JsonNode s : plan.get("stages")) {
            assertEquals(gpus, s.get("firstGpu").asInt());
            gpus += s.get("replicas").asInt() * s.get("split").asInt();
            nodes += s.get("nodes").size();
        }
        assertTrue(gpus <= 8);
        assertTrue(nodes > 0);
    }

    @Test
    void trainingGraphsArePlannedByIterationTime() throws Exception {
        Path out = dir.resolve("training.json");
        Cli.Run r = Cli.run("plan", example("bert24_training.json"), "-k", "8", "-s", "dqn", "--episodes", "60", "-q",
                "-o", out.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("8 x v100-16gb (1 node of 8), global batch 32 samples"), r.out());
        assertTrue(r.out().contains("solver dqn:") && r.out().contains("simulated:"), r.out());
        assertTrue(!r.out().contains("WARNING"), r.out());
        assertEquals(TrainingPlanWriter.FORMAT, new ObjectMapper().readTree(out.toFile()).get("format").asText());
    }

    @Test
    void exactAndPipelineOnlyPlans() {
        Cli.Run exact = Cli.run("plan", example("bert24_inference.json"), "-k", "16", "-s", "parallel", "--gpus-per-node", "4");
        assertEquals(0, exact.code(), exact.err());
        assertTrue(exact.out().contains("16 x v100-16gb (4 nodes of 4), inference"), exact.out());
        assertTrue(exact.out().contains("optimal for its plan space"), exact.out());
        Cli.Run pipeline = Cli.run("plan", example("bert24_inference.json"), "-k", "16", "-s", "pipeline-gpus");
        assertEquals(0, pipeline.code(), pipeline.err());
    }

    @Test
    void evaluateReChecksASavedClusterPlan() {
        Path out = dir.resolve("cluster.json");
        Cli.Run plan = Cli.run("plan", example("bert24_inference.json"), "-k", "8", "-s", "parallel", "-o", out.toString());
        assertEquals(0, plan.code(), plan.err());
        Cli.Run again = Cli.run("evaluate", example("bert24_inference.json"), "-k", "8", "--plan", out.toString());
        assertEquals(0, again.code(), again.err());
        String perSample = plan.out().lines().filter(l -> l.startsWith("solver ")).findFirst().orElseThrow()
                .replaceAll(" ms per sample.*", "");
        assertTrue(again.out().contains(perSample + " ms per sample"), plan.out() + again.out());
        assertTrue(again.out().contains("simulated (streaming)"), again.out());
        Cli.assertCleanError(Cli.run("evaluate", example("bert24_inference.json"), "-k", "4", "--plan", out.toString()), 1,
                "the plan is for 8 GPUs, the cluster has 4");
    }

    @Test
    void evaluateReChecksASavedTrainingPlan() {
        Path out = dir.resolve("training.json");
        Cli.Run plan = Cli.run("plan", example("bert24_training.json"), "-k", "8", "-s", "parallel", "-o", out.toString());
        assertEquals(0, plan.code(), plan.err());
        Cli.Run again = Cli.run("evaluate", example("bert24_training.json"), "-k", "8", "--plan", out.toString());
        assertEquals(0, again.code(), again.err());
        String iteration = plan.out().lines().filter(l -> l.startsWith("iteration ")).findFirst().orElseThrow();
        assertTrue(again.out().contains(iteration), plan.out() + again.out());
        assertTrue(again.out().contains("simulated:") && !again.out().contains("WARNING"), again.out());
        Cli.assertCleanError(Cli.run("evaluate", example("bert24_training.json"), "-k", "4", "--plan", out.toString()), 1,
                "the plan is for 8 GPUs, the cluster has 4");
    }

    @Test
    void badClusterOptionsGetOneLineErrors() {
        Cli.assertCleanError(Cli.run("plan", example("bert24_inference.json"), "-k", "4", "-s", "dqn", "--gpu-type", "abacus"),
                2, "--gpu-type: unknown device type 'abacus'");
        Cli.assertCleanError(Cli.run("plan", example("bert24_inference.json"), "-k", "4", "-s", "dqn", "--episodes", "0"),
                2, "--episodes must be >= 1");
        Cli.assertCleanError(Cli.run("plan", example("bert24_inference.json"), "-k", "0", "-s", "parallel"),
                2, "a GPU cluster needs accelerators");
        Cli.assertCleanError(Cli.run("plan", example("bert24_inference.json"), "-k", "4", "-s", "parallel", "--gpus-per-node", "0"),
                2, "--gpus-per-node must be >= 1");
    }

    @Test
    void benchPrintsTheTableAndTheTargets() {
        Cli.Run r = Cli.run("parallel-bench", example("bert24_training.json"), "--gpus", "4", "--episodes", "100");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("dqn within 2% of the exact optimum:"), r.out());
        assertTrue(r.out().contains("gain of replication and splitting over the best pipeline"), r.out());
        assertTrue(r.out().contains("bert24_training"), r.out());
    }
}
