package org.pipeplan.solver.ideal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pipeplan.graph.Device;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.plan.Placement;
import org.pipeplan.plan.Objective;
import org.pipeplan.plan.Plan;
import org.pipeplan.plan.PlanStatus;
import org.pipeplan.solver.Deadline;
import org.pipeplan.solver.PlacementSolver;
import org.pipeplan.solver.SolverOptions;
import org.pipeplan.solver.TimeLimitReachedException;

/**
 * Contiguous placement by dynamic programming over ideals: contract the graph into units, find
 * the best split along one topological order (fast, and an upper bound), then, unless asked only
 * for that chain, run the exact DP over all ideals bounded by it.
 *
 * <p>When the ideals are too many or the time runs out, the chain's split is returned, labelled
 * FEASIBLE (not proven) with a lower bound.
 */
public abstract class IdealDpSolver implements PlacementSolver {

    /** Relative slack on the incumbent bound, so that splits equal to it up to rounding survive. */
    private static final double BOUND_SLACK = 1e-9;

    private final ContractionOptions contraction;
    private final boolean chainOnly;

    protected IdealDpSolver(ContractionOptions contraction, boolean chainOnly) {
        this.contraction = contraction;
        this.chainOnly = chainOnly;
    }

    @Override
    public Plan solve(PlacementProblem problem, SolverOptions options) {
        long start = System.nanoTime();
        Deadline deadline = options.deadline();
        DeviceGroups groups = DeviceGroups.of(problem.devices());
        UnitGraph units = Contraction.contract(problem.graph(), contraction, groups.smallestAcceleratorMemory());
        Map<String, Number> stats = new LinkedHashMap<>();
        stats.put("units", units.size());
        double lowerBound = MaxLoadLowerBound.of(units, groups);

        IdealDp.Outcome chain;
        try {
            chain = chainSplit(units, groups, deadline, options);
        } catch (TimeLimitReachedException e) {
            return fallback(problem, groups, units, lowerBound, stats, start,
                    "time limit reached before any split was found; everything on one device");
        }
        stats.put("chainMaxLoad", chain.value());
        if (chainOnly) {
            return plan(problem, groups, units, chain, chain.found() ? PlanStatus.FEASIBLE : PlanStatus.INFEASIBLE,
                    lowerBound, stats, start, "best contiguous split along one topological order");
        }
        try {
            IdealLattice lattice = IdealLattice.enumerate(units, options.maxIdeals(), deadline, options.progress());
            stats.put("ideals", lattice.size());
            if (!IdealDp.fits(lattice.size(), groups)) {
                throw new IdealLimitExceededException(lattice.size());
            }
            double bound = chain.found() ? chain.value() * (1 + BOUND_SLACK) : IdealDp.INFINITE;
            IdealDp.Outcome exact = dp(units, lattice, groups).run(bound, options.workers(), deadline, options.progress());
            stats.put("pairs", exact.pairs());
            if (exact.found()) {
                return plan(problem, groups, units, exact, PlanStatus.OPTIMAL, exact.value(), stats, start, "");
            }
            return plan(problem, groups, units, chain, PlanStatus.INFEASIBLE, lowerBound, stats, start,
                    "no contiguous split satisfies the memory limits and supported device kinds");
        } catch (IdealLimitExceededException e) {
            return plan(problem, groups, units, chain, chain.found() ? PlanStatus.FEASIBLE : PlanStatus.INFEASIBLE,
                    lowerBound, stats, start, "more than " + e.limit() + " ideals: exact DP skipped; best split along"
                            + " one topological order, NOT proven optimal");
        } catch (TimeLimitReachedException e) {
            return plan(problem, groups, units, chain, chain.found() ? PlanStatus.FEASIBLE : PlanStatus.INFEASIBLE,
                    lowerBound, stats, start, e.getMessage() + ": best split along one topological order,"
                            + " NOT proven optimal");
        }
    }

    private IdealDp.Outcome chainSplit(UnitGraph units, DeviceGroups groups, Deadline deadline, SolverOptions options) {
        UnitGraph chain = units.linearized();
        try {
            IdealLattice lattice = IdealLattice.enumerate(chain, Long.MAX_VALUE, deadline, options.progress());
            return dp(chain, lattice, groups).run(IdealDp.INFINITE, 1, deadline, options.progress());
        } catch (IdealLimitExceededException e) {
            throw new IllegalStateException("a chain of " + units.size() + " units cannot have more ideals than units + 1", e);
        }
    }

    private static IdealDp dp(UnitGraph units, IdealLattice lattice, DeviceGroups groups) {
        return new IdealDp(units, lattice, groups);
    }

    private Plan plan(PlacementProblem problem, DeviceGroups groups, UnitGraph units, IdealDp.Outcome outcome,
                      PlanStatus status, double lowerBound, Map<String, Number> stats, long start, String note) {
        if (!outcome.found()) {
            return fallback(problem, groups, units, lowerBound, stats, start, note.isEmpty()
                    ? "no feasible contiguous split" : note);
        }
        int[] deviceOf = new int[problem.graph().size()];
        List<Integer> order = new ArrayList<>();
        int[] next = new int[groups.size()];
        for (IdealDp.Stage stage : outcome.stages()) {
            Device device = groups.get(stage.group()).devices().get(next[stage.group()]++);
            order.add(device.index());
            for (int unit : stage.units()) {
                for (int node : units.members(unit)) {
                    deviceOf[node] = device.index();
                }
            }
        }
        Placement placement = new Placement(deviceOf, problem.devices().size());
        return new Plan(problem.name(), name(), Objective.MAX_LOAD, outcome.value(), Math.min(lowerBound, outcome.value()), status,
                placement, order, seconds(start), stats, note);
    }

    /** Everything on one device (a CPU if there is one): only when nothing better exists. */
    private Plan fallback(PlacementProblem problem, DeviceGroups groups, UnitGraph units, double lowerBound,
                          Map<String, Number> stats, long start, String note) {
        Device device = groups.fallbackDevice();
        int[] deviceOf = new int[problem.graph().size()];
        Arrays.fill(deviceOf, device.index());
        Placement placement = new Placement(deviceOf, problem.devices().size());
        double load = org.pipeplan.cost.MaxLoadEvaluator.evaluate(problem, placement).maxLoad();
        PlanStatus status = groups.hostGroup() == null ? PlanStatus.INFEASIBLE : PlanStatus.FEASIBLE;
        return new Plan(problem.name(), name(), Objective.MAX_LOAD, load, Math.min(lowerBound, load), status, placement,
                List.of(device.index()), seconds(start), stats, note);
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
