package org.pipeplan.cluster.dp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.io.PlacementJsonReader;
import org.pipeplan.planner.PlanStatus;
import org.pipeplan.testing.Assignments;
import org.pipeplan.testing.TestData;

class IdealParallelDpTest {

    private static final double GIB = 1L << 30;

    private static GpuCluster smallCluster(double memory) {
        return new GpuCluster("test-gpu", 4, 2, memory, 100e9, 10e9, 0.005, 0.01);
    }

    @Test
    void matchesEveryStageAssignmentTriedByTheEvaluator() {
        Random r = new Random(11);
        for (int trial = 0; trial < 30; trial++) {
            PlacementProblem source = ParallelDpTest.randomGraph(r, 3 + r.nextInt(3), trial % 2 == 1);
            ClusterProblem p = new ClusterProblem(source, smallCluster(trial % 3 == 0 ? 2.5 * GIB : 64 * GIB), 4);
            ParallelSpace space = ParallelSpace.full(p.cluster());
            ClusterPlan ideal = IdealParallelDp.solve(p, space, 1000);
            double brute = bruteForce(p, space);
            assertEquals(brute, ideal.timePerSample(), 1e-9 * Math.max(1, brute), "trial " + trial);
            assertTrue(ideal.timePerSample() <= ParallelDp.solve(p, space).timePerSample() * (1 + 1e-12), "trial " + trial);
            if (Double.isFinite(brute)) {
                ClusterEvaluation e = ClusterEvaluator.evaluate(p, ideal);
                assertTrue(e.feasible(), e.problems().toString());
                assertEquals(ideal.timePerSample(), e.timePerSample(), 1e-9 * ideal.timePerSample());
            }
        }
    }

    /**
     * Every map of positions to stages 0..s-1 with every shape per stage, kept when the evaluator
     * accepts it (it rejects a forward edge that goes back a stage): all plans, not only ideals.
     */
    private static double bruteForce(ClusterProblem p, ParallelSpace space) {
        int n = p.positions();
        double[] best = {Double.POSITIVE_INFINITY};
        for (int s = 1; s <= Math.min(n, p.cluster().gpus()); s++) {
            int stages = s;
            Assignments.everyMap(n, stages, stageOf -> {
                boolean[] used = new boolean[stages];
                for (int stage : stageOf) {
                    used[stage] = true;
                }
                boolean onto = true;
                for (boolean u : used) {
                    onto &= u;
                }
                if (onto) {
                    best[0] = Math.min(best[0], shapes(p, space, stageOf, stages, 0, 0, new ArrayList<>()));
                }
            });
        }
        return best[0];
    }

    private static double shapes(ClusterProblem p, ParallelSpace space, int[] stageOf, int s, int stage, int gpu,
                                 List<ClusterStage> stages) {
        if (stage == s) {
            ClusterEvaluation e = ClusterEvaluator.evaluate(p, new ClusterPlan(stages, 0, "brute", PlanStatus.FEASIBLE, 0, ""));
            return e.feasible() ? e.timePerSample() : Double.POSITIVE_INFINITY;
        }
        List<Integer> nodes = new ArrayList<>();
        for (int v = 0; v < stageOf.length; v++) {
            if (stageOf[v] == stage) {
                for (int node : p.members(v)) {
                    nodes.add(node);
                }
            }
        }
        int[] sorted = nodes.stream().mapToInt(Integer::intValue).sorted().toArray();
        double best = Double.POSITIVE_INFINITY;
        for (int[] shape : space.shapes(p.cluster().gpus() - gpu - (s - stage - 1))) {
            stages.add(new ClusterStage(sorted, shape[0], shape[1], gpu));
            best = Math.min(best, shapes(p, space, stageOf, s, stage + 1, gpu + shape[0] * shape[1], stages));
            stages.remove(stages.size() - 1);
        }
        return best;
    }

    @Test
    void neverWorseThanRangesAndAgreesWithTheEvaluatorOnTheExamples() {
        for (String file : new String[] {"bert24_inference.json", "bert24_training.json"}) {
            PlacementProblem source = PlacementJsonReader.read(TestData.projectRoot().resolve("examples/" + file));
            GpuCluster cluster = new GpuCluster("v100-16gb", 16, 8, 16 * GIB, 150e9, 25e9, 0.005, 0.01);
            ClusterProblem p = new ClusterProblem(source, cluster, 32);
            ClusterPlan ideal = IdealParallelDp.solve(p, ParallelSpace.full(cluster), IdealParallelDp.DEFAULT_MAX_IDEALS);
            ClusterPlan ranges = ParallelDp.solve(p, ParallelSpace.full(cluster));
            assertTrue(ideal.timePerSample() <= ranges.timePerSample() * (1 + 1e-12), file);
            ClusterEvaluation e = ClusterEvaluator.evaluate(p, ideal);
            assertTrue(e.feasible(), e.problems().toString());
            assertEquals(ideal.timePerSample(), e.timePerSample(), 1e-9 * ideal.timePerSample(), file);
            assertTrue(ideal.note().contains("ideals"), ideal.note());
        }
    }

    @Test
    void declinesGraphsWithTooManyIdeals() {
        PlacementProblem source = PlacementJsonReader.read(TestData.projectRoot().resolve("examples/bert24_training.json"));
        ClusterProblem p = new ClusterProblem(source, new GpuCluster("v100-16gb", 8, 8, 16 * GIB, 150e9, 25e9, 0.005, 0.01), 32);
        assertNull(IdealParallelDp.solve(p, ParallelSpace.full(p.cluster()), 5));
    }
}
