package org.pipeplan.placement.ip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.pipeplan.bound.PackingBound;
import org.pipeplan.device.DeviceSet;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.io.PlacementJsonReader;
import org.pipeplan.placement.Objective;
import org.pipeplan.placement.PlacementOptions;
import org.pipeplan.placement.Plan;
import org.pipeplan.placement.evaluate.PlanEvaluation;
import org.pipeplan.planner.Deadline;
import org.pipeplan.planner.PlanStatus;
import org.pipeplan.testing.TestData;
import org.pipeplan.testing.TestGraphs;
import org.pipeplan.units.Contraction;
import org.pipeplan.units.ContractionOptions;
import org.pipeplan.units.UnitCosts;
import org.pipeplan.units.UnitGraph;

/**
 * The packing bound against exhaustive search: it never exceeds the optimum, and where every unit
 * is kept whole it reaches the optimum of the packing (the least max-compute of any assignment
 * within memory), up to the bisection's resolution.
 */
class PackingBoundTest {

    private static final double EPS = 1e-7;

    static IntStream seeds() {
        return IntStream.rangeClosed(1, 40);
    }

    private static PlacementProblem problem(int seed) {
        Random r = new Random(500 + seed);
        PlacementProblem p = seed % 2 == 0
                ? TestGraphs.random(r, 4 + r.nextInt(2), true, 2 + r.nextInt(2), r.nextInt(3), 6 + r.nextInt(20))
                : TestGraphs.random(r, 5 + r.nextInt(3), false, 2 + r.nextInt(2), r.nextInt(3), 4 + r.nextInt(12));
        return seed % 5 == 0 ? TestGraphs.heterogeneous(r, p, 1, 4 + r.nextInt(20)) : p;
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void neverAboveTheOptimumAndExactWhenEveryUnitIsWhole(int seed) {
        PlacementProblem p = problem(seed);
        // {least max-load of a feasible plan, least max-compute of a feasible plan}
        double[] best = {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY};
        IpBruteForceTest.forEachAssignment(p, (placement, e) -> {
            if (e.feasible()) {
                best[0] = Math.min(best[0], e.value(Objective.MAX_LOAD));
                best[1] = Math.min(best[1], e.loads().devices().stream().mapToDouble(d -> d.compute()).max()
                        .orElse(0));
            }
        });
        if (Double.isInfinite(best[0])) {
            return; // no feasible plan
        }
        UnitGraph units = Contraction.contract(p.graph(), ContractionOptions.nonContiguous(),
                NonContiguousIpSolver.smallestAcceleratorMemory(p));
        PackingBound packing = new PackingBound(p, units);
        long[] nodes = new long[1];
        assertTrue(packing.decide(best[0] * (1 + EPS), Long.MAX_VALUE, Deadline.none(), nodes)
                != PackingBound.Verdict.NO_PACKING, "the optimal plan " + best[0] + " packs");
        double bound = packing.lowerBound(0, 2 * best[0], Deadline.none()).bound();
        assertTrue(bound <= best[0] * (1 + EPS), bound + " above the optimum " + best[0]);
        double[] memory = units.memoryBytes();
        double[] time = UnitCosts.fastest(UnitCosts.onDevices(units, p.devices().all()), accelerators(p), true);
        boolean allWhole = IntStream.range(0, units.size())
                .allMatch(u -> memory[u] == 0 && (time[u] == 0 || !Double.isFinite(time[u]))
                        || IntStream.of(packing.wholeUnits(best[1])).anyMatch(w -> w == u));
        if (allWhole && seed % 5 != 0) {
            // the units' packing optimum is at least the classes' (units may be coarser), and the
            // bisection stops within its resolution of it
            assertTrue(bound >= Math.min(best[1], 2 * best[0]) * (1 - 2 * PackingBound.RESOLUTION),
                    bound + " far below the packing optimum " + best[1]);
        }
    }

    private static boolean[] accelerators(PlacementProblem p) {
        boolean[] acc = new boolean[p.devices().size()];
        p.devices().all().forEach(d -> acc[d.index()] = d.isAccelerator());
        return acc;
    }

    /**
     * Three whole units and a fluid of ten small ones on two accelerators: the best is 5 + 4 | 5 +
     * the fluid, 9, while the fractional bound is 14.1 / 2.
     */
    private static PlacementProblem partition() {
        TestGraphs t = new TestGraphs();
        double[] whole = {5, 5, 4};
        for (int i = 0; i < whole.length; i++) {
            t.node(i + 1, 10 * whole[i], whole[i]);
        }
        for (int i = 0; i < 10; i++) {
            t.node(whole.length + 1 + i, 1, 0.01);
        }
        return new PlacementProblem("partition", t.build(), DeviceSet.acceleratorsAndCpus(2, 1e9, 0));
    }

    @Test
    void keepsLargeUnitsWholeAndSharesTheFluid() {
        PlacementProblem p = partition();
        UnitGraph units = Contraction.contract(p.graph(), ContractionOptions.nonContiguous(), 1e9);
        PackingBound packing = new PackingBound(p, units);
        assertEquals(3, packing.wholeUnits(9).length, "the 0.01 units are fluid");
        double bound = packing.lowerBound(0, 20, Deadline.none()).bound();
        assertEquals(9, bound, 9 * 2 * PackingBound.RESOLUTION);
        assertTrue(bound <= 9);
    }

    @Test
    void memoryLimitsSeparateUnitsThatComputeWouldPair() {
        // 5 + 1 | 3 + 3 balances the compute, but the first two units do not fit one accelerator
        // together: the best is 5 | 1 + 3 + 3
        TestGraphs t = new TestGraphs();
        t.node(1, 100, 5, 6, false, null, true).node(2, 100, 1, 6, false, null, true)
                .node(3, 100, 3, 1, false, null, true).node(4, 100, 3, 1, false, null, true);
        PlacementProblem p = new PlacementProblem("memory", t.build(), DeviceSet.acceleratorsAndCpus(2, 10, 0));
        UnitGraph units = Contraction.contract(p.graph(), ContractionOptions.nonContiguous(), 10);
        double bound = new PackingBound(p, units).lowerBound(0, 20, Deadline.none()).bound();
        assertEquals(7, bound, 7 * 2 * PackingBound.RESOLUTION);
        assertTrue(bound <= 7);
    }

    @Test
    void provesTheWarmStartOptimalBeforeAnySearch() {
        PlacementProblem p = partition();
        Plan plan = new NonContiguousIpSolver().solve(p, PlacementOptions.defaults().withTimeLimit(30).withWorkers(2));
        assertEquals(PlanStatus.OPTIMAL, plan.status());
        assertEquals(9, plan.value(), 1e-9);
        assertEquals(plan.value(), PlanEvaluation.of(p, plan.placement()).value(Objective.MAX_LOAD), 1e-12);
        assertTrue(plan.stats().containsKey("packingBound"), plan.stats().toString());
    }

    @Test
    void boundsLayerGraphsGnmtInferenceWithinAPercent() throws Exception {
        PlacementProblem p = PlacementJsonReader.read(TestData.fixture("LayerGraphs/gnmt_inference.json"));
        UnitGraph units = Contraction.contract(p.graph(), ContractionOptions.nonContiguous(),
                NonContiguousIpSolver.smallestAcceleratorMemory(p));
        double best = 31.68731055; // the best plan known (ip), whose lower bounds stall near 31.3 by LP
        double bound = new PackingBound(p, units).lowerBound(30, best, Deadline.none()).bound();
        assertTrue(bound <= best && bound >= best * 0.99, "bound " + bound);
    }
}
