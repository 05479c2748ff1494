package org.pipeplan.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.placement.Placement;
import org.pipeplan.placement.evaluate.PlanEvaluation;
import org.pipeplan.placement.format.PlanFileReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        description = {"Evaluates a given split of a graph.",
            "Prints per-device load, max-load, memory, feasibility and contiguity. PLAN is a pipeplan plan or a "
                + "split in the reference format (fpgas/cpus node lists, as the human-expert splits); nodes it "
                + "leaves out follow their colocation class, so an inference split also places the training graph. "
                + "Exits with 3 when the split breaks a hard constraint."})
final class EvaluateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ProblemOptions problemOptions;

    @Option(names = {"-p", "--plan"}, required = true, paramLabel = "PLAN.json", description = "The split to evaluate.")
    Path planFile;

    @Option(names = "--show-nodes", description = "List the node ids on every device.")
    boolean showNodes;

    @Override
    public Integer call() {
        PrintWriter w = spec.commandLine().getOut();
        PlacementProblem problem = problemOptions.load();
        Placement placement = PlanFileReader.read(planFile, problem);
        PlanEvaluation evaluation = PlanEvaluation.of(problem, placement);
        w.println(PlanPrinter.describe(problem));
        w.println("plan " + planFile + ": " + PlanPrinter.metrics(problem, evaluation));
        w.println("contiguous " + (evaluation.loads().contiguity().contiguous() ? "yes" : "no") + "  feasible "
                + (evaluation.feasible() ? "yes" : "NO"));
        w.println();
        w.print(PlanPrinter.deviceTable(evaluation.loads(), List.of()));
        PlanPrinter.printProblems(w, evaluation);
        if (showNodes) {
            w.println();
            PlanPrinter.printNodes(w, problem, placement);
        }
        return evaluation.feasible() ? 0 : PipeplanCommand.EXIT_INFEASIBLE;
    }
}
