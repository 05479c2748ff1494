package org.pipeplan.placement.baseline;

import java.util.Arrays;
import java.util.List;
import org.pipeplan.bound.MaxLoadLowerBound;
import org.pipeplan.device.Device;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.placement.Objective;
import org.pipeplan.placement.Placement;
import org.pipeplan.placement.PlacementOptions;
import org.pipeplan.placement.PlacementSolver;
import org.pipeplan.placement.Plan;
import org.pipeplan.placement.evaluate.Evaluation;
import org.pipeplan.placement.evaluate.MaxLoadEvaluator;
import org.pipeplan.planner.PlanStatus;

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
    public Plan solve(PlacementProblem problem, PlacementOptions options) {
        long start = System.nanoTime();
        Device device = problem.devices().all().stream().filter(Device::isAccelerator).findFirst()
                .orElse(problem.devices().get(0));
        int[] deviceOf = new int[problem.graph().size()];
        Arrays.fill(deviceOf, device.index());
        Placement placement = new Placement(deviceOf, problem.devices().size());
        Evaluation evaluation = MaxLoadEvaluator.evaluate(problem, placement);
        double bound = Math.min(MaxLoadLowerBound.of(problem), evaluation.maxLoad());
        return Plan.builder(problem.name(), name(), Objective.MAX_LOAD).value(evaluation.maxLoad()).lowerBound(bound)
                .status(evaluation.feasible() ? PlanStatus.FEASIBLE : PlanStatus.INFEASIBLE).placement(placement)
                .pipelineOrder(List.of(device.index())).secondsSince(start)
                .note(evaluation.feasible() ? "" : "does not fit: " + evaluation.violations().get(0)).build();
    }
}
