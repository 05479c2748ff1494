package org.pipeplan.placement.ip;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.io.PlacementJsonReader;
import org.pipeplan.placement.PlacementOptions;
import org.pipeplan.placement.Plan;
import org.pipeplan.planner.PlanStatus;
import org.pipeplan.testing.TestData;

/**
 * CP-SAT 9.15's inclusion presolve once declared this instance's pipeline model infeasible (a
 * feasible hint and a better plan exist), which left the contiguous IP stuck at its warm start
 * with a 3.6% gap. With that presolve step off the IP reaches and proves the DP optimum.
 */
class CpSatPresolveRegressionTest {

    @Test
    void contiguousIpProvesTheDpOptimumOnResnet50Training() {
        PlacementProblem p = PlacementJsonReader.read(TestData.fixture("LayerGraphs/resnet50_training.json"));
        Plan plan = new ContiguousIpSolver().solve(p, PlacementOptions.defaults().withTimeLimit(120).withWorkers(2));
        assertEquals(PlanStatus.OPTIMAL, plan.status(), plan.note());
        assertEquals(78.6318125, plan.value(), 1e-9); // EXPECTED.md, LayerGraphs/resnet50_training
    }
}
