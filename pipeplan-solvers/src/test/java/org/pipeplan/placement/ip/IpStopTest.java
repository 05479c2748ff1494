package org.pipeplan.placement.ip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.io.PlacementJsonReader;
import org.pipeplan.placement.PlacementOptions;
import org.pipeplan.placement.Plan;
import org.pipeplan.placement.evaluate.PlanEvaluation;
import org.pipeplan.planner.StopSignal;
import org.pipeplan.testing.TestData;

/** A stop request (Ctrl-C) makes the integer programs return their best plan with its bound. */
class IpStopTest {

    @Test
    void aStopReturnsTheBestPlanSoFar() {
        PlacementProblem p = PlacementJsonReader.read(TestData.fixture("LayerGraphs/resnet50_inference.json"));
        for (var solver : new ThroughputIpSolver[] {new NonContiguousIpSolver(), new ContiguousIpSolver()}) {
            StopSignal stop = new StopSignal();
            ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
            later.schedule(stop::requestStop, 3, TimeUnit.SECONDS);
            long start = System.nanoTime();
            Plan plan = solver.solve(p, PlacementOptions.defaults().withTimeLimit(600).withWorkers(2).withStop(stop));
            later.shutdownNow();
            double seconds = (System.nanoTime() - start) / 1e9;
            assertTrue(seconds < 60, solver.name() + " took " + seconds + " s after the stop");
            PlanEvaluation e = PlanEvaluation.of(p, plan.placement());
            assertTrue(e.feasible());
            assertEquals(plan.value(), e.value(plan.objective()), 1e-9 * plan.value());
            assertTrue(plan.lowerBound() <= plan.value());
        }
    }
}
