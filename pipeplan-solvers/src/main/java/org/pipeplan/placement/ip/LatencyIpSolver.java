package org.pipeplan.placement.ip;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pipeplan.bound.LatencyLowerBound;
import org.pipeplan.device.Device;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.ortools.CpSatRuntime;
import org.pipeplan.ortools.CpSatSearch;
import org.pipeplan.ortools.ModelScale;
import org.pipeplan.placement.Objective;
import org.pipeplan.placement.Placement;
import org.pipeplan.placement.PlacementOptions;
import org.pipeplan.placement.PlacementSolver;
import org.pipeplan.placement.Plan;
import org.pipeplan.placement.baseline.GreedyLatencySolver;
import org.pipeplan.placement.evaluate.LatencyEvaluator;
import org.pipeplan.placement.evaluate.PlanEvaluation;
import org.pipeplan.placement.ideal.ExactDpSolver;
import org.pipeplan.planner.Deadline;
import org.pipeplan.planner.PlanStatus;
import org.pipeplan.planner.UnsupportedProblemException;
import org.pipeplan.units.Contraction;
import org.pipeplan.units.ContractionOptions;
import org.pipeplan.units.UnitGraph;

/**
 * Least single-sample latency with at most q subgraphs per accelerator ({@code --subgraphs}), by
 * CP-SAT on {@link LatencyModel}. Warm start: the better of the greedy baseline and the max-load
 * optimal split. The plan's latency is re-scored by the independent latency evaluator.
 */
public final class LatencyIpSolver implements PlacementSolver {

    @Override
    public String name() {
        return "latency";
    }

    @Override
    public String description() {
        return "integer program (CP-SAT): least single-sample latency, q subgraphs per accelerator";
    }

    @Override
    public Set<Objective> objectives() {
        return Set.of(Objective.LATENCY);
    }

    @Override
    public Plan solve(PlacementProblem problem, PlacementOptions options) {
        long start = System.nanoTime();
        if (problem.graph().hasBackward()) {
            throw new UnsupportedProblemException("the latency model is for inference graphs; this graph has backward nodes");
        }
        ThroughputIpSolver.requireIdenticalDevices(problem, name());
        CpSatRuntime.load();
        Deadline deadline = options.run().deadline();
        double warmLimit = Double.isFinite(deadline.remainingSeconds())
                ? Math.max(0.01, deadline.remainingSeconds() * ThroughputIpSolver.WARM_START_SHARE) : 0;
        PlacementOptions warmOptions = options.withTimeLimit(warmLimit);
        List<Plan> starts = List.of(new GreedyLatencySolver().solve(problem, warmOptions.withObjective(Objective.LATENCY)),
                new ExactDpSolver().solve(problem, warmOptions.withObjective(Objective.MAX_LOAD)));
        Placement best = null;
        double bestValue = Double.POSITIVE_INFINITY;
        for (Plan p : starts) {
            PlanEvaluation e = PlanEvaluation.of(problem, p.placement());
            if (e.feasibleFor(Objective.LATENCY) && e.latency().latency() < bestValue) {
                best = p.placement();
                bestValue = e.latency().latency();
            }
        }
        Map<String, Number> stats = new LinkedHashMap<>();
        stats.put("warmStart", bestValue);
        double lowerBound = LatencyLowerBound.of(problem);
        UnitGraph units = Contraction.contract(problem.graph(), ContractionOptions.exact(),
                NonContiguousIpSolver.smallestAcceleratorMemory(problem));
        stats.put("units", units.size());
        int fineUnits = units.size();
        units = org.pipeplan.units.Coarsening.forSolver(units, problem.devices(), options.coarsenAbove(), stats);
        ModelScale scale = ModelScale.forMaximum(Double.isFinite(bestValue) ? bestValue
                : problem.graph().operators().stream().mapToDouble(o -> o.computeTimes().values().stream()
                        .mapToDouble(Double::doubleValue).max().orElse(0)).sum());
        LatencyModel model = new LatencyModel(problem, units, options.subgraphs(), scale, lowerBound, bestValue,
                units.size() < fineUnits);
        if (best != null) {
            model.hint(best, LatencyEvaluator.pieceNumbers(problem, best));
        }
        CpSatSearch.Result r = CpSatSearch.run(model.model, options.run(), deadline, options.run().workers(),
                "CP-SAT search (latency)", scale);
        stats.put("cpSatSeconds", r.seconds());
        if (r.hasSolution()) {
            Placement found = model.decode(r.solver());
            PlanEvaluation e = PlanEvaluation.of(problem, found);
            if (e.feasibleFor(Objective.LATENCY) && e.latency().latency() <= bestValue) {
                best = found;
                bestValue = e.latency().latency();
            }
        }
        if (best == null) {
            Device anywhere = problem.devices().get(0);
            int[] all = new int[problem.graph().size()];
            java.util.Arrays.fill(all, anywhere.index());
            best = new Placement(all, problem.devices().size());
            bestValue = PlanEvaluation.of(problem, best).latency().latency();
        }
        double bound = Math.min(bestValue, Math.max(lowerBound, scale.time(r.bound())));
        boolean feasible = PlanEvaluation.of(problem, best).feasibleFor(Objective.LATENCY);
        PlanStatus status = !feasible ? PlanStatus.INFEASIBLE
                : bestValue - bound <= ThroughputIpSolver.OPTIMALITY_TOLERANCE * bestValue ? PlanStatus.OPTIMAL
                : PlanStatus.FEASIBLE;
        String note = status == PlanStatus.FEASIBLE ? "CP-SAT stopped (" + r.status().name()
                + (options.run().stop().isRequested() ? ", interrupted" : "") + "): best plan found, not proven optimal" : "";
        return Plan.builder(problem.name(), name(), Objective.LATENCY).value(bestValue).lowerBound(bound).status(status)
                .placement(best).secondsSince(start).stats(stats).note(note).build();
    }
}
