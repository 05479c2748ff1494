package org.pipeplan.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.pipeplan.cli.options.ExpertSplits;
import org.pipeplan.cli.options.ProblemOptions;
import org.pipeplan.cli.options.SolverNames;
import org.pipeplan.cli.options.SolverSettings;
import org.pipeplan.cli.output.PlanPrinter;
import org.pipeplan.cli.output.TerminalProgress;
import org.pipeplan.cli.output.TextTable;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.placement.Objective;
import org.pipeplan.placement.PlacementOptions;
import org.pipeplan.placement.PlacementSolvers;
import org.pipeplan.placement.Plan;
import org.pipeplan.placement.evaluate.PlanEvaluation;
import org.pipeplan.placement.format.PlanFileReader;
import org.pipeplan.planner.UnsupportedProblemException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "compare", mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        description = {"Runs every solver and baseline on a graph, side by side.",
            "Prints each method's status, max-load, throughput, latency (and fw+bw for training graphs), its lower "
                + "bound and gap for the objective it minimises, contiguity and time, and how many times better the "
                + "reference method is on --objective (dp for max-load, the IP for the others). A human-expert split "
                + "found in a human-experts folder beside the instance (or given with --expert) is included."})
final class CompareCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ProblemOptions problemOptions;

    @Mixin
    SolverSettings settings;

    @Option(names = "--solvers", split = ",", paramLabel = "NAME",
            description = "Solvers to run, comma-separated (default: all: ${COMPLETION-CANDIDATES}).",
            completionCandidates = SolverNames.class)
    List<String> solvers;

    @Option(names = "--reference", paramLabel = "NAME",
            description = "Method the others are compared with (default: dp for max-load, else the IP solver).")
    String reference;

    @Option(names = "--expert", paramLabel = "SPLIT.json", description = "A given split to include (default: found beside FILE).")
    Path expert;

    @Option(names = "--no-expert", description = "Do not look for an expert split.")
    boolean noExpert;

    @Option(names = {"-q", "--quiet"}, description = "No progress output.")
    boolean quiet;

    private record Row(String method, String status, PlanEvaluation evaluation, Objective objective, double lowerBound,
                       double gap, double seconds, String note) {
    }

    @Override
    public Integer call() {
        PrintWriter w = spec.commandLine().getOut();
        PlacementProblem problem = problemOptions.load();
        w.println(PlanPrinter.describe(problem));
        Objective objective = settings.objective();
        PlacementOptions options = settings.options(TerminalProgress.forTerminal(quiet));
        List<Row> rows = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (String name : solvers == null ? PlacementSolvers.names() : solvers) {
            Plan plan;
            try {
                plan = solveFor(PlacementSolvers.byName(name), problem, options);
            } catch (UnsupportedProblemException e) {
                skipped.add(name + ": not applicable: " + e.getMessage());
                continue;
            }
            rows.add(new Row(name, plan.status().name(), PlanEvaluation.of(problem, plan.placement()), plan.objective(),
                    plan.lowerBound(), plan.gap(), plan.seconds(), plan.note()));
        }
        Optional<ExpertSplits.Found> split = Optional.empty();
        if (expert != null) {
            split = Optional.of(new ExpertSplits.Found(expert, PlanFileReader.read(expert, problem)));
        } else if (!noExpert) {
            split = ExpertSplits.load(problemOptions.file(), problem);
        }
        split.ifPresent(found -> rows.add(new Row("expert", "GIVEN", PlanEvaluation.of(problem, found.placement()),
                null, Double.NaN, Double.NaN, 0, "split from " + found.file().normalize())));

        String refName = reference != null ? reference : objective == Objective.MAX_LOAD ? "dp"
                : objective == Objective.LATENCY ? "latency" : "ip";
        Row ref = rows.stream().filter(r -> r.method().equals(refName)).findFirst().orElse(null);
        boolean training = problem.graph().hasBackward();
        List<String> headers = new ArrayList<>(List.of("method", "status", ">max-load", ">throughput", ">latency"));
        if (training) {
            headers.add(">fw+bw");
        }
        headers.addAll(List.of("minimises", ">lower bound", ">gap", ">" + (ref == null ? "" : refName + " gain"),
                "contiguous", "feasible", ">seconds"));
        TextTable t = new TextTable(headers.toArray(String[]::new));
        for (Row r : rows) {
            PlanEvaluation ev = r.evaluation();
            List<Object> cells = new ArrayList<>(List.of(r.method(), r.status(), TextTable.num(ev.loads().maxLoad()),
                    TextTable.num(ev.loads().throughput(), 6), TextTable.num(ev.latency().latency())));
            if (training) {
                cells.add(TextTable.num(ev.loads().maxForwardPlusMaxBackward()));
            }
            String gain = ref == null || r == ref ? ""
                    : String.format("x%.4f", ev.value(objective) / ref.evaluation().value(objective));
            cells.addAll(List.of(r.objective() == null ? "" : r.objective().label(),
                    Double.isNaN(r.lowerBound()) ? "" : TextTable.num(r.lowerBound()),
                    Double.isNaN(r.gap()) ? "" : TextTable.percent(r.gap()), gain,
                    ev.loads().contiguity().contiguous() ? "yes" : "no", ev.feasible() ? "yes" : "NO",
                    TextTable.seconds(r.seconds())));
            t.row(cells.toArray());
        }
        w.println();
        w.print(t.render());
        if (ref != null) {
            w.println();
            w.println(refName + " gain = " + objective.label() + " of the method / " + objective.label() + " of "
                    + refName + " (how many times better " + refName + "'s plan is on " + objective.label() + ").");
        }
        skipped.forEach(w::println);
        for (Row r : rows) {
            if (!r.note().isEmpty()) {
                w.println(r.method() + ": " + r.note());
            }
            for (String v : r.evaluation().violations()) {
                w.println(r.method() + ": INFEASIBLE: " + v);
            }
        }
        return 0;
    }

    /** Solves with the options' objective if the solver minimises it, with its own otherwise. */
    static Plan solveFor(org.pipeplan.placement.PlacementSolver solver, PlacementProblem problem, PlacementOptions options) {
        PlacementOptions own = solver.objectives().contains(options.objective()) ? options
                : options.withObjective(solver.objectives().iterator().next());
        return solver.solve(problem, own);
    }
}
