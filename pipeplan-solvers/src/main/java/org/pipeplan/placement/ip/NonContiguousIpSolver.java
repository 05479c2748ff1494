package org.pipeplan.placement.ip;

import com.google.ortools.sat.CpSolverStatus;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.pipeplan.bound.FrontierDp;
import org.pipeplan.bound.PackingBound;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.ortools.CpSatSearch;
import org.pipeplan.ortools.Engine;
import org.pipeplan.ortools.EngineStatus;
import org.pipeplan.ortools.ModelScale;
import org.pipeplan.placement.Placement;
import org.pipeplan.placement.PlacementOptions;
import org.pipeplan.placement.Plan;
import org.pipeplan.placement.baseline.LocalSearchSolver;
import org.pipeplan.placement.evaluate.PlanEvaluation;
import org.pipeplan.placement.ideal.ExactDpSolver;
import org.pipeplan.planner.Deadline;
import org.pipeplan.planner.StopSignal;
import org.pipeplan.units.Contraction;
import org.pipeplan.units.ContractionOptions;
import org.pipeplan.units.UnitGraph;

/**
 * Optimal splits that need not be contiguous (ip.py noncontig), by CP-SAT on
 * {@link AssignmentModel}. Warm start: the better of the optimal contiguous split (DP over ideals)
 * and the local search, so the result is never worse than either.
 */
public final class NonContiguousIpSolver extends ThroughputIpSolver {

    /** Share of the search time the incumbent phase (CP-SAT on every worker) takes, given two or more workers. */
    static final double INCUMBENT_PHASE_SHARE = 0.3;

    /** Share of the search time the packing bound may take. */
    static final double PACKING_SHARE = 0.1;

    /** Share of the time left after the incumbent phase that the frontier program may take. */
    static final double FRONTIER_SHARE = 0.5;

    @Override
    public String name() {
        return "ip";
    }

    @Override
    public String description() {
        return "integer program (CP-SAT): optimal split, contiguous or not";
    }

    @Override
    protected Plan warmStart(PlacementProblem problem, PlacementOptions options) {
        PlacementOptions half = options.withTimeLimit(options.run().timeLimitSeconds() / 2);
        Plan dp = new ExactDpSolver().solve(problem, half.withObjective(org.pipeplan.placement.Objective.MAX_LOAD));
        Plan local = new LocalSearchSolver().solve(problem, half.withObjective(org.pipeplan.placement.Objective.MAX_LOAD));
        PlanEvaluation a = PlanEvaluation.of(problem, dp.placement());
        PlanEvaluation b = PlanEvaluation.of(problem, local.placement());
        if (!b.feasible()) {
            return dp;
        }
        return a.feasible() && a.value(options.objective()) <= b.value(options.objective()) ? dp : local;
    }

