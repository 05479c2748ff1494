package org.pipeplan.placement.ideal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.placement.PlacementOptions;
import org.pipeplan.placement.Plan;
import org.pipeplan.placement.evaluate.Evaluation;
import org.pipeplan.placement.evaluate.MaxLoadEvaluator;
import org.pipeplan.planner.PlanStatus;
import org.pipeplan.testing.Assignments;
import org.pipeplan.testing.TestGraphs;

/**
 * The exact DP against exhaustive search: every assignment of colocation classes to devices is
 * evaluated by the independent evaluator, and the best feasible contiguous one must match.
 */
class ExactDpBruteForceTest {

    private static final double TOLERANCE = 1e-9;

    static IntStream inferenceSeeds() {
        return IntStream.rangeClosed(1, 60);
    }

    static IntStream trainingSeeds() {
        return IntStream.rangeClosed(101, 140);
    }

    @ParameterizedTest(name = "inference seed {0}")
    @MethodSource("inferenceSeeds")
    void matchesBruteForceOnInferenceGraphs(int seed) {
        Random r = new Random(seed);
        PlacementProblem p = TestGraphs.random(r, 6 + r.nextInt(2), false, 2 + r.nextInt(2), r.nextInt(2),
                4 + r.nextInt(12));
        check(p);
    }

    @ParameterizedTest(name = "training seed {0}")
    @MethodSource("trainingSeeds")
    void matchesBruteForceOnTrainingGraphs(int seed) {
        Random r = new Random(seed);
        PlacementProblem p = TestGraphs.random(r, 5 + r.nextInt(2), true, 2 + r.nextInt(2), r.nextInt(2),
                6 + r.nextInt(20));
        check(p);
    }

    static IntStream heterogeneousSeeds() {
        return IntStream.rangeClosed(201, 240);
    }

    @ParameterizedTest(name = "heterogeneous seed {0}")
    @MethodSource("heterogeneousSeeds")
    void matchesBruteForceOnHeterogeneousDevices(int seed) {
        Random r = new Random(seed);
        boolean training = r.nextBoolean();
        PlacementProblem base = TestGraphs.random(r, training ? 5 : 6, training, 1 + r.nextInt(2), r.nextInt(2),
                6 + r.nextInt(14));
        check(TestGraphs.heterogeneous(r, base, 1, 4 + r.nextInt(14)));
    }

    private static void check(PlacementProblem p) {
        double best = bruteForce(p);
        Plan plan = new ExactDpSolver().solve(p, PlacementOptions.defaults());
        Evaluation evaluation = MaxLoadEvaluator.evaluate(p, plan.placement());
        if (Double.isInfinite(best)) {
            assertEquals(PlanStatus.INFEASIBLE, plan.status(), "no feasible contiguous split exists");
            return;
        }
        assertEquals(PlanStatus.OPTIMAL, plan.status(), plan.note());
        assertEquals(best, plan.value(), TOLERANCE * Math.max(1, best), "DP optimum vs brute force");
        assertEquals(plan.value(), evaluation.maxLoad(), TOLERANCE * Math.max(1, best), "evaluator agrees");
        assertTrue(evaluation.feasible(), evaluation.violations().toString());
        assertTrue(evaluation.contiguity().contiguous());
        assertEquals(plan.value(), plan.lowerBound(), 0.0);
    }

    /** Least max-load over all feasible contiguous assignments of colocation classes to devices. */
    static double bruteForce(PlacementProblem p) {
        double[] best = {Double.POSITIVE_INFINITY};
        Assignments.forEach(p, placement -> {
            Evaluation e = MaxLoadEvaluator.evaluate(p, placement);
            if (e.feasible() && e.contiguity().contiguous()) {
                best[0] = Math.min(best[0], e.maxLoad());
            }
        });
        return best[0];
    }
}
