package org.pipeplan.placement.ip;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.ortools.CpSatSearch;
import org.pipeplan.ortools.Engine;
import org.pipeplan.ortools.EngineStatus;
import org.pipeplan.ortools.ModelScale;
import org.pipeplan.placement.Objective;
import org.pipeplan.placement.Placement;
import org.pipeplan.placement.PlacementOptions;
import org.pipeplan.placement.Plan;
import org.pipeplan.placement.ideal.LinearDpSolver;
import org.pipeplan.planner.Deadline;
import org.pipeplan.units.Contraction;
import org.pipeplan.units.ContractionOptions;
import org.pipeplan.units.UnitGraph;

/**
 * Optimal contiguous (pipeline) splits by CP-SAT on {@link PipelineModel}: the same plan space as
 * the DP over ideals, found independently of it. Warm start: the best split along one
 * topological order, so that the optimum is the program's own result.
 */
public final class ContiguousIpSolver extends ThroughputIpSolver {

    @Override
    public String name() {
        return "ip-contig";
    }

    @Override
    public String description() {
        return "integer program (CP-SAT): optimal contiguous split";
    }

    @Override
    protected Plan warmStart(PlacementProblem problem, PlacementOptions options) {
        return new LinearDpSolver().solve(problem, options.withObjective(Objective.MAX_LOAD));
    }

    @Override
    SearchOutcome search(PlacementProblem problem, PlacementOptions options, Deadline deadline, Plan start,
                            ModelScale scale, double lowerBound, double upperBound, Map<String, Number> stats) {
        requireIdenticalDevices(problem, name());
        UnitGraph units = Contraction.contract(problem.graph(), ContractionOptions.exact(),
                NonContiguousIpSolver.smallestAcceleratorMemory(problem));
        stats.put("units", units.size());
        units = org.pipeplan.units.Coarsening.forSolver(units, problem.devices(), options.coarsenAbove(), stats);
        PipelineModel m = new PipelineModel(problem, units, options.objective(), scale, lowerBound, upperBound);
        m.hint(start.placement(), start.pipelineOrder());
        CpSatSearch.Result r = CpSatSearch.run(m.model, options.run(), deadline, options.run().workers(), "CP-SAT search (ip-contig)",
                scale);
        stats.put("cpSatSeconds", r.seconds());
        List<Integer> order = new ArrayList<>();
        Placement placement = r.hasSolution() ? m.decode(r.solver(), order) : null;
        EngineStatus engine = EngineStatus.of(r.status());
        return new SearchOutcome(placement, order, scale.time(r.bound()), engine == EngineStatus.OPTIMAL,
                Map.of(Engine.CP_SAT, engine));
    }
}
