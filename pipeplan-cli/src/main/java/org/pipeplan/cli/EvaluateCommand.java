package org.pipeplan.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.pipeplan.cost.Evaluation;
import org.pipeplan.cost.MaxLoadEvaluator;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.io.PlanFileReader;
import org.pipeplan.plan.Placement;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"Evaluates a given split of FILE's graph: per-device load, max-load, memory,",
            "feasibility and contiguity. PLAN is a pipeplan plan or a reference split (fpgas/cpus lists);",
            "nodes it leaves out follow their colocation class."})
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
        Evaluation evaluation = MaxLoadEvaluator.evaluate(problem, placement);
        w.println(PlanPrinter.describe(problem));
        w.println("plan " + planFile + ": max-load " + TextTable.num(evaluation.maxLoad()) + "  throughput "
                + TextTable.num(evaluation.throughput(), 6) + "  contiguous "
                + (evaluation.contiguity().contiguous() ? "yes" : "no") + "  feasible "
                + (evaluation.feasible() ? "yes" : "NO"));
        w.println();
        w.print(PlanPrinter.deviceTable(evaluation, List.of()));
        PlanPrinter.printProblems(w, evaluation);
        if (showNodes) {
            w.println();
            PlanPrinter.printNodes(w, problem, placement);
        }
        return evaluation.feasible() ? 0 : PipeplanCommand.EXIT_INFEASIBLE;
    }
}
