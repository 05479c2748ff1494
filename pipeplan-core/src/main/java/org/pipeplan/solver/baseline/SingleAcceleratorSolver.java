package org.pipeplan.solver.baseline;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.pipeplan.cost.Evaluation;
import org.pipeplan.cost.MaxLoadEvaluator;
import org.pipeplan.graph.Device;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.plan.Placement;
import org.pipeplan.plan.Objective;
import org.pipeplan.plan.Plan;
import org.pipeplan.plan.PlanStatus;
import org.pipeplan.solver.PlacementSolver;
import org.pipeplan.solver.SolverOptions;
import org.pipeplan.solver.ideal.MaxLoadLowerBound;

/**
 * Baseline: the whole graph on the first accelerator (the first device if there is none). Memory
 * is not checked when choosing, only reported: the plan is INFEASIBLE when it does not fit.
 */
public final class SingleAcceleratorSolver implements PlacementSolver {

    @Override
    public String name() {
        return "single";
    }

    @Override
    public String description() {
        return "baseline: everything on one accelerator";
    }

    @Override
    public Plan solve(PlacementProblem problem, SolverOptions options) {
        long start = System.nanoTime();
        Device device = problem.devices().all().stream().filter(Device::isAccelerator).findFirst()
                .orElse(problem.devices().get(0));
        int[] deviceOf = new int[problem.graph().size()];
        Arrays.fill(deviceOf, device.index());
        Placement placement = new Placement(deviceOf, problem.devices().size());
        Evaluation evaluation = MaxLoadEvaluator.evaluate(problem, placement);
        double bound = Math.min(MaxLoadLowerBound.of(problem), evaluation.maxLoad());
        return new Plan(problem.name(), name(), Objective.MAX_LOAD, evaluation.maxLoad(), bound,
                evaluation.feasible() ? PlanStatus.FEASIBLE : PlanStatus.INFEASIBLE, placement,
                List.of(device.index()), (System.nanoTime() - start) / 1e9, Map.of(),
                evaluation.feasible() ? "" : "does not fit: " + evaluation.violations().get(0));
    }
}
