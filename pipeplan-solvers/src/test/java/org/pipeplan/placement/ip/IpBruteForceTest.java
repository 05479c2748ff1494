package org.pipeplan.placement.ip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.pipeplan.device.Device;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.placement.Objective;
import org.pipeplan.placement.Placement;
import org.pipeplan.placement.PlacementOptions;
import org.pipeplan.placement.Plan;
import org.pipeplan.placement.evaluate.LatencyEvaluator;
import org.pipeplan.placement.evaluate.PlanEvaluation;
import org.pipeplan.planner.PlanStatus;
import org.pipeplan.testing.Assignments;
import org.pipeplan.testing.TestGraphs;

/**
 * The integer programs against exhaustive search on small random graphs: each must prove the
 * optimum of its plan space, and the evaluator must agree with it.
 */
class IpBruteForceTest {

    /** The integer model rounds times down to 2^-30 of the largest load. */
    private static final double TOLERANCE = 1e-6;

    private static final PlacementOptions OPTIONS = PlacementOptions.defaults().withTimeLimit(60).withWorkers(2);

    static IntStream seeds() {
        return IntStream.rangeClosed(1, 12);
    }

    private static PlacementProblem inference(int seed) {
        Random r = new Random(seed);
        return TestGraphs.random(r, 5 + r.nextInt(2), false, 2 + r.nextInt(2), r.nextInt(2), 4 + r.nextInt(12));
    }

    private static PlacementProblem training(int seed) {
        Random r = new Random(1000 + seed);
        return TestGraphs.random(r, 4 + r.nextInt(2), true, 2, r.nextInt(2), 6 + r.nextInt(20));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void nonContiguousIpFindsTheBestSplitOfAll(int seed) {
        for (PlacementProblem p : new PlacementProblem[] {inference(seed), training(seed)}) {
            double best = bruteForce(p, Objective.MAX_LOAD, e -> true);
            check(p, new NonContiguousIpSolver().solve(p, OPTIONS), best);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void nonContiguousIpMinimisesForwardPlusBackward(int seed) {
        PlacementProblem p = training(seed);
        double best = bruteForce(p, Objective.MAX_FORWARD_PLUS_MAX_BACKWARD, e -> true);
        check(p, new NonContiguousIpSolver().solve(p, OPTIONS.withObjective(Objective.MAX_FORWARD_PLUS_MAX_BACKWARD)),
                best);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void contiguousIpFindsTheBestPipeline(int seed) {
        for (PlacementProblem p : new PlacementProblem[] {inference(seed), training(seed)}) {
            double best = bruteForce(p, Objective.MAX_LOAD, e -> e.loads().contiguity().contiguous());
            Plan plan = new ContiguousIpSolver().solve(p, OPTIONS);
            check(p, plan, best);
            if (plan.status() == PlanStatus.OPTIMAL) {
                assertTrue(PlanEvaluation.of(p, plan.placement()).loads().contiguity().contiguous());
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void latencyIpFindsTheFastestSplitWithOneConvexSubgraphPerAccelerator(int seed) {
        PlacementProblem p = inference(seed);
        double best = bruteForce(p, Objective.LATENCY, e -> e.latency().pieces() <= acceleratorsUsed(p, e));
        check(p, new LatencyIpSolver().solve(p, OPTIONS.withObjective(Objective.LATENCY)), best);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void moreSubgraphsPerAcceleratorNeverHurt(int seed) {
        PlacementProblem p = inference(seed);
        PlacementOptions latency = OPTIONS.withObjective(Objective.LATENCY);
        Plan one = new LatencyIpSolver().solve(p, latency);
        Plan two = new LatencyIpSolver().solve(p, latency.withSubgraphs(2));
        assertTrue(two.value() <= one.value() * (1 + TOLERANCE), two.value() + " vs " + one.value());
        assertEquals(two.value(), LatencyEvaluator.evaluate(p, two.placement()).latency(), TOLERANCE * two.value());
    }

    /** Accelerators holding nodes: with one convex piece each, pieces == that count. */
    private static int acceleratorsUsed(PlacementProblem p, PlanEvaluation e) {
        return (int) e.loads().devices().stream().filter(d -> d.device().isAccelerator() && d.nodes() > 0).count();
    }

    private static void check(PlacementProblem p, Plan plan, double best) {
        if (Double.isInfinite(best)) {
            assertEquals(PlanStatus.INFEASIBLE, plan.status());
            return;
        }
        assertEquals(PlanStatus.OPTIMAL, plan.status(), plan.note());
        assertEquals(best, plan.value(), TOLERANCE * best, plan.solver() + " optimum vs brute force");
        PlanEvaluation e = PlanEvaluation.of(p, plan.placement());
        assertTrue(e.feasible(), e.violations().toString());
        assertEquals(plan.value(), e.value(plan.objective()), 1e-12 * best, "evaluator agrees");
        assertTrue(plan.lowerBound() <= plan.value() && plan.lowerBound() >= plan.value() * (1 - TOLERANCE));
    }

    /** Least value over all feasible assignments of colocation classes accepted by the filter. */
    static double bruteForce(PlacementProblem p, Objective objective, Predicate<PlanEvaluation> accept) {
        double[] best = {Double.POSITIVE_INFINITY};
        forEachAssignment(p, (placement, e) -> {
            boolean canonicalHosts = true;
            for (int v = 0; v < p.graph().size(); v++) {
                Device d = p.devices().get(placement.deviceOf(v));
                // latency pools the CPU cores: one of them is enough
                canonicalHosts &= objective != Objective.LATENCY || d.isAccelerator()
                        || d == p.devices().all().stream().filter(x -> !x.isAccelerator()).findFirst().get();
            }
            if (canonicalHosts && e.feasible() && accept.test(e)) {
                best[0] = Math.min(best[0], e.value(objective));
            }
        });
        return best[0];
    }

    /** Every assignment of the colocation classes to devices, with its evaluation. */
    static void forEachAssignment(PlacementProblem p, BiConsumer<Placement, PlanEvaluation> visit) {
        Assignments.forEach(p, placement -> visit.accept(placement, PlanEvaluation.of(p, placement)));
    }
}
