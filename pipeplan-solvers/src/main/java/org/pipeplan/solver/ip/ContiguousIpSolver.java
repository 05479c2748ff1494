package org.pipeplan.solver.ip;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.plan.Objective;
import org.pipeplan.plan.Placement;
import org.pipeplan.plan.Plan;
import org.pipeplan.solver.Deadline;
import org.pipeplan.solver.SolverOptions;
import org.pipeplan.solver.ideal.Contraction;
import org.pipeplan.solver.ideal.ContractionOptions;
import org.pipeplan.solver.ideal.LinearDpSolver;
import org.pipeplan.solver.ideal.UnitGraph;

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
    protected Plan warmStart(PlacementProblem problem, SolverOptions options) {
        return new LinearDpSolver().solve(problem, options.withObjective(Objective.MAX_LOAD));
    }

    @Override
    protected Search search(PlacementProblem problem, SolverOptions options, Deadline deadline, Plan start,
                            ModelScale scale, double lowerBound, double upperBound, Map<String, Number> stats) {
        requireIdenticalDevices(problem, name());
        UnitGraph units = Contraction.contract(problem.graph(), ContractionOptions.exact(),
                NonContiguousIpSolver.smallestAcceleratorMemory(problem));
        stats.put("units", units.size());
        units = org.pipeplan.solver.ideal.Coarsening.forSolver(units, problem.devices(), options.coarsenAbove(), stats);
        PipelineModel m = new PipelineModel(problem, units, options.objective(), scale, lowerBound, upperBound);
        m.hint(start.placement(), start.pipelineOrder());
        CpSatSearch.Result r = CpSatSearch.run(m.model, options, deadline, options.workers(), "CP-SAT search (ip-contig)",
                scale);
        stats.put("cpSatSeconds", r.seconds());
        List<Integer> order = new ArrayList<>();
        Placement placement = r.hasSolution() ? m.decode(r.solver(), order) : null;
        return new Search(placement, order, scale.time(r.bound()), r.status().name());
    }
}
