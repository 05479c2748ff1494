package org.pipeplan.cli.options;

import java.nio.file.Path;
import org.pipeplan.cli.output.TerminalProgress;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.placement.Objective;
import org.pipeplan.placement.Placement;
import org.pipeplan.placement.PlacementSolver;
import org.pipeplan.placement.PlacementSolvers;
import org.pipeplan.placement.Plan;
import org.pipeplan.placement.evaluate.PlanEvaluation;
import org.pipeplan.placement.format.PlanFileReader;
import org.pipeplan.planner.PlanStatus;
import picocli.CommandLine.Option;

/** The plan a command works on: read from --plan, or found by a solver. */
public final class PlanSource {

    @Option(names = {"-p", "--plan"}, paramLabel = "PLAN.json",
            description = "The plan (or reference-format split) to use; without it, a solver finds one.")
    Path planFile;

    @Option(names = {"-s", "--solver"}, defaultValue = "dp", completionCandidates = SolverNames.class,
            description = "Solver that finds the plan when --plan is not given (default: ${DEFAULT-VALUE}).")
    String solver;

    /** The file given with --plan, or null. */
    public Path planFile() {
        return planFile;
    }

    public Plan obtain(PlacementProblem problem, SolverSettings settings, boolean quiet) {
        if (planFile != null) {
            Placement placement = PlanFileReader.read(planFile, problem);
            PlanEvaluation e = PlanEvaluation.of(problem, placement);
            return Plan.builder(problem.name(), "given (" + planFile.getFileName() + ")", Objective.MAX_LOAD)
                    .value(e.loads().maxLoad()).status(e.feasible() ? PlanStatus.FEASIBLE : PlanStatus.INFEASIBLE)
                    .placement(placement).pipelineOrder(e.loads().contiguity().pipelineOrder()).build();
        }
        PlacementSolver chosen = PlacementSolvers.byName(solver);
        Objective objective = settings.objective();
        if (!chosen.objectives().contains(objective)) {
            throw new UsageError("solver " + solver + " does not minimise " + objective.label()
                    + " (--objective); solvers that do: " + String.join(", ", PlacementSolvers.supporting(objective)));
        }
        return chosen.solve(problem, settings.options(TerminalProgress.forTerminal(quiet)));
    }
}
