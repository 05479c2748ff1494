package org.pipeplan.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.pipeplan.device.DeviceSet;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.io.PlacementJsonReader;
import org.pipeplan.placement.evaluate.Evaluation;
import org.pipeplan.placement.evaluate.MaxLoadEvaluator;
import org.pipeplan.placement.evaluate.PlanEvaluation;
import org.pipeplan.planner.PlanStatus;
import org.pipeplan.testing.TestData;

/** Behaviour every solver owes its users, on the in-repository fixtures (always run). */
class SolverBehaviourTest {

    private static PlacementProblem fixture(String name) {
        return PlacementJsonReader.read(TestData.fixture("LayerGraphs/" + name + ".json"));
    }

    @Test
    void everyRegisteredSolverReturnsAPlanTheEvaluatorConfirms() {
        assertEquals(List.of("dp", "linear", "pipedream", "single", "local-search", "greedy-latency"), PlacementSolvers.names());
        for (String name : List.of("bert24_inference", "bert24_training", "resnet50_inference")) {
            PlacementProblem p = fixture(name);
            for (PlacementSolver solver : PlacementSolvers.all().values()) {
                Plan plan = solver.solve(p, PlacementOptions.defaults());
                double evaluated = PlanEvaluation.of(p, plan.placement()).value(plan.objective());
                assertEquals(plan.value(), evaluated, 1e-9 * plan.value(), solver.name() + " on " + name);
                assertTrue(plan.lowerBound() <= plan.value() * (1 + 1e-12), solver.name());
                assertEquals(solver.name(), plan.solver());
            }
        }
    }

    @Test
    void localSearchSpreadsOverCpuCoresWhenThereAreNoAccelerators() {
        // CPU cores only: the units move among the cores (the reference would leave all on one)
        for (String name : List.of("bert24_inference", "resnet50_inference")) {
            PlacementProblem p = fixture(name).withDevices(DeviceSet.acceleratorsAndCpus(0, 0, 2));
            Plan plan = PlacementSolvers.byName("local-search").solve(p, PlacementOptions.defaults());
            Evaluation e = MaxLoadEvaluator.evaluate(p, plan.placement());
            assertTrue(((Number) plan.stats().get("moves")).longValue() > 0, name);
            double total = 0;
            for (int d = 0; d < p.devices().size(); d++) {
                total += e.devices().get(d).compute();
            }
            // both cores work: no more than 60% of the compute on one of them
            assertTrue(e.maxLoad() < 0.6 * total, name + ": " + e.maxLoad() + " of " + total);
            assertEquals(plan.value(), e.maxLoad(), 1e-9 * e.maxLoad());
        }
    }

    @Test
    void exactDpOnTheFixtures() {
        assertEquals(17.78990625, new org.pipeplan.placement.ideal.ExactDpSolver()
                .solve(fixture("bert24_inference"), PlacementOptions.defaults()).value(), 1e-12);
        assertEquals(41.7458125, PlacementSolvers.byName("dp").solve(fixture("bert24_training"), PlacementOptions.defaults())
                .value(), 1e-12);
        assertEquals(33.774666015625, PlacementSolvers.byName("dp").solve(fixture("resnet50_inference"), PlacementOptions.defaults())
                .value(), 1e-12);
    }

    @Test
    void resultsAreDeterministicWhateverTheThreadCount() {
        PlacementProblem p = fixture("resnet50_inference");
        for (String name : PlacementSolvers.names()) {
            Plan a = PlacementSolvers.byName(name).solve(p, PlacementOptions.defaults().withWorkers(1).withSeed(7));
            Plan b = PlacementSolvers.byName(name).solve(p, PlacementOptions.defaults().withWorkers(2).withSeed(7));
            assertEquals(a.placement(), b.placement(), name);
            assertEquals(a.value(), b.value(), name);
        }
    }

    @Test
    void tooManyIdealsFallsBackToALabelledHeuristicWithABound() {
        PlacementProblem p = fixture("resnet50_inference");
        Plan plan = PlacementSolvers.byName("dp").solve(p, PlacementOptions.defaults().withMaxIdeals(10));
        assertEquals(PlanStatus.FEASIBLE, plan.status());
        assertTrue(plan.note().contains("more than 10 ideals"), plan.note());
        assertTrue(plan.note().contains("NOT proven"), plan.note());
        assertTrue(plan.lowerBound() > 0 && plan.lowerBound() <= plan.value());
        assertTrue(plan.gap() > 0);
        Evaluation e = MaxLoadEvaluator.evaluate(p, plan.placement());
        assertTrue(e.feasible() && e.contiguity().contiguous());
        assertEquals(plan.value(), e.maxLoad(), 1e-9 * e.maxLoad());
    }

