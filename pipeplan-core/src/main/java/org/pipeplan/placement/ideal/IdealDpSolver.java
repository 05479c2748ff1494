package org.pipeplan.placement.ideal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pipeplan.bound.MaxLoadLowerBound;
import org.pipeplan.device.Device;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.placement.Objective;
import org.pipeplan.placement.Placement;
import org.pipeplan.placement.PlacementOptions;
import org.pipeplan.placement.PlacementSolver;
import org.pipeplan.placement.Plan;
import org.pipeplan.planner.Deadline;
import org.pipeplan.planner.PlanStatus;
import org.pipeplan.planner.TimeLimitReachedException;
import org.pipeplan.units.Coarsening;
import org.pipeplan.units.Contraction;
import org.pipeplan.units.ContractionOptions;
import org.pipeplan.units.DeviceGroups;
import org.pipeplan.units.UnitGraph;

/**
 * Contiguous placement by dynamic programming over ideals: contract the graph into units, find
 * the best split along one topological order (fast, and an upper bound), then, unless asked only
 * for that chain, run the exact DP over all ideals bounded by it.
 *
 * <p>When the ideals are too many or the time runs out, the chain's split is returned, labelled
 * FEASIBLE (not proven) with a lower bound.
 *
 * <p>A graph of more units than {@link PlacementOptions#coarsenAbove()} is first coarsened
 * ({@link Coarsening}) to half that many blocks; the DP runs on the blocks and its split is refined
 * on the fine units ({@link BoundaryRefinement}). The plan is then OPTIMAL only when it meets the
 * lower bound of the fine graph; otherwise it is FEASIBLE with that bound.
 */
abstract class IdealDpSolver implements PlacementSolver {

    /** Relative slack on the incumbent bound, so that splits equal to it up to rounding survive. */
    private static final double BOUND_SLACK = 1e-9;
    /** Re-solves of a coarsened graph with the blocks at stage boundaries opened. */
    private static final int REFINEMENT_ROUNDS = 4;
    /**
     * Largest such graph re-solved, in multiples of --coarsen-above: blocks at boundaries open
     * into that many units only where a stage touches most of the graph (a tensor read by every
     * layer, a CPU core taking what the accelerators cannot hold).
     */
    private static final int WINDOW_COARSEN_FACTOR = 4;
    /** Most ideals enumerated for a coarsened graph. */
    private static final long COARSE_MAX_IDEALS = 10_000;
    /** Fewest blocks the units are fused into when the exact DP cannot run on them. */
    private static final int MIN_BLOCKS = 8;
    /** Most seconds spent forecasting the exact DP, and most share of the time left. */
    private static final double FORECAST_SECONDS = 2;
    private static final double FORECAST_SHARE = 0.05;

    private final ContractionOptions contraction;
    private final boolean chainOnly;

    protected IdealDpSolver(ContractionOptions contraction, boolean chainOnly) {
        this.contraction = contraction;
        this.chainOnly = chainOnly;
    }

    @Override
    public Plan solve(PlacementProblem problem, PlacementOptions options) {
        long start = System.nanoTime();
        Deadline deadline = options.run().deadline();
        DeviceGroups groups = DeviceGroups.of(problem.devices());
        UnitGraph fine = Contraction.contract(problem.graph(), contraction, groups.smallestAcceleratorMemory());
        Map<String, Number> stats = new LinkedHashMap<>();
        stats.put("units", fine.size());
        double lowerBound = MaxLoadLowerBound.of(fine, groups);
        UnitGraph units = fine;
        if (fine.size() > options.coarsenAbove()) {
            units = Coarsening.intervals(fine, groups, Math.max(1, options.coarsenAbove() / 2));
            stats.put("coarseUnits", units.size());
        }
        // on blocks, the ideals are capped lower: each refinement round enumerates them again
        PlacementOptions onBlocks = units == fine ? options : options.withMaxIdeals(Math.min(options.maxIdeals(), COARSE_MAX_IDEALS));
        Attempt attempt = solveOn(problem, groups, units, lowerBound, stats, start, onBlocks, deadline);
        if (units != fine) {
            return refined(problem, groups, fine, units, attempt.plan(), lowerBound, stats, start, onBlocks, deadline);
        }
        return attempt.skipped() != null ? onBlocksInstead(problem, groups, fine, attempt, lowerBound, stats, start, options,
                deadline) : attempt.plan();
    }

