package org.pipeplan.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.io.PlacementJsonReader;
import org.pipeplan.placement.baseline.LocalSearchSolver;
import org.pipeplan.placement.baseline.SingleAcceleratorSolver;
import org.pipeplan.placement.evaluate.Evaluation;
import org.pipeplan.placement.evaluate.MaxLoadEvaluator;
import org.pipeplan.placement.format.PlanFileReader;
import org.pipeplan.placement.ideal.ExactDpSolver;
import org.pipeplan.placement.ideal.PipeDreamSolver;
import org.pipeplan.planner.PlanStatus;
import org.pipeplan.testing.TestData;

/**
 * The reference values of ../shared/datasets/placement-json/EXPECTED.md (skipped when the shared
 * folder is absent): optima, ideal counts, and the baselines.
 */
class SharedInstancesTest {

    /** instance, nodes, optimum, ideals, pipedream, one accelerator (6 digits), expert, local search (6 digits). */
    static Stream<Arguments> instances() {
        return Stream.of(
                Arguments.of("LayerGraphs/bert24_inference", 32, 17.78990625, 30, 17.78990625, 92.406, 20.083953125, 17.7776),
                Arguments.of("LayerGraphs/bert24_training", 64, 41.7458125, 30, 187.9138125, 217.813, 49.40490625, 39.9432),
                Arguments.of("LayerGraphs/gnmt_inference", 96, 32.910658203125, 17914, 33.031146484375, 182.563,
                        46.208451171875, 31.7827),
                Arguments.of("LayerGraphs/gnmt_training", 192, 107.0044140625, 17914, 294.90462109375, 520.453,
                        137.15390234375, 90.9476),
                Arguments.of("LayerGraphs/resnet50_inference", 177, 33.774666015625, 242, 39.398109375, 201.45,
                        43.9182578125, 35.8893),
                Arguments.of("LayerGraphs/resnet50_training", 354, 78.6318125, 242, 83.67440625, 462.381, 112.107515625, 81.6046),
                Arguments.of("OperatorGraphs/bert_l-3_inference", 235, 27.9185676799125, 1428, 37.45572978205479, 49.3526,
                        Double.NaN, 27.5741),
                Arguments.of("OperatorGraphs/bert_l-3_training", 600, 65.30314912208605, 2774, 122.98719710771456, 122.987,
                        Double.NaN, 68.0629),
                Arguments.of("OperatorGraphs/bert_l-6_inference", 418, 29.57950580645155, 1923, 65.56466979260807, 77.4615,
                        Double.NaN, 39.9903),
                Arguments.of("OperatorGraphs/bert_l-6_training", 1071, 72.86496632241122, 3776, 192.9167538842274, 192.917,
                        Double.NaN, 98.881),
                Arguments.of("OperatorGraphs/bert_l-12_inference", 783, 147.47798444934838, 2906, 642.7799619587312, 642.78,
                        Double.NaN, Double.NaN),
                Arguments.of("OperatorGraphs/bert_L-12_training", 2012, 437.9976378578455, 2938, 43510.01468000595, 1891.74,
                        Double.NaN, Double.NaN),
                Arguments.of("OperatorGraphs/resnet50_inference", 604, 124.34884977404485, 241, 129.15516598237818, 325.132,
                        Double.NaN, 228.526),
                Arguments.of("OperatorGraphs/resnet50_training", 1243, 255.19441645217384, 258, 684.8905557649911, 684.891,
                        Double.NaN, 496.832),
                // open in the reference (its DP did not finish); our optima, kept as regression values
                Arguments.of("LayerGraphs/inceptionv3_inference", 326, 51.55186358642578, 36596, 60.41703155517578, 310.969,
                        102.48207604980469, 54.0398),
                Arguments.of("LayerGraphs/inceptionv3_training", 652, 122.76161621093749, 36596, 128.3174543457031, 710.738,
                        213.65415209960935, 122.679));
    }

    private static PlacementProblem load(String name) {
        Path file = TestData.sharedPlacementJson().resolve(name + ".json");
        Assumptions.assumeTrue(Files.isRegularFile(file), "missing " + file);
        return PlacementJsonReader.read(file);
    }

    private static void assertRelative(double expected, double actual, double tolerance, String what) {
        assertEquals(expected, actual, tolerance * Math.abs(expected), what);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("instances")
    void exactDpReproducesTheOptimumAndIdealCount(String name, int nodes, double optimum, int ideals) {
        PlacementProblem p = load(name);
        assertEquals(nodes, p.graph().size());
        Plan plan = new ExactDpSolver().solve(p, PlacementOptions.defaults());
        assertEquals(PlanStatus.OPTIMAL, plan.status());
        assertRelative(optimum, plan.value(), 1e-9, "optimum");
        assertEquals(ideals, plan.stats().get("ideals").intValue(), "ideals after contraction");
        Evaluation e = MaxLoadEvaluator.evaluate(p, plan.placement());
        assertRelative(plan.value(), e.maxLoad(), 1e-12, "the evaluator agrees with the DP");
        assertTrue(e.feasible());
        assertTrue(e.contiguity().contiguous());
        assertEquals(plan.pipelineOrder().size(), e.contiguity().pipelineOrder().size());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("instances")
    void baselinesMatchTheReferenceColumns(String name, int nodes, double optimum, int ideals, double pipedream,
                                           double single, double expert) {
        PlacementProblem p = load(name);
        PlacementOptions options = PlacementOptions.defaults();

        Plan pd = new PipeDreamSolver().solve(p, options);
        double pdValue = MaxLoadEvaluator.evaluate(p, pd.placement()).maxLoad();
        // the reference linearisation follows a hash-map order: within 2%
        assertRelative(pipedream, pdValue, 0.02, "PipeDream baseline");
        assertTrue(pdValue >= optimum * (1 - 1e-12), "a contiguous baseline cannot beat the optimum");

        Plan one = new SingleAcceleratorSolver().solve(p, options);
        assertRelative(single, one.value(), 5e-6, "single accelerator (6 significant digits)");

        if (!Double.isNaN(expert)) {
            Path split = TestData.sharedPlacementJson().resolve("human-experts/"
                    + name.substring(name.indexOf('/') + 1).replace("_training", "_inference") + "_expert.json");
            Evaluation e = MaxLoadEvaluator.evaluate(p, PlanFileReader.read(split, p));
            assertRelative(expert, e.maxLoad(), 1e-9, "expert split");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("instances")
    void localSearchReachesTheReferenceQuality(String name, int nodes, double optimum, int ideals, double pipedream,
                                               double single, double expert, double localSearch) {
        Assumptions.assumeFalse(Double.isNaN(localSearch), "no reference value");
        PlacementProblem p = load(name);
        Plan plan = new LocalSearchSolver().solve(p, PlacementOptions.defaults());
        Evaluation e = MaxLoadEvaluator.evaluate(p, plan.placement());
        assertRelative(plan.value(), e.maxLoad(), 1e-12, "evaluator agreement");
        // randomised: compare quality, with 5% slack for a different random sequence
        assertTrue(e.maxLoad() <= localSearch * 1.05, "local search " + e.maxLoad() + " vs reference " + localSearch);
        assertTrue(plan.lowerBound() <= e.maxLoad());
    }
}
