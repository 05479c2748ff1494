package org.pipeplan.cluster.dp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.pipeplan.cluster.ClusterPlan;
import org.pipeplan.cluster.ClusterProblem;
import org.pipeplan.cluster.ClusterStage;
import org.pipeplan.cluster.GpuCluster;
import org.pipeplan.cluster.ParallelSpace;
import org.pipeplan.cluster.evaluate.ClusterEvaluation;
import org.pipeplan.cluster.evaluate.ClusterEvaluator;
import org.pipeplan.device.DeviceKind;
import org.pipeplan.device.DeviceSet;
import org.pipeplan.graph.Edge;
import org.pipeplan.graph.Operator;
import org.pipeplan.graph.OperatorGraph;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.io.PlacementJsonReader;
import org.pipeplan.planner.PlanStatus;
import org.pipeplan.testing.TestData;

class ParallelDpTest {

    private static final double GIB = 1L << 30;

    /** Two nodes of two GPUs; a slow network between them. */
    private static GpuCluster smallCluster(double memory) {
        return new GpuCluster("test-gpu", 4, 2, memory, 100e9, 10e9, 0.005, 0.01);
    }

    /**
     * A random DAG of {@code forward} operators (MatMuls that may be split, and others), each
     * edge carrying up to 64 MB; in training, one backward operator per forward one, colocated
     * with it, and mirrored edges.
     */
    static PlacementProblem randomGraph(Random r, int forward, boolean training) {
        List<Operator> ops = new ArrayList<>();
        List<Edge> edges = new ArrayList<>();
        for (int i = 0; i < forward; i++) {
            boolean heavy = r.nextInt(3) != 0;
            ops.add(Operator.builder(i).name("op" + i).opType(heavy ? "MatMul" : "Relu").colocationLabel(training ? (long) i : null)
                    .memoryBytes((1 + r.nextInt(8)) * 0.25 * GIB).computeTime(DeviceKind.ACCELERATOR, 0.5 + r.nextInt(16))
                    .transferTime(DeviceKind.ACCELERATOR, 0).build());
        }
        for (int j = 1; j < forward; j++) {
            int preds = 1 + r.nextInt(2);
            for (int k = 0; k < preds; k++) {
                int i = k == 0 ? j - 1 : r.nextInt(j);
                int target = j;
                if (edges.stream().noneMatch(e -> e.source() == i && e.target() == target)) {
                    edges.add(new Edge(i, j, 0, (1 + r.nextInt(64)) * 1e6));
                }
            }
        }
        if (training) {
            for (int i = 0; i < forward; i++) {
                Operator f = ops.get(i);
                ops.add(Operator.builder(forward + i).name("op" + i + ".grad").opType(f.opType().get() + "Grad").backward(true)
                        .colocationLabel((long) i).memoryBytes(f.memoryBytes())
                        .computeTime(DeviceKind.ACCELERATOR, 2 * f.computeTime(DeviceKind.ACCELERATOR))
                        .transferTime(DeviceKind.ACCELERATOR, 0).build());
            }
            for (Edge e : List.copyOf(edges)) {
                edges.add(new Edge(forward + e.target(), forward + e.source(), 0, e.bytes()));
            }
        }
        return new PlacementProblem("random", OperatorGraph.of(ops, edges), DeviceSet.acceleratorsAndCpus(1, 16 * GIB, 0));
    }

    @Test
    void dpMatchesBruteForceOnSmallGraphs() {
        Random r = new Random(7);
        for (int trial = 0; trial < 40; trial++) {
            boolean training = trial % 2 == 1;
            PlacementProblem source = randomGraph(r, 3 + r.nextInt(3), training);
            // a tight memory limit in some trials, so that memory decides
            ClusterProblem p = new ClusterProblem(source, smallCluster(trial % 3 == 0 ? 2.5 * GIB : 64 * GIB), 4);
            ParallelSpace space = ParallelSpace.full(p.cluster());
            ClusterPlan dp = ParallelDp.solve(p, space);
            double brute = bruteForce(p, space, 0, 0, new ArrayList<>());
            assertEquals(brute, dp.timePerSample(), 1e-9 * Math.max(1, brute), "trial " + trial);
            if (Double.isFinite(brute)) {
                ClusterEvaluation e = ClusterEvaluator.evaluate(p, dp);
                assertTrue(e.feasible(), e.problems().toString());
                assertEquals(dp.timePerSample(), e.timePerSample(), 1e-9 * dp.timePerSample());
            }
        }
    }

    /** The best plan of positions from..end on GPUs from gpu on, every choice tried, scored by the evaluator. */
    private static double bruteForce(ClusterProblem p, ParallelSpace space, int from, int gpu, List<ClusterStage> stages) {
        if (from == p.positions()) {
            ClusterEvaluation e = ClusterEvaluator.evaluate(p, new ClusterPlan(stages, 0, "brute", PlanStatus.FEASIBLE, 0, ""));
            return e.feasible() ? e.timePerSample() : Double.POSITIVE_INFINITY;
        }
        double best = Double.POSITIVE_INFINITY;
        for (int to = from + 1; to <= p.positions(); to++) {
            for (int[] shape : space.shapes(p.cluster().gpus() - gpu)) {
                stages.add(new ClusterStage(p.nodes(from, to), shape[0], shape[1], gpu));
                best = Math.min(best, bruteForce(p, space, to, gpu + shape[0] * shape[1], stages));
                stages.remove(stages.size() - 1);
            }
        }
        return best;
    }

