package org.pipeplan.placement.ip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.pipeplan.bound.FrontierDp;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.placement.Objective;
import org.pipeplan.placement.Placement;
import org.pipeplan.placement.evaluate.PlanEvaluation;
import org.pipeplan.planner.Deadline;
import org.pipeplan.testing.TestGraphs;
import org.pipeplan.units.Contraction;
import org.pipeplan.units.ContractionOptions;
import org.pipeplan.units.UnitGraph;

/**
 * The frontier program against exhaustive search on small random graphs: without merging it
 * decides exactly whether a plan within the target exists once memory limits are set aside; with
 * merging it never claims a bound above the true optimum.
 */
class FrontierDpTest {

    private static final double EPS = 1e-7;

    static IntStream seeds() {
        return IntStream.rangeClosed(1, 40);
    }

    private static PlacementProblem problem(int seed) {
        Random r = new Random(77 + seed);
        boolean training = seed % 2 == 0;
        return training
                ? TestGraphs.random(r, 4 + r.nextInt(2), true, 2 + r.nextInt(2), r.nextInt(3), 6 + r.nextInt(20))
                : TestGraphs.random(r, 5 + r.nextInt(3), false, 2 + r.nextInt(2), r.nextInt(3), 4 + r.nextInt(12));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void decidesExactlyWithoutMergingAndSoundlyWithIt(int seed) {
        PlacementProblem p = problem(seed);
        double[] best = bruteForce(p); // {any memory, within memory limits}
        if (Double.isInfinite(best[0])) {
            return; // some node runs nowhere
        }
        UnitGraph units = Contraction.contract(p.graph(), ContractionOptions.nonContiguous(),
                NonContiguousIpSolver.smallestAcceleratorMemory(p));
        FrontierDp dp = new FrontierDp(p, units);
        Deadline none = Deadline.none();
        assertEquals(FrontierDp.Verdict.NO_PLAN, dp.decide(best[0] * (1 - EPS), 0, Long.MAX_VALUE, none).verdict(),
                "no plan below the optimum without memory limits " + best[0]);
        if (Double.isFinite(best[1])) {
            for (double merge : new double[] {0, 0.05 * best[1], 0.5 * best[1]}) {
                assertNotEquals(FrontierDp.Verdict.NO_PLAN,
                        dp.decide(best[1] * (1 + EPS), merge, Long.MAX_VALUE, none).verdict(),
                        "the optimal plan " + best[1] + " survives, merge " + merge);
            }
            double bound = dp.lowerBound(0, best[1], none);
            assertTrue(bound <= best[1] * (1 + EPS), bound + " above the optimum " + best[1]);
        }
        if (best[0] == best[1]) {
            // memory does not bind: the program's optimum is the true one, and the solver's use of
            // it proves the optimal plan optimal
            assertEquals(best[1] * (1 - 1e-7), dp.lowerBound(0, best[1], none), best[1] * 1e-9);
            Map<String, Number> stats = new HashMap<>();
            assertEquals(best[1] * (1 - 1e-7),
                    NonContiguousIpSolver.frontierBound(p, units, 0, best[1], none, stats), best[1] * 1e-9);
            assertEquals(best[1] * (1 - 1e-7), stats.get("frontierBound").doubleValue(), best[1] * 1e-9);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void chargesWhatTheEvaluatorCharges(int seed) {
        PlacementProblem p = problem(seed);
        UnitGraph units = Contraction.contract(p.graph(), ContractionOptions.nonContiguous(),
                NonContiguousIpSolver.smallestAcceleratorMemory(p));
        FrontierDp dp = new FrontierDp(p, units);
        Random r = new Random(seed);
        for (int trial = 0; trial < 20; trial++) {
            int[] deviceOfUnit = new int[units.size()];
            int[] deviceOf = new int[p.graph().size()];
            for (int u = 0; u < units.size(); u++) {
                deviceOfUnit[u] = r.nextInt(p.devices().size());
                for (int v : units.members(u)) {
                    deviceOf[v] = deviceOfUnit[u];
                }
            }
            PlanEvaluation e = PlanEvaluation.of(p, new Placement(deviceOf, p.devices().size()));
            boolean unitFits = true;
            for (int u = 0; u < units.size(); u++) {
                unitFits &= units.memoryBytes()[u] <= p.devices().get(deviceOfUnit[u]).memoryLimit();
            }
            if (!unitFits || !e.violations().stream().allMatch(v -> v.contains("over its limit"))) {
                continue; // a unit where it cannot run or alone does not fit: the program never goes there
            }
            double[] loads = dp.loads(deviceOfUnit);
            for (int d = 0; d < loads.length; d++) {
                assertEquals(e.loads().devices().get(d).load(), loads[d], 1e-9, "device " + d);
            }
        }
    }

    /** Least max-load over all assignments of colocation classes: ignoring memory, and feasible. */
    private static double[] bruteForce(PlacementProblem p) {
        double[] best = {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY};
        IpBruteForceTest.forEachAssignment(p, (placement, e) -> {
            if (e.violations().stream().allMatch(v -> v.contains("over its limit"))) {
                best[0] = Math.min(best[0], e.value(Objective.MAX_LOAD));
            }
            if (e.feasible()) {
                best[1] = Math.min(best[1], e.value(Objective.MAX_LOAD));
            }
        });
        return best;
    }
}
