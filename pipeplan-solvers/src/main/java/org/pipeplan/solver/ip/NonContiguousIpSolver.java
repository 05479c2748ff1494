package org.pipeplan.solver.ip;

import java.util.List;
import java.util.Map;
import com.google.ortools.sat.CpSolverStatus;
import java.util.ArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.pipeplan.solver.StopSignal;
import org.pipeplan.plan.Placement;
import org.pipeplan.cost.PlanEvaluation;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.plan.Plan;
import org.pipeplan.solver.Deadline;
import org.pipeplan.solver.SolverOptions;
import org.pipeplan.solver.baseline.LocalSearchSolver;
import org.pipeplan.solver.ideal.Contraction;
import org.pipeplan.solver.ideal.ContractionOptions;
import org.pipeplan.solver.ideal.ExactDpSolver;
import org.pipeplan.solver.ideal.UnitGraph;

/**
 * Optimal splits that need not be contiguous (ip.py noncontig), by CP-SAT on
 * {@link AssignmentModel}. Warm start: the better of the optimal contiguous split (DP over ideals)
 * and the local search, so the result is never worse than either.
 */
public final class NonContiguousIpSolver extends ThroughputIpSolver {

    @Override
    public String name() {
        return "ip";
    }

    @Override
    public String description() {
        return "integer program (CP-SAT): optimal split, contiguous or not";
    }

    @Override
    protected Plan warmStart(PlacementProblem problem, SolverOptions options) {
        SolverOptions half = options.withTimeLimit(options.timeLimitSeconds() / 2);
        Plan dp = new ExactDpSolver().solve(problem, half.withObjective(org.pipeplan.plan.Objective.MAX_LOAD));
        Plan local = new LocalSearchSolver().solve(problem, half.withObjective(org.pipeplan.plan.Objective.MAX_LOAD));
        PlanEvaluation a = PlanEvaluation.of(problem, dp.placement());
        PlanEvaluation b = PlanEvaluation.of(problem, local.placement());
        if (!b.feasible()) {
            return dp;
        }
        return a.feasible() && a.value(options.objective()) <= b.value(options.objective()) ? dp : local;
    }

    /**
     * Joins the units that no plan better than the warm start can separate ({@link CutDominance}),
     * then searches with CP-SAT and, given two or more workers, SCIP on one of them at the same
     * time: the better plan and the better bound win, and whichever proves optimality first stops
     * the other.
     */
    @Override
    protected Search search(PlacementProblem problem, SolverOptions options, Deadline deadline, Plan start,
                            ModelScale scale, double lowerBound, double upperBound, Map<String, Number> stats) {
        UnitGraph units = Contraction.contract(problem.graph(), ContractionOptions.nonContiguous(),
                smallestAcceleratorMemory(problem));
        UnitGraph joined = CutDominance.join(problem, units, upperBound);
        stats.put("units", units.size());
        stats.put("joinedUnits", joined.size());

        StopSignal stopBoth = new StopSignal();
        try (AutoCloseable link = options.stop().onStop(stopBoth::requestStop)) {
            Deadline shared = Deadline.in(deadline.remainingSeconds(), stopBoth);
            boolean portfolio = options.workers() >= 2;
            Future<ScipAssignmentModel.Result> scip = null;
            ExecutorService thread = null;
            ScipAssignmentModel mip = null;
            if (portfolio) {
                mip = new ScipAssignmentModel(problem, joined, options.objective(), lowerBound, upperBound);
                mip.hint(start.placement());
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
                    if (result.status().equals("OPTIMAL") || result.status().equals("INFEASIBLE")) {
                        stopBoth.requestStop(); // proven: CP-SAT may stop
                    }
                    return result;
                });
            }
            AssignmentModel m = new AssignmentModel(problem, joined, options.objective(), scale, lowerBound, upperBound);
            m.hint(start.placement());
            CpSatSearch.Result r = CpSatSearch.run(m.model, options, shared, portfolio ? options.workers() - 1
                    : options.workers(), "CP-SAT search (ip)", scale);
            stats.put("cpSatSeconds", r.seconds());

            List<Placement> candidates = new ArrayList<>();
            double bound = r.status() == CpSolverStatus.INFEASIBLE ? upperBound : scale.time(r.bound());
            String status = "CP-SAT " + r.status().name();
            if (r.hasSolution()) {
                candidates.add(m.decode(r.solver()));
            }
            if (scip != null) {
                stopBoth.requestStop(); // CP-SAT is done: SCIP stops too
                ScipAssignmentModel.Result s = scip.get();
                thread.shutdownNow();
                status += ", SCIP " + s.status();
                bound = Math.max(bound, Math.min(upperBound, s.bound()));
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
            boolean proven = r.status() == CpSolverStatus.OPTIMAL || status.contains("SCIP OPTIMAL");
            return new Search(best, List.of(), bound, proven ? "OPTIMAL" : status);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Search(null, List.of(), lowerBound, "interrupted");
        } catch (Exception e) {
            throw new IllegalStateException("integer programming failed: " + e.getMessage(), e);
        }
    }

    static double smallestAcceleratorMemory(PlacementProblem problem) {
        return problem.devices().all().stream().filter(d -> d.isAccelerator())
                .mapToDouble(d -> d.memoryLimit()).min().orElse(Double.POSITIVE_INFINITY);
    }
}
