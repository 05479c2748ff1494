package org.pipeplan.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.placement.Objective;
import org.pipeplan.placement.PlacementSolver;
import org.pipeplan.placement.PlacementSolvers;
import org.pipeplan.placement.Plan;
import org.pipeplan.placement.evaluate.PlanEvaluation;
import org.pipeplan.placement.format.PlanJsonWriter;
import org.pipeplan.planner.PlanStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "plan", mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        description = {"Finds a placement of a graph and prints it.",
            "Prints the plan's status (OPTIMAL, or FEASIBLE with a lower bound and gap), its max-load, throughput "
                + "and latency, then one row per device with its compute, transfers, load and memory, as computed "
                + "by the independent evaluators. --out saves the plan as JSON (docs/plan-format.md). Ctrl-C stops "
                + "the solver and keeps the best plan found so far."})
final class PlanCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ProblemOptions problemOptions;

    @Mixin
    SolverSettings settings;

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--episodes", paramLabel = "N", defaultValue = "2000",
            description = "dqn: episodes (plans built) at most; --time-limit also stops it (default: ${DEFAULT-VALUE}).")
    int episodes;

    @Option(names = {"-s", "--solver"}, defaultValue = "dp", completionCandidates = SolverNames.class,
            description = "Solver: ${COMPLETION-CANDIDATES}; learned (the learned Edge TPU scheduler, for an ONNX model on "
                    + "--devices edge-tpu:N); or, on a GPU cluster made of the accelerators (docs/parallel.md): dqn (the "
                    + "DQN plan search), parallel (the exact DP over stages, replicas and split degrees), pipeline-gpus (the "
                    + "exact DP over plain pipelines) (default: ${DEFAULT-VALUE}).")
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
        if (solver.equals("learned")) {
            return planEdgeTpu(w);
        }
        if (ParallelPlanning.SOLVERS.contains(solver)) {
            return planCluster(w);
        }
        PlacementProblem problem = problemOptions.load();
        PlacementSolver chosen = PlacementSolvers.byName(solver);
        Objective objective = settings.objective();
        if (!chosen.objectives().contains(objective)) {
            throw new IllegalArgumentException("solver " + solver + " does not minimise " + objective.label()
                    + "; solvers that do: " + String.join(", ", PlacementSolvers.supporting(objective)));
        }
        w.println(PlanPrinter.describe(problem));
        Plan plan = chosen.solve(problem, settings.options(TerminalProgress.forTerminal(quiet)));
        PlanEvaluation evaluation = PlanEvaluation.of(problem, plan.placement());
        w.println(PlanPrinter.summary(problem, plan, evaluation));
        double evaluated = evaluation.value(plan.objective());
        if (Math.abs(evaluated - plan.value()) > 1e-9 * Math.max(1, Math.abs(plan.value()))) {
            w.println("WARNING: the solver's value " + TextTable.num(plan.value()) + " differs from the evaluator's "
                    + TextTable.num(evaluated));
        }
        w.println();
        w.print(PlanPrinter.deviceTable(evaluation.loads(), plan.pipelineOrder()));
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

    /** Plans for a GPU cluster: pipeline stages, replication and operator splitting. */
    private int planCluster(PrintWriter w) {
        if (episodes < 1) {
            throw new org.pipeplan.io.InputException("command line", "--episodes must be >= 1, got " + episodes);
        }
        var problem = cluster.problem(problemOptions.load(), problemOptions);
        var dqn = org.pipeplan.cluster.dqn.DqnSettings.defaults().withEpisodes(episodes).withTimeLimit(settings.timeLimit)
                .withSeed(settings.seed);
        var plan = ParallelPlanning.solve(problem, solver, dqn, TerminalProgress.forTerminal(quiet), Interrupts.signal());
        return ParallelPlanning.print(w, problem, plan, out);
    }

    /** The learned scheduler splits an ONNX model over a chain of Edge TPUs (see the edgetpu command). */
    private int planEdgeTpu(PrintWriter w) {
        if (!problemOptions.file.toString().endsWith(".onnx") || problemOptions.devices == null) {
            throw new org.pipeplan.io.InputException("command line", "--solver learned splits an ONNX model over Edge TPUs: "
                    + "give an .onnx model and --devices edge-tpu:N");
        }
        EdgeTpuCommand.run(w, problemOptions, java.util.List.of("compiler", "learned"),
                settings.options(TerminalProgress.forTerminal(quiet)), null, out);
        return 0;
    }
}