    /**
     * When the exact DP cannot run on the units (too many ideals, or forecast to take longer than
     * the time left): the units fused into blocks few enough for the DP (halving the block count
     * until the blocks' ideals are at most {@link #COARSE_MAX_IDEALS}), split exactly on the
     * blocks and refined on the units; the better of that and the chain's split, with a note
     * saying which.
     */
    private Plan onBlocksInstead(PlacementProblem problem, DeviceGroups groups, UnitGraph fine, Attempt onUnits,
                                 double lowerBound, Map<String, Number> stats, long start, PlacementOptions options,
                                 Deadline deadline) {
        Plan chainPlan = onUnits.plan();
        if (chainPlan.status() == PlanStatus.INFEASIBLE || deadline.expired()) {
            return chainPlan;
        }
        long cap = Math.min(options.maxIdeals(), COARSE_MAX_IDEALS);
        PlacementOptions onBlocks = options.withMaxIdeals(cap);
        UnitGraph blocks = null;
        for (int target = fine.size() / 2; target >= MIN_BLOCKS && blocks == null && !deadline.expired(); target /= 2) {
            UnitGraph candidate = Coarsening.intervals(fine, groups, target);
            if (IdealLattice.countsAtMost(candidate, cap, deadline)) {
                blocks = candidate;
            }
        }
        if (blocks == null) {
            return chainPlan;
        }
        stats.put("coarseUnits", blocks.size());
        Attempt onThem = solveOn(problem, groups, blocks, lowerBound, new LinkedHashMap<>(), start, onBlocks, deadline);
        Plan refined = refined(problem, groups, fine, blocks, onThem.plan(), lowerBound, stats, start, onBlocks, deadline);
        if (refined.status() != PlanStatus.INFEASIBLE && refined.value() < chainPlan.value()) {
            return refined.toBuilder().note(onUnits.skipped() + ": exact DP on the units skipped; " + refined.note()).build();
        }
        return chainPlan.toBuilder().seconds(seconds(start)).stats(stats).build();
    }

    /**
     * A plan, and why the exact DP was skipped for it (too many ideals, or forecast to take longer
     * than the time left), or null.
     */
    private record Attempt(Plan plan, String skipped) {
    }

