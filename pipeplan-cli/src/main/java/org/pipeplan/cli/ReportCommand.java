package org.pipeplan.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.pipeplan.cli.options.ClusterSettings;
import org.pipeplan.cli.options.Interrupts;
import org.pipeplan.cli.options.PlanSource;
import org.pipeplan.cli.options.ProblemOptions;
import org.pipeplan.cli.options.SimulationSettings;
import org.pipeplan.cli.options.SolverSettings;
import org.pipeplan.cli.output.TerminalProgress;
import org.pipeplan.cli.output.TrainingPlanPrinter;
import org.pipeplan.cluster.training.TrainingSimulation;
import org.pipeplan.cluster.training.TrainingSimulator;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.io.OutputFiles;
import org.pipeplan.placement.PlacementOptions;
import org.pipeplan.placement.PlacementSolvers;
import org.pipeplan.placement.Plan;
import org.pipeplan.placement.evaluate.PlanEvaluation;
import org.pipeplan.planner.StopSignal;
import org.pipeplan.planner.UnsupportedProblemException;
import org.pipeplan.report.ComparisonRow;
import org.pipeplan.report.HtmlReport;
import org.pipeplan.report.PngCharts;
import org.pipeplan.report.ReportInput;
import org.pipeplan.report.RunMeasurement;
import org.pipeplan.report.RunMeasurementReader;
import org.pipeplan.report.TrainingReport;
import org.pipeplan.sim.PipelineSimulator;
import org.pipeplan.sim.SimulationResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "report", mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        description = {"Writes a self-contained HTML report of a plan (and PNG charts with --png).",
            "The report holds the plan summary, per-device load and memory bars against limits, a Gantt chart of the "
                + "simulated schedule, the operator graph coloured by device (coarsened when large), a table of other "
                + "solvers and baselines on the same graph, and predicted against measured figures when --run gives "
                + "the output of pipeplan run. It needs no network to view. A training plan for a GPU cluster (--plan in "
                + "format pipeplan-training-plan) gets its own report: decisions, model against simulated iteration, "
                + "chunks, memory per rank part by part, and a Gantt chart of the simulated iteration."})
final class ReportCommand implements Callable<Integer> {

    static final List<String> DEFAULT_COMPARISON = List.of("dp", "linear", "pipedream", "single", "local-search");

    @Spec
    CommandSpec spec;

    @Mixin
    ProblemOptions problemOptions;

    @Mixin
    PlanSource planSource;

    @Mixin
    ClusterSettings cluster;

    @Mixin
    SolverSettings settings;

    @Mixin
    SimulationSettings simulation;

    @Option(names = {"-o", "--out"}, paramLabel = "REPORT.html", defaultValue = "pipeplan-report.html",
            description = "Where to write the report (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--png", paramLabel = "DIR", description = "Also write the charts as PNG files into this folder.")
    Path pngFolder;

    @Option(names = "--compare", split = ",", paramLabel = "NAME",
            description = "Solvers and baselines for the comparison table, or none (default: dp, linear, pipedream, single, local-search).")
    List<String> compare;

    @Option(names = "--run", paramLabel = "RUN.json", description = "Measurements of the plan from pipeplan run --out.")
    Path runFile;

    @Option(names = {"-q", "--quiet"}, description = "No progress output.")
    boolean quiet;

    @Override
    public Integer call() {
        PrintWriter w = spec.commandLine().getOut();
        if (TrainingPlanFile.is(planSource.planFile())) {
            return reportTraining(w);
        }
        PlacementProblem problem = problemOptions.load();
        RunMeasurement run = runFile == null ? null : RunMeasurementReader.read(runFile);
        List<String> methods = compare == null ? DEFAULT_COMPARISON
                : compare.size() == 1 && compare.get(0).equals("none") ? List.of() : compare;
        methods.forEach(PlacementSolvers::byName); // unknown names fail before any work
        var simOptions = simulation.options(problem);
        Plan plan = planSource.obtain(problem, settings, quiet);
        if (Interrupts.signal().isRequested()) {
            plan = plan.toBuilder().note("interrupted: the best plan the solver had found" + (plan.note().isEmpty() ? ""
                    : "; " + plan.note())).build();
        }
        PlanEvaluation evaluation = PlanEvaluation.of(problem, plan.placement());
        SimulationResult sim = PipelineSimulator.simulate(problem, plan.placement(), simOptions);
        List<ComparisonRow> rows = compare(problem, methods);
        ReportInput input = new ReportInput(problem, plan, evaluation, sim, rows, run);
        write(HtmlReport.render(input));
        w.println("report written to " + out);
        if (pngFolder != null) {
            for (Path p : PngCharts.write(input, pngFolder)) {
                w.println("chart written to " + p);
            }
        }
        return evaluation.feasible() ? 0 : PipeplanCommand.EXIT_INFEASIBLE;
    }

    /** A training plan's report: its figures, chunks, memory per rank and the simulated iteration. */
    private int reportTraining(PrintWriter w) {
        TrainingPlanFile f = TrainingPlanFile.read(planSource.planFile(), problemOptions, cluster, w);
        TrainingSimulation sim = TrainingSimulator.simulate(f.problem().cost(f.plan().setup()), f.plan().boundaries(), true);
        write(TrainingReport.render(TrainingPlanPrinter.describe(f.problem()), f.plan(), sim,
                f.problem().workload().problem().cluster().memoryBytes()));
        w.println("report written to " + out);
        return f.plan().evaluation().feasible() ? 0 : PipeplanCommand.EXIT_INFEASIBLE;
    }

    private void write(String html) {
        try {
            Path parent = out.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            OutputFiles.writeString(out, html);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
        }
    }

    /**
     * Every comparison method's plan. After an interrupt (Ctrl-C) the solver that was running
     * keeps the best plan it had and its row says INTERRUPTED; the methods after it are not run
     * (their rows say so) rather than stopped at once with a trivial plan.
     */
    private List<ComparisonRow> compare(PlacementProblem problem, List<String> methods) {
        List<ComparisonRow> rows = new ArrayList<>();
        PlacementOptions options = settings.options(TerminalProgress.forTerminal(quiet));
        StopSignal stop = options.run().stop();
        for (String name : methods) {
            if (stop.isRequested()) {
                rows.add(ComparisonRow.notRun(name));
                continue;
            }
            Plan p;
            try {
                p = CompareCommand.solveFor(PlacementSolvers.byName(name), problem, options);
            } catch (UnsupportedProblemException e) {
                continue; // not applicable to this graph (the compare command lists why)
            }
            PlanEvaluation e = PlanEvaluation.of(problem, p.placement());
            String status = stop.isRequested() ? "INTERRUPTED (" + p.status().name() + ")" : p.status().name();
            rows.add(new ComparisonRow(name, status, e.loads().maxLoad(), e.latency().latency(),
                    p.lowerBound(), p.gap(), e.loads().contiguity().contiguous(), e.feasible(), p.seconds()));
        }
        return rows;
    }
}