    /**
     * Joins the units that no plan better than the warm start can separate ({@link CutDominance}),
     * raises the lower bound by packing ({@link PackingBound}), then searches with CP-SAT. Given two
     * or more workers and a time limit, CP-SAT first runs alone on all of them for a share of the
     * time (it finds good plans fastest that way), then CP-SAT and SCIP run side by side, SCIP on
     * one worker with the best plan as its cutoff (its LP bound is the stronger on transformer
     * graphs): the better plan and the better bound win, and whichever proves optimality first stops
     * the other.
     */
    @Override
    SearchOutcome search(PlacementProblem problem, PlacementOptions options, Deadline deadline, Plan start,
                            ModelScale scale, double lowerBound, double upperBound, Map<String, Number> stats) {
        UnitGraph units = Contraction.contract(problem.graph(), ContractionOptions.nonContiguous(),
                smallestAcceleratorMemory(problem));
        stats.put("units", units.size());
        // a huge graph is searched on blocks of units: a coarser plan space, every cost still exact
        units = org.pipeplan.units.Coarsening.forSolver(units, problem.devices(), options.coarsenAbove(), stats);
        UnitGraph joined = CutDominance.join(problem, units, upperBound);
        stats.put("joinedUnits", joined.size());

        StopSignal stopBoth = new StopSignal();
        try (AutoCloseable link = options.run().stop().onStop(stopBoth::requestStop)) {
            boolean portfolio = options.run().workers() >= 2;
            CpSatSearch.checkParameters(); // a bad parameter is an error even when no search follows
            if (portfolio) {
                ScipAssignmentModel.checkParameters();
            }
            // the packing bound sees dominant units that cannot be balanced: a bound before the search
            double packing = packingBound(problem, joined, lowerBound, upperBound,
                    deadline.share(PACKING_SHARE, stopBoth), stats);
            if (packing >= upperBound * (1 - OPTIMALITY_TOLERANCE)) {
                return SearchOutcome.proven(start.placement(), packing); // the warm start is optimal
            }
            lowerBound = Math.max(lowerBound, packing);
            AssignmentModel m = new AssignmentModel(problem, joined, options.objective(), scale, lowerBound, upperBound);
            m.hint(start.placement());
            List<Placement> candidates = new ArrayList<>();
            Placement incumbent = start.placement();
            double cutoff = upperBound;
            double phaseBound = Double.NEGATIVE_INFINITY;
            if (portfolio && Double.isFinite(deadline.remainingSeconds())) {
                // incumbent phase: CP-SAT on every worker finds good plans sooner than a
                // one-worker CP-SAT beside SCIP; SCIP then gets the better plan as its cutoff
                CpSatSearch.Result first = CpSatSearch.run(m.model, options.run(),
                        deadline.share(INCUMBENT_PHASE_SHARE, stopBoth), options.run().workers(),
                        "CP-SAT search (ip, incumbent phase)", scale);
                stats.put("incumbentPhaseSeconds", first.seconds());
                EngineStatus phase = EngineStatus.of(first.status());
                if (phase.settled()) {
                    double bound = phase == EngineStatus.INFEASIBLE ? upperBound : scale.time(first.bound());
                    return SearchOutcome.proven(first.hasSolution() ? m.decode(first.solver()) : null, bound);
                }
                phaseBound = scale.time(first.bound());
                if (first.hasSolution()) {
                    Placement found = m.decode(first.solver());
                    PlanEvaluation e = PlanEvaluation.of(problem, found);
                    if (e.feasible() && e.value(options.objective()) < cutoff) {
                        candidates.add(found);
                        cutoff = e.value(options.objective());
                        incumbent = found;
                        m.hint(found);
                    }
                }
                // a better plan forbids more cuts: the second phase may work on fewer units
                UnitGraph rejoined = CutDominance.join(problem, units, cutoff);
                if (rejoined.size() < joined.size()) {
                    joined = rejoined;
                    m = new AssignmentModel(problem, joined, options.objective(), scale, lowerBound, cutoff);
                    m.hint(incumbent);
                }
                stats.put("joinedUnitsAfterPhase", joined.size());
            }
            Deadline shared = deadline.share(1, stopBoth);
            Future<ScipAssignmentModel.Result> scip = null;
            ExecutorService thread = null;
            ScipAssignmentModel mip = null;
            if (portfolio) {
                mip = new ScipAssignmentModel(problem, joined, options.objective(), lowerBound, cutoff);
                mip.hint(incumbent);
                ScipAssignmentModel running = mip;
                double seconds = deadline.remainingSeconds();
                thread = Executors.newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, "pipeplan-scip");
                    t.setDaemon(true);
                    return t;
                });
                scip = thread.submit(() -> {
                    ScipAssignmentModel.Result result = running.solve(Double.isFinite(seconds) ? seconds : 1e9,
                            stopBoth);
                    if (result.status().settled()) {
                        stopBoth.requestStop(); // proven: CP-SAT may stop
                    }
                    return result;
                });
            }
            double frontierBound = Double.NEGATIVE_INFINITY;
            if (portfolio && Double.isFinite(deadline.remainingSeconds())
                    && options.objective() == org.pipeplan.placement.Objective.MAX_LOAD) {
                // the frontier program's bound sees the balancing that the LP relaxations miss
                frontierBound = frontierBound(problem, joined, Math.max(lowerBound, phaseBound), cutoff,
                        deadline.share(FRONTIER_SHARE, stopBoth), stats);
                if (frontierBound >= cutoff * (1 - OPTIMALITY_TOLERANCE)) {
                    stopBoth.requestStop(); // the incumbent is proven optimal: SCIP may stop
                }
            }
            CpSatSearch.Result r = CpSatSearch.run(m.model, options.run(), shared, portfolio ? options.run().workers() - 1
                    : options.run().workers(), "CP-SAT search (ip)", scale);
            stats.put("cpSatSeconds", r.seconds());

            double bound = Math.max(Math.max(Math.max(phaseBound, frontierBound), lowerBound),
                    r.status() == CpSolverStatus.INFEASIBLE ? cutoff : scale.time(r.bound()));
            Map<Engine, EngineStatus> engines = new EnumMap<>(Engine.class);
            engines.put(Engine.CP_SAT, EngineStatus.of(r.status()));
            if (r.hasSolution()) {
                candidates.add(m.decode(r.solver()));
            }
            if (scip != null) {
                stopBoth.requestStop(); // CP-SAT is done: SCIP stops too
                ScipAssignmentModel.Result s = scip.get();
                thread.shutdownNow();
                engines.put(Engine.SCIP, s.status());
                bound = Math.max(bound, Math.min(cutoff, s.bound()));
                if (s.placement() != null) {
                    candidates.add(s.placement());
                }
            }
            Placement best = null;
            double bestValue = Double.POSITIVE_INFINITY;
            for (Placement p : candidates) {
                PlanEvaluation e = PlanEvaluation.of(problem, p);
                if (e.feasible() && e.value(options.objective()) < bestValue) {
                    best = p;
                    bestValue = e.value(options.objective());
                }
            }
            boolean proven = r.status() == CpSolverStatus.OPTIMAL || engines.get(Engine.SCIP) == EngineStatus.OPTIMAL
                    || frontierBound >= cutoff * (1 - OPTIMALITY_TOLERANCE);
            return new SearchOutcome(best, List.of(), bound, proven, engines);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return SearchOutcome.interrupted(lowerBound);
        } catch (IllegalArgumentException e) {
            throw e; // bad tuning parameters: the user's error, reported as it is
        } catch (Exception e) {
            throw new IllegalStateException("integer programming failed: " + e.getMessage(), e);
        }
    }

    /**
     * The lower bound of the packing relaxation ({@link PackingBound}) below the incumbent, or
     * {@code known} where it proves nothing more.
     */
    static double packingBound(PlacementProblem problem, UnitGraph units, double known, double incumbent,
                               Deadline deadline, Map<String, Number> stats) {
        if (!Double.isFinite(incumbent) || incumbent <= known) {
            return known;
        }
        PackingBound.Result r = new PackingBound(problem, units).lowerBound(known, incumbent, deadline);
        stats.put("packingSeconds", r.seconds());
        stats.put("packingWholeUnits", r.wholeUnits());
        stats.put("packingNodes", r.nodes());
        if (r.bound() > known) {
            stats.put("packingBound", r.bound());
        }
        return r.bound();
    }

    /**
     * The lower bound of the frontier program ({@link FrontierDp}) below the incumbent, or -infinity
     * where the program does not apply (too many devices, too many groups open at once).
     */
    static double frontierBound(PlacementProblem problem, UnitGraph units, double known, double incumbent,
                                Deadline deadline, Map<String, Number> stats) {
        if (problem.devices().size() > FrontierDp.MAX_DEVICES || !Double.isFinite(incumbent)) {
            return Double.NEGATIVE_INFINITY;
        }
        long start = System.nanoTime();
        FrontierDp dp = new FrontierDp(problem, units);
        stats.put("frontierWidth", dp.width());
        if (dp.width() > FrontierDp.MAX_WIDTH) {
            return Double.NEGATIVE_INFINITY;
        }
        double bound = dp.lowerBound(known, incumbent, deadline);
        stats.put("frontierSeconds", (System.nanoTime() - start) / 1e9);
        if (bound > known) {
            stats.put("frontierBound", bound);
        }
        return bound;
    }

    static double smallestAcceleratorMemory(PlacementProblem problem) {
        return problem.devices().all().stream().filter(d -> d.isAccelerator())
                .mapToDouble(d -> d.memoryLimit()).min().orElse(Double.POSITIVE_INFINITY);
    }
}