    @Test
    void replicationAndSplittingBeatAPlainPipelineOnAHeavyLayer() {
        // a chain of 4 layers, one of them 10 times heavier than the rest
        List<Operator> ops = new ArrayList<>();
        List<Edge> edges = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ops.add(Operator.builder(i).name("layer" + i).opType("MatMul").memoryBytes(GIB)
                    .computeTime(DeviceKind.ACCELERATOR, i == 1 ? 40 : 4).build());
            if (i > 0) {
                edges.add(new Edge(i - 1, i, 0, 1e6));
            }
        }
        PlacementProblem source = new PlacementProblem("chain", OperatorGraph.of(ops, edges), DeviceSet.acceleratorsAndCpus(1, 16 * GIB, 0));
        GpuCluster cluster = new GpuCluster("test-gpu", 8, 8, 16 * GIB, 100e9, 10e9, 0.005, 0.01);
        ClusterProblem p = new ClusterProblem(source, cluster, 8);
        ClusterPlan pipeline = ParallelDp.solve(p, ParallelSpace.pipelineOnly());
        ClusterPlan full = ParallelDp.solve(p, ParallelSpace.full(cluster));
        assertTrue(pipeline.timePerSample() >= 40, "the heavy layer alone bounds a pipeline");
        assertTrue(full.timePerSample() < 10, "the heavy layer is spread over GPUs: " + full.timePerSample());
        assertFalse(full.pipelineOnly());
        assertTrue(pipeline.pipelineOnly());
        assertTrue(ClusterEvaluator.evaluate(p, full).feasible());
    }

    @Test
    void evaluatorRejectsBrokenPlans() {
        ClusterProblem p = new ClusterProblem(randomGraph(new Random(3), 4, false), smallCluster(64 * GIB), 4);
        int[] all = p.nodes(0, p.positions());
        int[] some = p.nodes(0, 1);
        int[] rest = p.nodes(1, p.positions());
        assertTrue(problems(p, new ClusterStage(some, 1, 1, 0)).get(0).contains("is in no stage"));
        assertTrue(problems(p, new ClusterStage(all, 1, 1, 0), new ClusterStage(some, 1, 1, 1)).get(0).contains("is in stages"));
        assertTrue(problems(p, new ClusterStage(rest, 1, 1, 0), new ClusterStage(some, 1, 1, 1)).get(0).contains("goes back"));
        assertTrue(problems(p, new ClusterStage(all, 5, 1, 0)).get(0).contains("the cluster has 4"));
        assertTrue(problems(p, new ClusterStage(some, 1, 1, 1), new ClusterStage(rest, 1, 1, 2)).get(0).contains("expected 0"));
        ClusterProblem tight = new ClusterProblem(randomGraph(new Random(3), 4, false), smallCluster(0.1 * GIB), 4);
        assertTrue(problems(tight, new ClusterStage(all, 1, 1, 0)).get(0).contains("GiB per GPU"));
    }

    private static List<String> problems(ClusterProblem p, ClusterStage... stages) {
        return ClusterEvaluator.evaluate(p, new ClusterPlan(List.of(stages), 0, "test", PlanStatus.FEASIBLE, 0, "")).problems();
    }

    @Test
    void evaluatorAgreesWithTheDpOnTheBundledExamplesAndSharedInstances() {
        List<Path> files = new ArrayList<>(List.of(TestData.projectRoot().resolve("examples/bert24_inference.json"),
                TestData.projectRoot().resolve("examples/bert24_training.json")));
        Path shared = TestData.projectRoot().resolve("../shared/datasets/placement-json/LayerGraphs");
        if (Files.isDirectory(shared)) {
            files.add(shared.resolve("gnmt_training.json"));
            files.add(shared.resolve("resnet50_inference.json"));
        }
        for (Path f : files) {
            PlacementProblem source = PlacementJsonReader.read(f);
            for (int gpus : new int[] {8, 16}) {
                GpuCluster cluster = new GpuCluster("v100-16gb", gpus, 8, 16 * GIB, 150e9, 25e9, 0.005, 0.01);
                ClusterProblem p = new ClusterProblem(source, cluster, 32);
                ClusterPlan pipeline = ParallelDp.solve(p, ParallelSpace.pipelineOnly());
                ClusterPlan full = ParallelDp.solve(p, ParallelSpace.full(cluster));
                for (ClusterPlan plan : List.of(pipeline, full)) {
                    ClusterEvaluation e = ClusterEvaluator.evaluate(p, plan);
                    assertTrue(e.feasible(), f + ": " + e.problems());
                    assertEquals(plan.timePerSample(), e.timePerSample(), 1e-9 * plan.timePerSample(), f.toString());
                }
                assertTrue(full.timePerSample() <= pipeline.timePerSample() + 1e-12, f.toString());
            }
        }
    }
}