    private Attempt solveOn(PlacementProblem problem, DeviceGroups groups, UnitGraph units, double lowerBound,
                            Map<String, Number> stats, long start, PlacementOptions options, Deadline deadline) {

        IdealDp.Outcome chain;
        try {
            chain = chainSplit(units, groups, deadline, options);
        } catch (TimeLimitReachedException e) {
            return new Attempt(fallback(problem, groups, units, lowerBound, stats, start,
                    deadline.reason() + " before any split was found; everything on one device"), null);
        }
        stats.put("chainMaxLoad", chain.value());
        PlanStatus chainStatus = chain.found() ? PlanStatus.FEASIBLE : PlanStatus.INFEASIBLE;
        if (chainOnly) {
            return new Attempt(plan(problem, groups, units, chain, chainStatus, lowerBound, stats, start,
                    "best contiguous split along one topological order"), null);
        }
        try {
            IdealLattice lattice = IdealLattice.enumerate(units, options.maxIdeals(), deadline, options.run().progress());
            stats.put("ideals", lattice.size());
            if (!IdealDp.fits(lattice.size(), groups)) {
                throw new IdealLimitExceededException(lattice.size());
            }
            double bound = chain.found() ? chain.value() * (1 + BOUND_SLACK) : IdealDp.INFINITE;
            IdealDp dp = dp(units, lattice, groups);
            double left = deadline.remainingSeconds();
            if (left < Double.POSITIVE_INFINITY) {
                // a run that cannot finish in the time left would only spend it: forecast it first
                IdealDp.Forecast forecast = dp.forecast(bound, options.run().workers(), Math.min(FORECAST_SECONDS,
                        FORECAST_SHARE * left), left);
                stats.put("forecastSeconds", forecast.seconds());
                if (forecast.seconds() > deadline.remainingSeconds()) {
                    String why = String.format(java.util.Locale.ROOT, "exact DP over %d ideals forecast at %.0f s, more than"
                            + " the %.0f s left", lattice.size(), forecast.seconds(), deadline.remainingSeconds());
                    return new Attempt(plan(problem, groups, units, chain, chainStatus, lowerBound, stats, start, why
                            + ": skipped; best split along one topological order, NOT proven optimal"), why);
                }
            }
            IdealDp.Outcome exact = dp.run(bound, options.run().workers(), deadline, options.run().progress());
            stats.put("pairs", exact.pairs());
            if (exact.found()) {
                return new Attempt(plan(problem, groups, units, exact, PlanStatus.OPTIMAL, exact.value(), stats, start, ""), null);
            }
            return new Attempt(plan(problem, groups, units, chain, PlanStatus.INFEASIBLE, lowerBound, stats, start,
                    "no contiguous split satisfies the memory limits and supported device kinds"), null);
        } catch (IdealLimitExceededException e) {
            String why = "more than " + e.limit() + " ideals";
            return new Attempt(plan(problem, groups, units, chain, chainStatus, lowerBound, stats, start, why
                    + ": exact DP skipped; best split along one topological order, NOT proven optimal"), why);
        } catch (TimeLimitReachedException e) {
            return new Attempt(plan(problem, groups, units, chain, chainStatus, lowerBound, stats, start, e.getMessage()
                    + ": best split along one topological order, NOT proven optimal"), null);
        }
    }

    /**
     * The coarse graph's plan, refined on the fine units: a few rounds of re-solving with the
     * blocks at stage boundaries opened into their units ({@link Coarsening#reopen}), then single
     * unit moves ({@link BoundaryRefinement}). Its status says whether the fine graph's lower
     * bound proves it optimal.
     */
    private Plan refined(PlacementProblem problem, DeviceGroups groups, UnitGraph fine, UnitGraph coarse, Plan plan,
                         double lowerBound, Map<String, Number> stats, long start, PlacementOptions options,
                         Deadline deadline) {
        String what = "coarsened " + fine.size() + " units into " + coarse.size() + " blocks";
        if (plan.status() == PlanStatus.INFEASIBLE || plan.pipelineOrder().size() < 2) {
            return plan.toBuilder().seconds(seconds(start)).stats(stats).note(join(what, plan.note())).build();
        }
        stats.put("coarseMaxLoad", plan.value());
        int rounds = 0;
        int tooLarge = 0;
        while (rounds < REFINEMENT_ROUNDS && !deadline.expired()) {
            UnitGraph window = Coarsening.reopen(fine, coarse, plan.placement()::deviceOf,
                    neighbouringAccelerators(problem, plan));
            stats.merge("windowUnits", window.size(), (x, y) -> Math.max(x.intValue(), y.intValue()));
            if (window.size() > WINDOW_COARSEN_FACTOR * (long) options.coarsenAbove()) {
                // a graph that size is one the DP itself would coarsen (and its chain split is
                // quadratic where a stage may grow unbounded, as a CPU core's does)
                tooLarge = window.size();
                break;
            }
            Plan better = solveOn(problem, groups, window, lowerBound, new LinkedHashMap<>(), start, options, deadline).plan();
            rounds++;
            if (better.status() == PlanStatus.INFEASIBLE || !(better.value() < plan.value() * (1 - BOUND_SLACK))) {
                break;
            }
            plan = better;
        }
        int[] unitDevices = new int[fine.size()];
        for (int u = 0; u < fine.size(); u++) {
            unitDevices[u] = plan.placement().deviceOf(fine.members(u)[0]);
        }
        BoundaryRefinement.Result r = new BoundaryRefinement(problem, fine).refine(unitDevices, plan.pipelineOrder(), deadline);
        stats.put("windowRounds", rounds);
        stats.put("refinementMoves", r.moves());
        int[] deviceOf = new int[problem.graph().size()];
        for (int u = 0; u < fine.size(); u++) {
            for (int v : fine.members(u)) {
                deviceOf[v] = r.unitDevices()[u];
            }
        }
        boolean proven = r.maxLoad() <= lowerBound * (1 + BOUND_SLACK);
        String note = join(what + ", split on the blocks, refined on the units (" + rounds + " rounds with the blocks at"
                + " stage boundaries opened" + (tooLarge > 0 ? ", the next one skipped: " + tooLarge + " units" : "")
                + ", then " + r.moves() + " single moves)"
                + (proven ? "; meets the lower bound" : "; optimality NOT proven, see the lower bound"), plan.note());
        return Plan.builder(problem.name(), name(), Objective.MAX_LOAD).value(r.maxLoad())
                .lowerBound(Math.min(lowerBound, r.maxLoad())).status(proven ? PlanStatus.OPTIMAL : PlanStatus.FEASIBLE)
                .placement(new Placement(deviceOf, problem.devices().size())).pipelineOrder(plan.pipelineOrder())
                .seconds(seconds(start)).stats(stats).note(note).build();
    }

