package org.pipeplan.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.pipeplan.cost.Evaluation;
import org.pipeplan.cost.MaxLoadEvaluator;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.io.PlanFileReader;
import org.pipeplan.plan.Plan;
import org.pipeplan.solver.SolverOptions;
import org.pipeplan.solver.Solvers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "compare", mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        description = {"Runs every solver and baseline on a graph, side by side.",
            "Prints each method's status, max-load, throughput, lower bound, contiguity and time, and how many "
                + "times faster the reference plan (dp, the optimal contiguous split) is. A human-expert split found "
                + "in a human-experts folder beside the instance (or given with --expert) is included."})
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

    @Option(names = "--reference", defaultValue = "dp", description = "Solver the others are compared with (default: ${DEFAULT-VALUE}).")
    String reference;

    @Option(names = "--expert", paramLabel = "SPLIT.json", description = "A given split to include (default: found beside FILE).")
    Path expert;

    @Option(names = "--no-expert", description = "Do not look for an expert split.")
    boolean noExpert;

    @Option(names = {"-q", "--quiet"}, description = "No progress output.")
    boolean quiet;

    private record Row(String method, String status, Evaluation evaluation, double lowerBound, double seconds,
                       String note) {
    }

    @Override
    public Integer call() {
        PrintWriter w = spec.commandLine().getOut();
        PlacementProblem problem = problemOptions.load();
        w.println(PlanPrinter.describe(problem));
        SolverOptions options = settings.options(TerminalProgress.forTerminal(quiet));
        List<Row> rows = new ArrayList<>();
        for (String name : solvers == null ? Solvers.names() : solvers) {
            Plan plan = Solvers.byName(name).solve(problem, options);
            Evaluation ev = MaxLoadEvaluator.evaluate(problem, plan.placement());
            rows.add(new Row(name, plan.status().name(), ev, plan.lowerBound(), plan.seconds(), plan.note()));
        }
        Optional<ExpertSplits.Found> split = Optional.empty();
        if (expert != null) {
            split = Optional.of(new ExpertSplits.Found(expert, PlanFileReader.read(expert, problem)));
        } else if (!noExpert) {
            split = ExpertSplits.load(problemOptions.file, problem);
        }
        if (split.isPresent()) {
            Evaluation ev = MaxLoadEvaluator.evaluate(problem, split.get().placement());
            rows.add(new Row("expert", "GIVEN", ev, Double.NaN, 0, "split from " + split.get().file().normalize()));
        }
        Row ref = rows.stream().filter(r -> r.method().equals(reference)).findFirst().orElse(null);
        String gainHeader = ">" + (ref == null ? "" : reference + " speed-up");
        TextTable t = new TextTable("method", "status", ">max-load", ">throughput", gainHeader, ">lower bound",
                "contiguous", "feasible", ">seconds");
        for (Row r : rows) {
            Evaluation ev = r.evaluation();
            String gain = ref == null || r == ref ? "" : String.format("x%.4f", ev.maxLoad() / ref.evaluation().maxLoad());
            t.row(r.method(), r.status(), TextTable.num(ev.maxLoad()), TextTable.num(ev.throughput(), 6), gain,
                    Double.isNaN(r.lowerBound()) ? "" : TextTable.num(r.lowerBound()),
                    ev.contiguity().contiguous() ? "yes" : "no", ev.feasible() ? "yes" : "NO", TextTable.seconds(r.seconds()));
        }
        w.println();
        w.print(t.render());
        if (ref != null) {
            w.println();
            w.println(reference + " speed-up = max-load of the method / max-load of " + reference
                    + " (how many times more samples per second " + reference + "'s plan processes).");
        }
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
}