    @Test
    void anExactDpForecastNotToFinishIsSkippedForASplitOnBlocks() {
        // a generated graph of 74,524 ideals whose DP scores about 280 million pairs: never within 1 s
        PlacementProblem p = org.pipeplan.generate.SyntheticProblems.generate(1, 700, 4, org.pipeplan.generate.BlockMix.RICH);
        Plan plan = PlacementSolvers.byName("dp").solve(p, PlacementOptions.defaults().withTimeLimit(1));
        assertEquals(PlanStatus.FEASIBLE, plan.status());
        assertTrue(plan.note().contains("ideals forecast at"), plan.note());
        assertTrue(plan.stats().containsKey("forecastSeconds") && plan.stats().containsKey("coarseUnits"), plan.stats().toString());
        assertTrue(plan.value() <= ((Number) plan.stats().get("chainMaxLoad")).doubleValue(), "never worse than the chain's split");
        assertTrue(plan.lowerBound() > 0 && plan.lowerBound() <= plan.value());
        Evaluation e = MaxLoadEvaluator.evaluate(p, plan.placement());
        assertTrue(e.feasible() && e.contiguity().contiguous());
        assertEquals(plan.value(), e.maxLoad(), 1e-9 * e.maxLoad());
    }

    @Test
    void anExpiredTimeLimitStillReturnsAValidPlan() {
        PlacementProblem p = fixture("bert24_training");
        for (String name : PlacementSolvers.names()) {
            Plan plan = PlacementSolvers.byName(name).solve(p, PlacementOptions.defaults().withTimeLimit(1e-9));
            double evaluated = PlanEvaluation.of(p, plan.placement()).value(plan.objective());
            assertEquals(plan.value(), evaluated, 1e-9 * evaluated, name);
            assertTrue(plan.lowerBound() <= plan.value(), name);
        }
    }

    @Test
    void withoutAcceleratorsEverythingGoesToCpus() {
        PlacementProblem p = fixture("bert24_inference");
        p = p.withDevices(DeviceSet.acceleratorsAndCpus(0, 0, 2));
        Plan plan = PlacementSolvers.byName("dp").solve(p, PlacementOptions.defaults());
        assertEquals(PlanStatus.OPTIMAL, plan.status());
        Evaluation e = MaxLoadEvaluator.evaluate(p, plan.placement());
        assertEquals(plan.value(), e.maxLoad(), 1e-9 * e.maxLoad());
        assertTrue(e.devices().stream().allMatch(d -> d.communication() == 0));
    }

    @Test
    void memoryTooSmallForAnyContiguousSplitIsInfeasible() {
        PlacementProblem p = fixture("bert24_inference").withDevices(DeviceSet.acceleratorsAndCpus(2, 1, 0));
        Plan plan = PlacementSolvers.byName("dp").solve(p, PlacementOptions.defaults());
        assertEquals(PlanStatus.INFEASIBLE, plan.status());
        assertTrue(!MaxLoadEvaluator.evaluate(p, plan.placement()).feasible());
    }

    @Test
    void memoryLimitsAreRespected() {
        PlacementProblem p = fixture("bert24_inference");
        double total = p.graph().operators().stream().mapToDouble(o -> o.memoryBytes()).sum();
        PlacementProblem tight = p.withDevices(DeviceSet.acceleratorsAndCpus(6, total / 4, 1));
        Plan plan = PlacementSolvers.byName("dp").solve(tight, PlacementOptions.defaults());
        assertEquals(PlanStatus.OPTIMAL, plan.status());
        Evaluation e = MaxLoadEvaluator.evaluate(tight, plan.placement());
        assertTrue(e.feasible(), e.violations().toString());
        assertTrue(plan.value() >= 17.78990625 - 1e-9);
    }

    @Test
    void unknownSolverNamesListTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PlacementSolvers.byName("magic"));
        assertEquals("unknown solver 'magic'; known solvers: dp, linear, pipedream, single, local-search, greedy-latency",
                e.getMessage());
    }
}
