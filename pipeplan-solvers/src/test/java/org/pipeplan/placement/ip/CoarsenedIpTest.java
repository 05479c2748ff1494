package org.pipeplan.placement.ip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.pipeplan.generate.SyntheticProblems;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.placement.Objective;
import org.pipeplan.placement.PlacementOptions;
import org.pipeplan.placement.Plan;
import org.pipeplan.placement.baseline.GreedyLatencySolver;
import org.pipeplan.placement.evaluate.PlanEvaluation;

/** The integer programs on graphs coarsened into blocks: sound plans, never worse than their warm start. */
class CoarsenedIpTest {

    @Test
    void coarsenedProgramsReturnSoundPlans() {
        PlacementProblem p = SyntheticProblems.generate(4, 1500, 4);
        PlacementOptions o = PlacementOptions.defaults().withWorkers(2).withTimeLimit(8).withCoarsenAbove(200);
        Plan latency = new LatencyIpSolver().solve(p, o.withObjective(Objective.LATENCY));
        assertTrue(latency.stats().get("coarseUnits").intValue() <= 200, latency.stats().toString());
        PlanEvaluation e = PlanEvaluation.of(p, latency.placement());
        assertTrue(e.feasibleFor(Objective.LATENCY), e.violations().toString());
        assertEquals(e.latency().latency(), latency.value(), 1e-9 * latency.value());
        double greedy = PlanEvaluation.of(p, new GreedyLatencySolver().solve(p, o.withObjective(Objective.LATENCY))
                .placement()).latency().latency();
        assertTrue(latency.value() <= greedy * (1 + 1e-12), latency.value() + " against greedy " + greedy);
        assertTrue(latency.lowerBound() <= latency.value());

        for (ThroughputIpSolver s : new ThroughputIpSolver[] {new NonContiguousIpSolver(), new ContiguousIpSolver()}) {
            Plan plan = s.solve(p, o);
            PlanEvaluation pe = PlanEvaluation.of(p, plan.placement());
            assertTrue(pe.feasible(), s.name() + ": " + pe.violations());
            assertEquals(pe.value(Objective.MAX_LOAD), plan.value(), 1e-9 * plan.value(), s.name());
            assertTrue(plan.stats().containsKey("coarseUnits"), s.name() + " " + plan.stats());
        }
    }
}
