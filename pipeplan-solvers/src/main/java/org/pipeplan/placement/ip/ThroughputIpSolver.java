package org.pipeplan.placement.ip;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pipeplan.bound.MaxLoadLowerBound;
import org.pipeplan.device.Device;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.ortools.CpSatRuntime;
import org.pipeplan.ortools.ModelScale;
import org.pipeplan.placement.Objective;
import org.pipeplan.placement.Placement;
import org.pipeplan.placement.PlacementOptions;
import org.pipeplan.placement.PlacementSolver;
import org.pipeplan.placement.Plan;
import org.pipeplan.placement.evaluate.PlanEvaluation;
import org.pipeplan.planner.Deadline;
import org.pipeplan.planner.PlanStatus;
import org.pipeplan.planner.UnsupportedProblemException;

/**
 * Common flow of the throughput integer programs: take a warm start from fast solvers, build the
 * CP-SAT model bounded by it, search within the time limit, and return the better of the two plans
 * (re-scored exactly) with the best proven lower bound and the gap.
 */
abstract class ThroughputIpSolver implements PlacementSolver {

    /** Share of the time limit the warm start may use. */
    static final double WARM_START_SHARE = 0.25;

    /** Relative gap under which a plan counts as optimal (the integer model's resolution). */
    static final double OPTIMALITY_TOLERANCE = 1e-6;

    @Override
    public Set<Objective> objectives() {
        return Set.of(Objective.MAX_LOAD, Objective.MAX_FORWARD_PLUS_MAX_BACKWARD);
    }

    /** A starting plan, valid in this solver's plan space. */
    protected abstract Plan warmStart(PlacementProblem problem, PlacementOptions options);

    /** Builds the model, hints the start, searches; returns the solution's placement and pipeline order, or null. */
    abstract SearchOutcome search(PlacementProblem problem, PlacementOptions options, Deadline deadline, Plan start,
                                  ModelScale scale, double lowerBound, double upperBound, Map<String, Number> stats);

    @Override
    public Plan solve(PlacementProblem problem, PlacementOptions options) {
        long start = System.nanoTime();
        Objective objective = options.objective();
        if (!objectives().contains(objective)) {
            throw new UnsupportedProblemException(name() + " minimises max-load or fw+bw, not " + objective.label());
        }
        CpSatRuntime.load();
        Deadline deadline = options.run().deadline();
        double warmLimit = Double.isFinite(deadline.remainingSeconds())
                ? Math.max(0.01, deadline.remainingSeconds() * WARM_START_SHARE) : 0;
        Plan warm = warmStart(problem, options.withTimeLimit(warmLimit).withProgress(options.run().progress()));
        double warmValue = PlanEvaluation.of(problem, warm.placement()).value(objective);
        double lowerBound = MaxLoadLowerBound.of(problem); // fw+bw >= max-load >= this bound
        Map<String, Number> stats = new LinkedHashMap<>();
        stats.put("warmStart", warmValue);

        ModelScale scale = ModelScale.forMaximum(warmValue);
        SearchOutcome found = search(problem, options, deadline, warm, scale, lowerBound,
                PlanEvaluation.of(problem, warm.placement()).feasible() ? warmValue : Double.POSITIVE_INFINITY, stats);

        Placement best = warm.placement();
        List<Integer> order = warm.pipelineOrder();
        double value = warmValue;
        if (found.placement() != null) {
            PlanEvaluation e = PlanEvaluation.of(problem, found.placement());
            double v = e.value(objective);
            if (e.feasible() && v <= value) {
                best = found.placement();
                order = found.pipelineOrder();
                value = v;
            }
        }
        double bound = Math.min(value, Math.max(lowerBound, found.bound()));
        PlanEvaluation finalEvaluation = PlanEvaluation.of(problem, best);
        PlanStatus status = !finalEvaluation.feasible() ? PlanStatus.INFEASIBLE
                : value - bound <= OPTIMALITY_TOLERANCE * value ? PlanStatus.OPTIMAL : PlanStatus.FEASIBLE;
        String note = found.proven() || status == PlanStatus.OPTIMAL ? ""
                : "search stopped (" + found.describe() + (options.run().stop().isRequested() ? ", interrupted" : "")
                + "): best plan found, not proven optimal";
        return Plan.builder(problem.name(), name(), objective).value(value).lowerBound(bound).status(status).placement(best)
                .pipelineOrder(order.isEmpty() ? finalEvaluation.loads().contiguity().pipelineOrder() : order)
                .secondsSince(start).stats(stats).note(note).build();
    }

    /** Checks that the accelerators, and the CPU cores, are interchangeable (same kind, same memory). */
    static void requireIdenticalDevices(PlacementProblem problem, String solver) {
        List<Device> accs = new ArrayList<>(problem.devices().all().stream().filter(Device::isAccelerator).toList());
        List<Device> cpus = new ArrayList<>(problem.devices().all().stream().filter(d -> !d.isAccelerator()).toList());
        for (List<Device> group : List.of(accs, cpus)) {
            for (Device d : group) {
                if (!d.kind().equals(group.get(0).kind()) || d.memoryLimit() != group.get(0).memoryLimit()) {
                    throw new UnsupportedProblemException(solver + " needs identical accelerators and identical CPU cores; "
                            + d.name() + " differs from " + group.get(0).name());
                }
            }
        }
    }
}
