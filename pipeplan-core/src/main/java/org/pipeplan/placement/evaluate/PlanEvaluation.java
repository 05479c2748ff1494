package org.pipeplan.placement.evaluate;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.placement.Objective;
import org.pipeplan.placement.Placement;

/**
 * Everything the independent evaluators say about one placement: its loads (throughput model) and
 * its single-sample latency.
 */
public record PlanEvaluation(Evaluation loads, LatencyEvaluation latency) {

    public static PlanEvaluation of(PlacementProblem problem, Placement placement) {
        return new PlanEvaluation(MaxLoadEvaluator.evaluate(problem, placement),
                LatencyEvaluator.evaluate(problem, placement));
    }

    /** The evaluated value of an objective. */
    public double value(Objective objective) {
        return switch (objective) {
            case MAX_LOAD -> loads.maxLoad();
            case MAX_FORWARD_PLUS_MAX_BACKWARD -> loads.maxForwardPlusMaxBackward();
            case LATENCY -> latency.latency();
        };
    }

    /** Hard-constraint violations found by either evaluator, without repeats. */
    public List<String> violations() {
        LinkedHashSet<String> all = new LinkedHashSet<>(loads.violations());
        all.addAll(latency.violations());
        return new ArrayList<>(all);
    }

    /** No hard constraint is broken (memory, device kinds, colocation). */
    public boolean feasible() {
        return violations().isEmpty();
    }

    /** Feasible, and, for latency, schedulable as a single sample. */
    public boolean feasibleFor(Objective objective) {
        return feasible() && (objective != Objective.LATENCY || latency.schedulable());
    }
}
