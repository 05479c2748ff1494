package org.pipeplan.cluster.dqn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.pipeplan.cluster.ClusterPlan;
import org.pipeplan.cluster.ClusterProblem;
import org.pipeplan.cluster.GpuCluster;
import org.pipeplan.cluster.ParallelSpace;
import org.pipeplan.cluster.dp.ParallelDp;
import org.pipeplan.cluster.evaluate.ClusterEvaluation;
import org.pipeplan.cluster.evaluate.ClusterEvaluator;
import org.pipeplan.io.PlacementJsonReader;
import org.pipeplan.planner.ProgressListener;
import org.pipeplan.testing.TestData;

class DqnSearchTest {

    private static final double GIB = 1L << 30;

    private static ClusterProblem example(String file, int gpus, double memory) {
        return new ClusterProblem(PlacementJsonReader.read(TestData.projectRoot().resolve("examples/" + file)),
                new GpuCluster("v100-16gb", gpus, 8, memory, 150e9, 25e9, 0.005, 0.01), 32);
    }

    @Test
    void findsANearOptimalPlanThatTheEvaluatorConfirms() {
        for (int gpus : new int[] {8, 16}) {
            ClusterProblem p = example("bert24_training.json", gpus, 16 * GIB);
            ClusterPlan exact = ParallelDp.solve(p, ParallelSpace.full(p.cluster()));
            DqnSearch.Result r = DqnSearch.search(p, ParallelSpace.full(p.cluster()),
                    DqnSettings.defaults().withEpisodes(400), ProgressListener.NONE, null);
            ClusterEvaluation e = ClusterEvaluator.evaluate(p, r.plan());
            assertTrue(e.feasible(), e.problems().toString());
            assertEquals(r.plan().timePerSample(), e.timePerSample(), 1e-9 * e.timePerSample());
            assertTrue(r.plan().timePerSample() >= exact.timePerSample() - 1e-9, "never below the exact optimum");
            assertTrue(r.plan().timePerSample() <= 1.05 * exact.timePerSample(),
                    gpus + " GPUs: dqn " + r.plan().timePerSample() + " against " + exact.timePerSample());
            assertEquals(400, r.episodes()); // exactly the episodes asked for, the last one greedy
            assertTrue(r.updates() > 0);
        }
    }

    @Test
    void theSameSeedGivesTheSamePlan() {
        ClusterProblem p = example("bert24_training.json", 8, 16 * GIB);
        DqnSettings s = DqnSettings.defaults().withEpisodes(150).withSeed(5);
        ClusterPlan a = DqnSearch.search(p, ParallelSpace.full(p.cluster()), s, ProgressListener.NONE, null).plan();
        ClusterPlan b = DqnSearch.search(p, ParallelSpace.full(p.cluster()), s, ProgressListener.NONE, null).plan();
        assertEquals(a.stages(), b.stages());
        assertEquals(a.timePerSample(), b.timePerSample());
    }

    @Test
    void prunedActionsFitMemoryAndLeaveGpusForTheRest() {
        ClusterProblem p = example("bert24_training.json", 16, 2 * GIB);
        PlanEnvironment env = new PlanEnvironment(p, ParallelSpace.full(p.cluster()));
        List<PlanEnvironment.Action> first = env.actions(env.start());
        assertFalse(first.isEmpty());
        for (PlanEnvironment.Action a : first) {
            assertTrue(a.time().memoryPerGpu() <= 2 * GIB);
            assertTrue(a.to() == p.positions() || a.gpus() < 16, "a stage before the last leaves a GPU");
            if (a.split() > 1) {
                assertTrue(p.splittableCompute(a.from(), a.to()) >= 0.5 * p.compute(a.from(), a.to()));
            }
        }
    }

    @Test
    void reportsWhenNoPlanFits() {
        ClusterProblem p = example("bert24_training.json", 2, 0.01 * GIB);
        ClusterPlan plan = DqnSearch.search(p, ParallelSpace.full(p.cluster()), DqnSettings.defaults().withEpisodes(20),
                ProgressListener.NONE, null).plan();
        assertTrue(plan.stages().isEmpty());
        assertTrue(plan.note().contains("no episode found a plan"), plan.note());
        assertTrue(ParallelDp.solve(p, ParallelSpace.full(p.cluster())).stages().isEmpty());
    }
}
