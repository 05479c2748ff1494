package org.pipeplan.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.io.PlacementJsonReader;
import org.pipeplan.sim.SimulationResult;
import org.pipeplan.solver.parallel.ParallelDp;
import org.pipeplan.testing.TestData;

class ParallelSimulationTest {

    private static ParallelProblem problem(String example, int gpus) {
        PlacementProblem source = PlacementJsonReader.read(TestData.projectRoot().resolve("examples/" + example));
        return new ParallelProblem(source, new GpuCluster("v100-16gb", gpus, 8, 16.0 * (1L << 30), 150e9, 25e9, 0.005, 0.01), 32);
    }

    @Test
    void streamingInferenceReachesTheModelsThroughput() {
        for (int gpus : new int[] {4, 8, 16}) {
            ParallelProblem p = problem("bert24_inference.json", gpus);
            for (ParallelSpace space : new ParallelSpace[] {ParallelSpace.pipelineOnly(), ParallelSpace.full(p.cluster())}) {
                ParallelPlan plan = ParallelDp.solve(p, space);
                SimulationResult sim = ParallelSimulation.simulate(p, plan);
                // replicas take samples in turn: the steady state matches 1 / time per sample (up to
                // the measured window, which replicas finishing in lockstep make a little short)
                assertEquals(1, sim.throughput() * plan.timePerSample(), 0.05, gpus + " GPUs, " + space);
            }
        }
    }

    @Test
    void trainingRunsOneFOneBWithTheReplicasFlush() {
        ParallelProblem p = problem("bert24_training.json", 8);
        ParallelPlan plan = ParallelDp.solve(p, ParallelSpace.full(p.cluster()));
        SimulationResult sim = ParallelSimulation.simulate(p, plan);
        assertTrue(sim.options().schedule().training());
        assertTrue(sim.throughput() > 0);
        // the per-sample model ignores the pipeline's fill and drain at every flush: the simulation is slower
        assertTrue(sim.throughput() * plan.timePerSample() <= 1.001, "simulated " + sim.throughput());
        assertTrue(sim.throughput() * plan.timePerSample() > 0.3, "simulated " + sim.throughput());
    }
}