    /** Whether two devices hold neighbouring stages of the plan and both are accelerators. */
    private static java.util.function.BiPredicate<Integer, Integer> neighbouringAccelerators(PlacementProblem problem, Plan plan) {
        int[] stage = new int[problem.devices().size()];
        java.util.Arrays.fill(stage, -10);
        for (int s = 0; s < plan.pipelineOrder().size(); s++) {
            int d = plan.pipelineOrder().get(s);
            if (!problem.devices().get(d).kind().hostResident()) {
                stage[d] = s;
            }
        }
        return (a, b) -> stage[a] >= 0 && stage[b] >= 0 && Math.abs(stage[a] - stage[b]) == 1;
    }

    private static String join(String a, String b) {
        return b == null || b.isEmpty() ? a : a + "; " + b;
    }

    private IdealDp.Outcome chainSplit(UnitGraph units, DeviceGroups groups, Deadline deadline, PlacementOptions options) {
        UnitGraph chain = units.linearized();
        try {
            IdealLattice lattice = IdealLattice.enumerate(chain, Long.MAX_VALUE, deadline, options.run().progress());
            return dp(chain, lattice, groups).run(IdealDp.INFINITE, 1, deadline, options.run().progress());
        } catch (IdealLimitExceededException e) {
            // a chain has units + 1 ideals: only their bit sets can exceed the memory cap
            throw new IllegalArgumentException("a chain of " + units.size() + " units is too large for the DP's memory;"
                    + " lower --coarsen-above");
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
        return Plan.builder(problem.name(), name(), Objective.MAX_LOAD).value(outcome.value())
                .lowerBound(Math.min(lowerBound, outcome.value())).status(status).placement(placement).pipelineOrder(order)
                .seconds(seconds(start)).stats(stats).note(note).build();
    }

    /** Everything on one device (a CPU if there is one): only when nothing better exists. */
    private Plan fallback(PlacementProblem problem, DeviceGroups groups, UnitGraph units, double lowerBound,
                          Map<String, Number> stats, long start, String note) {
        Device device = groups.fallbackDevice();
        int[] deviceOf = new int[problem.graph().size()];
        Arrays.fill(deviceOf, device.index());
        Placement placement = new Placement(deviceOf, problem.devices().size());
        double load = org.pipeplan.placement.evaluate.MaxLoadEvaluator.evaluate(problem, placement).maxLoad();
        PlanStatus status = groups.hostGroup() == null ? PlanStatus.INFEASIBLE : PlanStatus.FEASIBLE;
        return Plan.builder(problem.name(), name(), Objective.MAX_LOAD).value(load).lowerBound(Math.min(lowerBound, load))
                .status(status).placement(placement).pipelineOrder(List.of(device.index())).seconds(seconds(start))
                .stats(stats).note(note).build();
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
