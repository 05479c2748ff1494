package org.pipeplan.placement;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.pipeplan.planner.PlanStatus;

/**
 * What a solver returns: a placement, the objective it claims for it, and how good it is known to
 * be. Immutable. The objective is re-checked by the independent evaluator wherever plans are
 * printed or saved.
 *
 * @param problem       name of the problem it places
 * @param solver        name of the solver that made it
 * @param objective     what the solver minimised
 * @param value         the objective's value for this plan, as the solver computed it
 * @param lowerBound    a proven lower bound on the optimum of the solver's plan space
 * @param status        optimal, feasible or infeasible
 * @param placement     the device of every operator
 * @param pipelineOrder device indices in pipeline (stage) order, used devices only; may be empty
 *                      for plans that are not pipelines
 * @param seconds       wall-clock time the solver took
 * @param stats         solver statistics (ideals, pairs, restarts...), in insertion order
 * @param note          a human-readable remark ("ideal count over the limit: heuristic plan"), or ""
 */
public record Plan(String problem, String solver, Objective objective, double value, double lowerBound,
                   PlanStatus status,
                   Placement placement, List<Integer> pipelineOrder, double seconds,
                   Map<String, Number> stats, String note) {

    public Plan {
        Objects.requireNonNull(problem);
        Objects.requireNonNull(solver);
        Objects.requireNonNull(objective);
        Objects.requireNonNull(status);
        Objects.requireNonNull(placement);
        pipelineOrder = List.copyOf(pipelineOrder);
        stats = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(stats));
        note = note == null ? "" : note;
    }

    /** Relative gap between value and lower bound (0 when proven optimal). */
    public double gap() {
        if (status == PlanStatus.OPTIMAL || value <= 0) {
            return 0;
        }
        return Math.max(0, (value - lowerBound) / value);
    }

    public boolean proven() {
        return status == PlanStatus.OPTIMAL;
    }

    public Plan withSeconds(double elapsed) {
        return new Plan(problem, solver, objective, value, lowerBound, status, placement, pipelineOrder, elapsed,
                stats, note);
    }
}
