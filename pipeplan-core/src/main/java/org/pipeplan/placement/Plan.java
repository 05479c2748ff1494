package org.pipeplan.placement;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.pipeplan.planner.PlanStatus;

/**
 * What a solver returns: a placement, the objective it claims for it, and how good it is known to
 * be. Immutable. The objective is re-checked by the independent evaluator wherever plans are
 * printed or saved. Solvers make plans with {@link #builder}.
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

    /** A plan of a problem by a solver for an objective; the rest is set on the builder. */
    public static Builder builder(String problem, String solver, Objective objective) {
        return new Builder(problem, solver, objective);
    }

    /** A builder holding this plan, to change some of it. */
    public Builder toBuilder() {
        return builder(problem, solver, objective).value(value).lowerBound(lowerBound).status(status).placement(placement)
                .pipelineOrder(pipelineOrder).seconds(seconds).stats(stats).note(note);
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

    /**
     * Collects a plan's parts. Status and placement are required; the value and bound default to
     * NaN (unknown), the pipeline order, statistics and note to empty, the time to 0.
     */
    public static final class Builder {
        private final String problem;
        private final String solver;
        private final Objective objective;
        private double value = Double.NaN;
        private double lowerBound = Double.NaN;
        private PlanStatus status;
        private Placement placement;
        private List<Integer> pipelineOrder = List.of();
        private double seconds;
        private Map<String, ? extends Number> stats = Map.of();
        private String note = "";

        private Builder(String problem, String solver, Objective objective) {
            this.problem = problem;
            this.solver = solver;
            this.objective = objective;
        }

        public Builder value(double v) {
            this.value = v;
            return this;
        }

        public Builder lowerBound(double v) {
            this.lowerBound = v;
            return this;
        }

        public Builder status(PlanStatus v) {
            this.status = v;
            return this;
        }

        public Builder placement(Placement v) {
            this.placement = v;
            return this;
        }

        /** Device indices in stage order (see {@link Plan#pipelineOrder()}). */
        public Builder pipelineOrder(List<Integer> v) {
            this.pipelineOrder = v;
            return this;
        }

        public Builder seconds(double v) {
            this.seconds = v;
            return this;
        }

        /** The seconds since {@code startNanos}, a {@link System#nanoTime()} reading. */
        public Builder secondsSince(long startNanos) {
            return seconds((System.nanoTime() - startNanos) / 1e9);
        }

        public Builder stats(Map<String, ? extends Number> v) {
            this.stats = v;
            return this;
        }

        public Builder note(String v) {
            this.note = v;
            return this;
        }

        public Plan build() {
            return new Plan(problem, solver, objective, value, lowerBound, status, placement, pipelineOrder, seconds,
                    new LinkedHashMap<>(stats), note);
        }
    }
}
