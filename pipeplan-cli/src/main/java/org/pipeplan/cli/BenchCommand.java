package org.pipeplan.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.pipeplan.cost.MaxLoadEvaluator;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.io.InputException;
import org.pipeplan.io.PlacementJsonReader;
import org.pipeplan.plan.Plan;
import org.pipeplan.plan.PlanStatus;
import org.pipeplan.solver.SolverOptions;
import org.pipeplan.solver.Solvers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "bench", mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        description = {"Solves every instance under a folder and prints a table.",
            "One row per placement-json instance found under DIR: nodes, devices, units, ideals, max-load, status "
                + "and seconds, beside the reference optimum of DIR/EXPECTED.md when there is one. --baselines adds "
                + "the PipeDream, single-accelerator and expert baselines against their reference columns."})
final class BenchCommand implements Callable<Integer> {

    /** Relative difference under which a value counts as reproducing its reference. */
    static final double MATCH = 1e-9;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "Folder searched recursively for *.json instances.")
    Path dir;

    @Mixin
    SolverSettings settings;

    @Option(names = {"-s", "--solver"}, defaultValue = "dp", completionCandidates = SolverNames.class,
            description = "Solver to benchmark (default: ${DEFAULT-VALUE}).")
    String solver;

    @Option(names = "--expected", paramLabel = "EXPECTED.md", description = "Reference values (default: DIR/EXPECTED.md if present).")
    Path expected;

    @Option(names = "--baselines", description = "Also run the baselines and compare them with the reference columns.")
    boolean baselines;

    @Option(names = {"-q", "--quiet"}, description = "No progress output.")
    boolean quiet;

    @Override
    public Integer call() throws IOException {
        PrintWriter w = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.isDirectory(dir)) {
            throw new InputException(dir, "not a directory");
        }
        Path refFile = expected != null ? expected : dir.resolve("EXPECTED.md");
        ReferenceValues ref = Files.isRegularFile(refFile) ? ReferenceValues.read(refFile) : ReferenceValues.empty();
        // reference rows are named by path relative to the reference file's folder
        Path refBase = refFile.toAbsolutePath().normalize().getParent();
        List<Path> files = instances();
        SolverOptions options = settings.options(TerminalProgress.forTerminal(quiet));

        TextTable table = new TextTable("instance", ">nodes", ">k", ">l", ">units", ">ideals", ">max-load", "status",
                ">seconds", ">reference", "match");
        TextTable baselineTable = new TextTable("instance", ">pipedream", ">reference", ">diff", ">single", ">reference",
                ">expert", ">reference");
        double total = 0;
        double knownTotal = 0;
        double slowest = 0;
        String slowestName = "";
        int known = 0;
        int reproduced = 0;
        int proven = 0;
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            String name = instanceName(dir, file);
            if (!quiet) {
                err.printf("[%d/%d] %s%n", i + 1, files.size(), name);
                err.flush();
            }
            Path absolute = file.toAbsolutePath().normalize();
            String key = absolute.startsWith(refBase) ? instanceName(refBase, absolute) : name;
            PlacementProblem problem = PlacementJsonReader.read(file);
            Plan plan = Solvers.byName(solver).solve(problem, options);
            double value = MaxLoadEvaluator.evaluate(problem, plan.placement()).maxLoad();
            double reference = ref.number(key, "optimum");
            String match = "";
            if (!Double.isNaN(reference)) {
                known++;
                knownTotal += plan.seconds();
                boolean same = Math.abs(value - reference) <= MATCH * Math.abs(reference);
                reproduced += same ? 1 : 0;
                match = same ? "yes" : String.format("%+.3g%%", 100 * (value - reference) / reference);
            } else if (ref.has(key)) {
                match = "new";
            }
            proven += plan.status() == PlanStatus.OPTIMAL ? 1 : 0;
            total += plan.seconds();
            if (plan.seconds() > slowest) {
                slowest = plan.seconds();
                slowestName = name;
            }
            table.row(name, problem.graph().size(), problem.devices().all().stream().filter(d -> d.isAccelerator()).count(),
                    problem.devices().all().stream().filter(d -> !d.isAccelerator()).count(),
                    plan.stats().getOrDefault("units", null), plan.stats().getOrDefault("ideals", null),
                    TextTable.num(value, 13), plan.status(), TextTable.seconds(plan.seconds()),
                    Double.isNaN(reference) ? "" : TextTable.num(reference, 13), match);
            if (baselines) {
                addBaselines(baselineTable, name, key, file, problem, ref, options);
            }
        }
        w.println("solver " + solver + " on " + files.size() + " instances under " + dir);
        w.println();
        w.print(table.render());
        w.println();
        w.printf("proven optimal: %d/%d; total %s s; slowest %s (%s s)%n", proven, files.size(),
                TextTable.seconds(total), slowestName, TextTable.seconds(slowest));
        if (known > 0) {
            w.printf("reference optima reproduced (within %s relative): %d/%d, in %s s together%n",
                    TextTable.num(MATCH), reproduced, known, TextTable.seconds(knownTotal));
        }
        if (baselines) {
            w.println();
            w.println("baselines (diff: PipeDream against its reference; the reference linearisation is implementation-specific)");
            w.println();
            w.print(baselineTable.render());
        }
        return 0;
    }

    private static String instanceName(Path base, Path file) {
        return base.relativize(file).toString().replace('\\', '/').replaceFirst("\\.json$", "");
    }

    private void addBaselines(TextTable t, String name, String key, Path file, PlacementProblem problem,
                              ReferenceValues ref, SolverOptions options) {
        double pipedream = MaxLoadEvaluator.evaluate(problem,
                Solvers.byName("pipedream").solve(problem, options).placement()).maxLoad();
        double single = MaxLoadEvaluator.evaluate(problem,
                Solvers.byName("single").solve(problem, options).placement()).maxLoad();
        String expert = ExpertSplits.load(file, problem)
                .map(found -> TextTable.num(MaxLoadEvaluator.evaluate(problem, found.placement()).maxLoad(), 13))
                .orElse("");
        double refPipedream = ref.number(key, "pipedream");
        double refSingle = ref.number(key, "one accelerator");
        double refExpert = ref.number(key, "expert");
        t.row(name, TextTable.num(pipedream, 13), cell(refPipedream),
                Double.isNaN(refPipedream) ? "" : String.format("%+.2f%%", 100 * (pipedream - refPipedream) / refPipedream),
                TextTable.num(single, 6), cell(refSingle), expert, cell(refExpert));
    }

    private static String cell(double v) {
        return Double.isNaN(v) ? "" : TextTable.num(v, 13);
    }

    /** Placement-json instances under DIR, sorted; other JSON files (splits, plans) are skipped. */
    private List<Path> instances() throws IOException {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.filter(p -> p.toString().endsWith(".json") && Files.isRegularFile(p)).sorted().toList()) {
                if (PlacementJsonReader.isInstance(p)) {
                    out.add(p);
                }
            }
        }
        return out;
    }
}
