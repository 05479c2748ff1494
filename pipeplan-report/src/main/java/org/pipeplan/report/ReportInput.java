package org.pipeplan.report;

import java.util.List;
import java.util.Objects;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.placement.Plan;
import org.pipeplan.placement.evaluate.PlanEvaluation;
import org.pipeplan.sim.SimulationResult;

/**
 * Everything a report shows about one plan.
 *
 * @param problem    the placement problem
 * @param plan       the plan reported on
 * @param evaluation the independent evaluation of the plan
 * @param simulation its simulated run
 * @param comparison other methods on the same problem (may be empty)
 * @param run        what {@code pipeplan run} measured for the plan, or null
 */
public record ReportInput(PlacementProblem problem, Plan plan, PlanEvaluation evaluation, SimulationResult simulation,
                          List<ComparisonRow> comparison, RunMeasurement run) {

    public ReportInput {
        Objects.requireNonNull(problem);
        Objects.requireNonNull(plan);
        Objects.requireNonNull(evaluation);
        Objects.requireNonNull(simulation);
        comparison = List.copyOf(comparison);
    }
}
