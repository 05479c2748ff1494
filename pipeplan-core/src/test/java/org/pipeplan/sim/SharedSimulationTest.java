package org.pipeplan.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.io.PlacementJsonReader;
import org.pipeplan.placement.PlacementOptions;
import org.pipeplan.placement.Plan;
import org.pipeplan.placement.ideal.ExactDpSolver;
import org.pipeplan.testing.TestData;

/** The simulator on the real profiled graphs and their optimal contiguous plans. */
class SharedSimulationTest {

    private static PlacementProblem load(String name) {
        Path file = TestData.sharedPlacementJson().resolve(name + ".json");
        Assumptions.assumeTrue(Files.isRegularFile(file), "missing " + file);
        return PlacementJsonReader.read(file);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"LayerGraphs/resnet50_inference", "LayerGraphs/gnmt_inference", "OperatorGraphs/bert_l-3_inference",
        "OperatorGraphs/resnet50_inference", "OperatorGraphs/bert_l-12_inference"})
    void streamingAContiguousPlanRunsAtTheModelsThroughput(String name) {
        PlacementProblem p = load(name);
        Plan plan = new ExactDpSolver().solve(p, PlacementOptions.defaults());
        SimulationResult r = PipelineSimulator.simulate(p, plan.placement(), SimulationOptions.defaults(Schedule.STREAMING));
        assertEquals(1.0, r.agreement(), 1e-3, name);
        // the model's assumptions (no overlap) are what keeps it exact: overlap only helps
        SimulationResult overlapped = PipelineSimulator.simulate(p, plan.placement(),
                SimulationOptions.defaults(Schedule.STREAMING).withOverlapTransfers(true));
        assertTrue(overlapped.throughput() >= r.throughput() * (1 - 1e-3), name);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"LayerGraphs/resnet50_training", "OperatorGraphs/bert_l-3_training"})
    void trainingPipelinesLoseTheirBubbleToTheModel(String name) {
        PlacementProblem p = load(name);
        Plan plan = new ExactDpSolver().solve(p, PlacementOptions.defaults());
        double previous = 0;
        for (int micro : new int[] {4, 16, 64}) {
            SimulationResult r = PipelineSimulator.simulate(p, plan.placement(),
                    SimulationOptions.defaults(Schedule.GPIPE).withMicroBatches(micro).withMiniBatches(2));
            assertTrue(r.agreement() < 1 + 1e-9, name + " m=" + micro);
            assertTrue(r.throughput() > previous, "more micro-batches shrink the bubble: " + name + " m=" + micro);
            previous = r.throughput();
        }
    }

    @org.junit.jupiter.api.Test
    void oneFOneBKeepsGpipesSpeedWithAFractionOfItsStash() {
        PlacementProblem p = load("OperatorGraphs/bert_l-3_training");
        Plan plan = new ExactDpSolver().solve(p, PlacementOptions.defaults());
        SimulationOptions options = SimulationOptions.defaults(Schedule.GPIPE).withMicroBatches(32).withMiniBatches(2);
        SimulationResult gpipe = PipelineSimulator.simulate(p, plan.placement(), options);
        SimulationResult oneF = PipelineSimulator.simulate(p, plan.placement(), options.withSchedule(Schedule.ONE_F_ONE_B));
        assertEquals(gpipe.throughput(), oneF.throughput(), 0.01 * gpipe.throughput());
        for (int d = 0; d < 3; d++) {
            // at most p - i micro-batches in flight instead of all 32
            assertTrue(oneF.devices().get(d).peakStashed() * 4 < gpipe.devices().get(d).peakStashed(), "device " + d);
        }
    }
}
