package org.pipeplan.cluster.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.pipeplan.cluster.ClusterPlan;
import org.pipeplan.cluster.ClusterProblem;
import org.pipeplan.cluster.GpuCluster;
import org.pipeplan.cluster.ParallelSpace;
import org.pipeplan.cluster.dp.ParallelDp;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.io.PlacementJsonReader;
import org.pipeplan.sim.SimulationResult;
import org.pipeplan.testing.TestData;

class ClusterSimulationTest {

    private static ClusterProblem problem(String example, int gpus) {
        PlacementProblem source = PlacementJsonReader.read(TestData.projectRoot().resolve("examples/" + example));
        return new ClusterProblem(source, new GpuCluster("v100-16gb", gpus, 8, 16.0 * (1L << 30), 150e9, 25e9, 0.005, 0.01), 32);
    }

    @Test
    void streamingInferenceReachesTheModelsThroughput() {
        for (int gpus : new int[] {4, 8, 16}) {
            ClusterProblem p = problem("bert24_inference.json", gpus);
            for (ParallelSpace space : new ParallelSpace[] {ParallelSpace.pipelineOnly(), ParallelSpace.full(p.cluster())}) {
                ClusterPlan plan = ParallelDp.solve(p, space);
                SimulationResult sim = ClusterSimulation.simulate(p, plan);
                // replicas take samples in turn: the steady state matches 1 / time per sample, also
                // when replicas finish several samples at one instant (the window counts them right)
                assertEquals(1, sim.throughput() * plan.timePerSample(), 1e-3, gpus + " GPUs, " + space);
            }
        }
    }

    @Test
    void trainingRunsOneFOneBWithTheReplicasFlush() {
        ClusterProblem p = problem("bert24_training.json", 8);
        ClusterPlan plan = ParallelDp.solve(p, ParallelSpace.full(p.cluster()));
        SimulationResult sim = ClusterSimulation.simulate(p, plan);
        assertTrue(sim.options().schedule().training());
        assertTrue(sim.throughput() > 0);
        // the per-sample model ignores the pipeline's fill and drain at every flush: the simulation is slower
        assertTrue(sim.throughput() * plan.timePerSample() <= 1.001, "simulated " + sim.throughput());
        assertTrue(sim.throughput() * plan.timePerSample() > 0.3, "simulated " + sim.throughput());
    }
}
