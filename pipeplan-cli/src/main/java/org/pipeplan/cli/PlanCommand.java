package org.pipeplan.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.pipeplan.cost.Evaluation;
import org.pipeplan.cost.MaxLoadEvaluator;
import org.pipeplan.export.PlanJsonWriter;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.plan.Plan;
import org.pipeplan.plan.PlanStatus;
import org.pipeplan.solver.Solvers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "plan", mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        description = {"Finds a placement of a graph and prints it.",
            "Prints the plan's status (OPTIMAL or FEASIBLE with a lower bound), then one row per device with its "
                + "compute, transfers, load and memory, as computed by the independent evaluator. "
                + "--out saves the plan as JSON (docs/plan-format.md)."})
final class PlanCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ProblemOptions problemOptions;

    @Mixin
    SolverSettings settings;

    @Option(names = {"-s", "--solver"}, defaultValue = "dp", completionCandidates = SolverNames.class,
            description = "Solver: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    String solver;

    @Option(names = {"-o", "--out"}, paramLabel = "PLAN.json", description = "Write the plan here (docs/plan-format.md).")
    Path out;

    @Option(names = "--show-nodes", description = "List the node ids on every device.")
    boolean showNodes;

    @Option(names = {"-q", "--quiet"}, description = "No progress output.")
    boolean quiet;

    @Override
    public Integer call() {
        PrintWriter w = spec.commandLine().getOut();
        PlacementProblem problem = problemOptions.load();
        w.println(PlanPrinter.describe(problem));
        Plan plan = Solvers.byName(solver).solve(problem, settings.options(TerminalProgress.forTerminal(quiet)));
        Evaluation evaluation = MaxLoadEvaluator.evaluate(problem, plan.placement());
        w.println(PlanPrinter.summary(plan, evaluation));
        if (Math.abs(evaluation.maxLoad() - plan.objective()) > 1e-9 * Math.max(1, Math.abs(plan.objective()))) {
            w.println("WARNING: the solver's objective " + TextTable.num(plan.objective())
                    + " differs from the evaluator's " + TextTable.num(evaluation.maxLoad()));
        }
        w.println();
        w.print(PlanPrinter.deviceTable(evaluation, plan.pipelineOrder()));
        PlanPrinter.printProblems(w, evaluation);
        if (showNodes) {
            w.println();
            PlanPrinter.printNodes(w, problem, plan.placement());
        }
        if (out != null) {
            PlanJsonWriter.write(out, plan, problem, evaluation);
            w.println("plan written to " + out);
        }
        return plan.status() == PlanStatus.INFEASIBLE ? PipeplanCommand.EXIT_INFEASIBLE : 0;
    }
}
