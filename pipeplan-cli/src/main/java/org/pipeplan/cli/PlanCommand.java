package org.pipeplan.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.pipeplan.cli.options.ClusterSettings;
import org.pipeplan.cli.options.PlannerNames;
import org.pipeplan.cli.options.ProblemOptions;
import org.pipeplan.cli.options.SolverSettings;
import org.pipeplan.cli.options.UsageError;
import org.pipeplan.cli.output.ClusterPlanPrinter;
import org.pipeplan.cli.output.PlanPrinter;
import org.pipeplan.cli.output.TerminalProgress;
import org.pipeplan.cli.output.TextTable;
import org.pipeplan.cli.output.TrainingPlanPrinter;
import org.pipeplan.cluster.ClusterOptions;
import org.pipeplan.cluster.ClusterPlan;
import org.pipeplan.cluster.ClusterPlanner;
import org.pipeplan.cluster.ClusterPlanners;
import org.pipeplan.cluster.ClusterProblem;
import org.pipeplan.cluster.training.TrainingPlan;
import org.pipeplan.cluster.training.TrainingPlanner;
import org.pipeplan.cluster.training.TrainingProblem;
import org.pipeplan.edgetpu.EdgeTpuOptions;
import org.pipeplan.edgetpu.EdgeTpuSchedulers;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.io.InputException;
import org.pipeplan.placement.Objective;
import org.pipeplan.placement.PlacementSolver;
import org.pipeplan.placement.PlacementSolvers;
import org.pipeplan.placement.Plan;
import org.pipeplan.placement.evaluate.PlanEvaluation;
import org.pipeplan.placement.format.PlanJsonWriter;
import org.pipeplan.planner.PlanStatus;
import org.pipeplan.planner.UnsupportedProblemException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "plan", mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        description = {"Finds a placement of a graph (or a plan for a GPU cluster) and prints it.",
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
    ClusterSettings cluster;

    @Option(names = "--episodes", paramLabel = "N", defaultValue = "2000",
            description = "dqn: episodes (plans built) at most; --time-limit also stops it (default: ${DEFAULT-VALUE}).")
    int episodes;

    @Option(names = {"-s", "--solver"}, defaultValue = "dp", completionCandidates = PlannerNames.class,
            description = "Solver: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}). The placement solvers place the "
                    + "graph on its devices; the cluster planners (parallel: the exact search; pipeline-gpus: the exact "
                    + "search over plain pipelines; dqn: the DQN plan search) plan for a GPU cluster made of the "
                    + "accelerators: inference graphs as stages that may be replicated and split (docs/parallel.md), "
                    + "training graphs and --model transformers as training plans that minimise the iteration time "
                    + "(tensor, pipeline and data degrees, virtual stages, micro-batch, schedule, ZeRO, recomputation; "
                    + "docs/training.md); the Edge TPU schedulers (compiler, order, exact, "
                    + "learned) split an ONNX model over --devices edge-tpu:N beside the compiler's split (docs/edgetpu.md).")
    String solver;

    @Option(names = {"-o", "--out"}, paramLabel = "PLAN.json", description = "Write the plan here (docs/plan-format.md).")
    Path out;

    @Option(names = "--export", paramLabel = "FORMAT",
            description = "Training on a cluster: also print the plan as megatron (Megatron-LM arguments) or deepspeed "
                    + "(a DeepSpeed config JSON) (docs/training.md).")
    String export;

    @Option(names = "--export-out", paramLabel = "FILE", description = "With --export: write the export to FILE instead.")
    Path exportOut;

    @Option(names = "--show-nodes", description = "List the node ids on every device.")
    boolean showNodes;

    @Option(names = {"-q", "--quiet"}, description = "No progress output.")
    boolean quiet;

    @Override
    public Integer call() {
        settings.countFromProcessStart();
        PrintWriter w = spec.commandLine().getOut();
        if (PlacementSolvers.contains(solver)) {
            return planPlacement(w, PlacementSolvers.byName(solver));
        }
        if (ClusterPlanners.contains(solver)) {
            return planCluster(w, ClusterPlanners.byName(solver));
        }
        if (EdgeTpuSchedulers.contains(solver)) {
            return planEdgeTpu(w);
        }
        throw PlannerNames.unknown(solver);
    }

    /**
     * What a planner cannot take is in the input: the error names the input file (instead of the
     * problem's name, which is the file's without its folder and extension).
     */
    private UnsupportedProblemException namingTheFile(UnsupportedProblemException e, String problemName) {
        Path file = problemOptions.file();
        if (file == null) {
            return e;
        }
        String message = e.getMessage();
        if (message.startsWith(problemName + ": ")) {
            message = message.substring(problemName.length() + 2);
        }
        return new UnsupportedProblemException(file + ": " + message);
    }

    /** Places the graph on its devices. */
    private int planPlacement(PrintWriter w, PlacementSolver chosen) {
        Objective objective = settings.objective();
        problemOptions.aloneTimes(objective == Objective.LATENCY);
        PlacementProblem problem = problemOptions.load();
        if (!chosen.objectives().contains(objective)) {
            throw new UsageError("solver " + solver + " does not minimise " + objective.label()
                    + " (--objective); solvers that do: " + String.join(", ", PlacementSolvers.supporting(objective)));
        }
        w.println(PlanPrinter.describe(problem));
        Plan plan;
        try {
            plan = chosen.solve(problem, settings.options(TerminalProgress.forTerminal(quiet)));
        } catch (UnsupportedProblemException e) {
            throw namingTheFile(e, problem.name());
        }
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
    private int planCluster(PrintWriter w, ClusterPlanner planner) {
        if (episodes < 1) {
            throw new InputException("command line", "--episodes must be >= 1, got " + episodes);
        }
        TrainingExport.check(export, exportOut);
        PlacementProblem loaded = problemOptions.load();
        ClusterProblem problem;
        try {
            problem = cluster.problem(loaded, problemOptions);
        } catch (UnsupportedProblemException e) {
            throw namingTheFile(e, loaded.name());
        }
        ClusterOptions options = new ClusterOptions(settings.run(TerminalProgress.forTerminal(quiet)), episodes);
        if (problem.training()) {
            if (!(planner instanceof TrainingPlanner trainingPlanner)) {
                throw new InputException("command line", "solver " + solver + " does not plan training");
            }
            TrainingProblem training = cluster.trainingProblem(problem, problemOptions);
            TrainingPlan plan = trainingPlanner.plan(training, options);
            boolean feasible = TrainingPlanPrinter.print(w, training, plan, out);
            if (feasible && export != null) {
                TrainingExport.write(w, export, exportOut, plan, problemOptions.hasModelSpec()
                        ? problemOptions.transformerSpec() : null);
            }
            return feasible ? 0 : PipeplanCommand.EXIT_INFEASIBLE;
        }
        if (cluster.hasFix() || export != null) {
            throw new InputException("command line", "--fix and --export apply to training plans (--training, or --model)");
        }
        ClusterPlan plan = planner.solve(problem, options);
        return ClusterPlanPrinter.print(w, problem, plan, out) ? 0 : PipeplanCommand.EXIT_INFEASIBLE;
    }

    /** An Edge TPU scheduler splits an ONNX model over a chain of Edge TPUs, beside the compiler (see the edgetpu command). */
    private int planEdgeTpu(PrintWriter w) {
        if (!problemOptions.isOnnx() || !problemOptions.hasDevices()) {
            throw new InputException("command line", "--solver " + solver + " splits an ONNX model over Edge TPUs: "
                    + "give an .onnx model and --devices edge-tpu:N");
        }
        List<String> schedulers = solver.equals("compiler") ? List.of("compiler") : List.of("compiler", solver);
        EdgeTpuCommand.run(w, problemOptions, schedulers, new EdgeTpuOptions(settings.run(TerminalProgress.forTerminal(quiet)),
                null), out, org.pipeplan.edgetpu.EdgeTpuCostModel.CORAL);
        return 0;
    }
}
