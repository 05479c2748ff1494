package org.pipeplan.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.pipeplan.device.DeviceKind;
import org.pipeplan.device.DeviceSet;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.io.PlacementJsonReader;
import org.pipeplan.placement.baseline.GreedyLatencySolver;
import org.pipeplan.placement.evaluate.LatencyEvaluator;
import org.pipeplan.placement.format.PlanFileReader;
import org.pipeplan.testing.TestData;

/** The latency references of EXPECTED.md: the greedy baseline and the expert splits. */
class SharedLatencyTest {

    private static PlacementProblem load(String name) {
        Path file = TestData.sharedPlacementJson().resolve("latency/" + name + ".json");
        Assumptions.assumeTrue(Files.isRegularFile(file), "missing " + file);
        return PlacementJsonReader.read(file);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "LayerGraphs/bert24_inference, 100.2185, 111.93725",
        "LayerGraphs/gnmt_inference, 268.5005, 293.40284375",
        "LayerGraphs/inceptionv3_inference, 2485.24, 865.519",
        "LayerGraphs/resnet50_inference, 4197.06, 1014.93",
        "OperatorGraphs/bert_l-3_inference, 416.204, NaN",
        "OperatorGraphs/bert_l-6_inference, 494.135, NaN",
        "OperatorGraphs/bert_l-12_inference, 867.839, NaN",
        "OperatorGraphs/resnet50_inference, 839.536, NaN"})
    void greedyAndExpertLatenciesMatchTheReference(String name, double greedy, double expert) {
        PlacementProblem p = load(name);
        Plan plan = new GreedyLatencySolver().solve(p, PlacementOptions.defaults());
        assertEquals(greedy, plan.value(), 5e-6 * greedy, "greedy latency");
        assertTrue(plan.lowerBound() <= plan.value());
        if (!Double.isNaN(expert)) {
            Path split = TestData.sharedPlacementJson().resolve("human-experts/"
                    + name.substring(name.indexOf('/') + 1) + "_expert.json");
            // the expert splits use 6 accelerators whatever k is: the latency model does not count them
            PlacementProblem wide = p.withDevices(DeviceSet.acceleratorsAndCpus(6,
                    p.devices().get(0).memoryLimit(), p.devices().count(DeviceKind.CPU)));
            double latency = LatencyEvaluator.evaluate(wide, PlanFileReader.read(split, wide)).latency();
            assertEquals(expert, latency, 5e-6 * expert, "expert split latency");
        }
    }
}
