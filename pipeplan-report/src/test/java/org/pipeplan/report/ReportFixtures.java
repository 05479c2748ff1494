package org.pipeplan.report;

import java.util.List;
import java.util.Random;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.placement.PlacementOptions;
import org.pipeplan.placement.Plan;
import org.pipeplan.placement.evaluate.PlanEvaluation;
import org.pipeplan.placement.ideal.ExactDpSolver;
import org.pipeplan.sim.PipelineSimulator;
import org.pipeplan.sim.Schedule;
import org.pipeplan.sim.SimulationOptions;
import org.pipeplan.testing.TestGraphs;

/** Report inputs built from random graphs and the DP's plans. */
final class ReportFixtures {

    private ReportFixtures() {
    }

    static ReportInput input(int forwardNodes, boolean training, RunMeasurement run) {
        PlacementProblem problem = TestGraphs.random(new Random(5), forwardNodes, training, 3, 1, 1e9);
        Plan plan = new ExactDpSolver().solve(problem, PlacementOptions.defaults());
        PlanEvaluation evaluation = PlanEvaluation.of(problem, plan.placement());
        var sim = PipelineSimulator.simulate(problem, plan.placement(),
                SimulationOptions.defaults(training ? Schedule.GPIPE : Schedule.STREAMING));
        List<ComparisonRow> rows = List.of(new ComparisonRow("dp", "OPTIMAL", evaluation.loads().maxLoad(),
                evaluation.latency().latency(), plan.lowerBound(), 0, true, true, plan.seconds()));
        return new ReportInput(problem, plan, evaluation, sim, rows, run);
    }

    static RunMeasurement run() {
        return new RunMeasurement("tiny", List.of(new RunMeasurement.Stage(0, "cpu-core-0", 10, 4.0, 5.0),
                new RunMeasurement.Stage(1, "cpu-core-1", 12, 6.0, 5.5)), 160, 170, 11, 12.5, 1.8);
    }
}
