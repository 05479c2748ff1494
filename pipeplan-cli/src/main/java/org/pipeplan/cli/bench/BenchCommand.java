package org.pipeplan.cli.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.pipeplan.cli.options.ExpertSplits;
import org.pipeplan.cli.options.SolverNames;
import org.pipeplan.cli.options.SolverSettings;
import org.pipeplan.cli.output.TerminalProgress;
import org.pipeplan.cli.output.TextTable;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.io.InputException;
import org.pipeplan.io.InputFiles;
import org.pipeplan.io.PlacementJsonReader;
import org.pipeplan.placement.Objective;
import org.pipeplan.placement.PlacementOptions;
import org.pipeplan.placement.PlacementSolver;
import org.pipeplan.placement.PlacementSolvers;
import org.pipeplan.placement.Plan;
import org.pipeplan.placement.evaluate.MaxLoadEvaluator;
import org.pipeplan.placement.evaluate.PlanEvaluation;
import org.pipeplan.planner.PlanStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "bench", mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        description = {"Solves every instance under a folder and prints a table.",
            "One row per placement-json instance found under DIR: nodes, devices, units, ideals, then for every solver "
                + "of --solvers the evaluated --objective, the status (with the gap when not proven optimal) and the "
                + "seconds, and how the later solvers compare with the first. With the max-load objective the dp "
                + "column is checked against the reference optimum of DIR/EXPECTED.md; with latency, the greedy and "
                + "DP-split references of its latency table are shown. --baselines adds the PipeDream, "
                + "single-accelerator and expert baselines against their reference columns."})
public final class BenchCommand implements Callable<Integer> {

    /** Relative difference under which a value counts as reproducing its reference. */
    static final double MATCH = 1e-9;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "Folder searched recursively for *.json instances.")
    Path dir;

    @Mixin
    SolverSettings settings;

    @Option(names = {"-s", "--solvers"}, split = ",", paramLabel = "NAME", defaultValue = "dp",
            completionCandidates = SolverNames.class,
            description = "Solvers to run, comma-separated; the first is the one the others are compared with "
                    + "(default: ${DEFAULT-VALUE}).")
    List<String> solvers;

    @Option(names = "--expected", paramLabel = "EXPECTED.md", description = "Reference values (default: DIR/EXPECTED.md if present).")
    Path expected;

    @Option(names = "--baselines", description = "Also run the baselines and compare them with the reference columns.")
    boolean baselines;

    @Option(names = {"-q", "--quiet"}, description = "No progress output.")
    boolean quiet;

    /** Totals of one solver over the instances. */
    private static final class Tally {
        int proven;
        int runs;
        int worseThanFirst;
        double seconds;
        double slowest;
        String slowestName = "";
        double largestGap;
        String largestGapName = "";
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter w = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.isDirectory(dir)) {
            throw new InputException(dir, "not a directory");
        }
        Objective objective = settings.objective();
        List<PlacementSolver> chosen = solvers.stream().map(PlacementSolvers::byName).toList();
        Path refFile = expected != null ? expected : dir.resolve("EXPECTED.md");
        ReferenceValues ref = Files.isRegularFile(refFile) ? ReferenceValues.read(refFile) : ReferenceValues.empty();
        // reference rows are named by path relative to the reference file's folder
        Path refBase = refFile.toAbsolutePath().normalize().getParent();
        List<Path> files = instances();
        if (files.isEmpty()) {
            throw new InputException(dir, "no placement-json instance (a .json file with nodes and edges) under it");
        }
        PlacementOptions options = settings.options(TerminalProgress.forTerminal(quiet));

        List<String> headers = new ArrayList<>(List.of("instance", ">nodes", ">k", ">l", ">units", ">ideals"));
        for (PlacementSolver s : chosen) {
            headers.addAll(List.of(">" + s.name(), s.name() + " status", ">" + s.name() + " s"));
        }
        for (PlacementSolver s : chosen.subList(1, chosen.size())) {
            headers.add(">" + s.name() + " vs " + chosen.get(0).name());
        }
        boolean latencyRefs = objective == Objective.LATENCY;
        if (objective == Objective.MAX_LOAD) {
            headers.addAll(List.of(">reference", "dp match"));
        } else if (latencyRefs) {
            headers.addAll(List.of(">greedy ref", ">DP split ref"));
        }
        TextTable table = new TextTable(headers.toArray(String[]::new));
        TextTable baselineTable = new TextTable("instance", ">pipedream", ">reference", ">diff", ">single", ">reference",
                ">expert", ">reference");
        Map<String, Tally> tallies = new LinkedHashMap<>();
        chosen.forEach(s -> tallies.put(s.name(), new Tally()));
        int known = 0;
        int reproduced = 0;
        double knownSeconds = 0;

        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            String name = instanceName(dir, file);
            Path absolute = file.toAbsolutePath().normalize();
            String key = absolute.startsWith(refBase) ? instanceName(refBase, absolute) : name;
            if (!quiet) {
                err.printf("[%d/%d] %s%n", i + 1, files.size(), name);
                err.flush();
            }
            PlacementProblem problem = PlacementJsonReader.read(file);
            List<Object> cells = new ArrayList<>(List.of(name, problem.graph().size(),
                    problem.devices().all().stream().filter(d -> d.isAccelerator()).count(),
                    problem.devices().all().stream().filter(d -> !d.isAccelerator()).count()));
            List<Plan> plans = new ArrayList<>();
            List<Double> values = new ArrayList<>();
            for (PlacementSolver s : chosen) {
                PlacementOptions own = s.objectives().contains(objective) ? options
                        : options.withObjective(s.objectives().iterator().next());
                Plan plan = s.solve(problem, own);
                plans.add(plan);
                values.add(PlanEvaluation.of(problem, plan.placement()).value(objective));
                if (!quiet && !plan.proven()) {
                    err.printf("  %s: %s, gap %s%n", s.name(), plan.status(), TextTable.percent(plan.gap()));
                }
            }
            cells.add(statOf(plans, "units"));
            cells.add(statOf(plans, "ideals"));
            double dpValue = Double.NaN;
            double dpSeconds = 0;
            for (int j = 0; j < chosen.size(); j++) {
                Plan plan = plans.get(j);
                double value = values.get(j);
                boolean ownObjective = plan.objective() == objective;
                String status = plan.status() == PlanStatus.OPTIMAL && ownObjective ? "optimal"
                        : plan.status() == PlanStatus.INFEASIBLE ? "INFEASIBLE"
                        : ownObjective ? "gap " + TextTable.percent(plan.gap()) : "(" + plan.objective().label() + ")";
                cells.addAll(List.of(TextTable.num(value, 13), status, TextTable.seconds(plan.seconds())));
                Tally t = tallies.get(chosen.get(j).name());
                t.runs++;
                t.seconds += plan.seconds();
                if (ownObjective && plan.status() == PlanStatus.OPTIMAL) {
                    t.proven++;
                }
                if (plan.seconds() > t.slowest) {
                    t.slowest = plan.seconds();
                    t.slowestName = name;
                }
                if (ownObjective && plan.gap() > t.largestGap) {
                    t.largestGap = plan.gap();
                    t.largestGapName = name;
                }
                if (j > 0 && value > values.get(0) * (1 + MATCH)) {
                    t.worseThanFirst++;
                }
                if (chosen.get(j).name().equals("dp")) {
                    dpValue = value;
                    dpSeconds = plan.seconds();
                }
            }
            for (int j = 1; j < chosen.size(); j++) {
                cells.add(String.format("%+.3f%%", 100 * (values.get(j) - values.get(0)) / values.get(0)));
            }
            if (objective == Objective.MAX_LOAD) {
                double reference = ref.number(key, "optimum");
                String match = "";
                if (!Double.isNaN(reference) && !Double.isNaN(dpValue)) {
                    known++;
                    knownSeconds += dpSeconds;
                    boolean same = Math.abs(dpValue - reference) <= MATCH * Math.abs(reference);
                    reproduced += same ? 1 : 0;
                    match = same ? "yes" : String.format("%+.3g%%", 100 * (dpValue - reference) / reference);
                } else if (ref.has(key)) {
                    match = "new";
                }
                cells.add(Double.isNaN(reference) ? "" : TextTable.num(reference, 13));
                cells.add(match);
            } else if (latencyRefs) {
                cells.add(cell(ref.latencyNumber(key, "greedy")));
                cells.add(cell(ref.latencyNumber(key, "DP split")));
            }
            table.row(cells.toArray());
            if (baselines) {
                addBaselines(baselineTable, name, key, file, problem, ref, options);
            }
        }
        w.println("objective " + objective.label() + ", solvers " + String.join(", ", solvers) + ", on " + files.size()
                + " instances under " + dir);
        w.println();
        w.print(table.render());
        w.println();
        for (var entry : tallies.entrySet()) {
            Tally t = entry.getValue();
            w.printf("%s: proven optimal %d/%d; largest gap %s%s; total %s s; slowest %s (%s s)%s%n", entry.getKey(),
                    t.proven, t.runs, TextTable.percent(t.largestGap),
                    t.largestGapName.isEmpty() ? "" : " (" + t.largestGapName + ")", TextTable.seconds(t.seconds),
                    t.slowestName, TextTable.seconds(t.slowest),
                    entry.getKey().equals(solvers.get(0)) ? ""
                            : "; worse than " + solvers.get(0) + " on " + t.worseThanFirst + "/" + t.runs);
        }
        if (known > 0) {
            w.printf("reference optima reproduced by dp (within %s relative): %d/%d, in %s s together%n",
                    TextTable.num(MATCH), reproduced, known, TextTable.seconds(knownSeconds));
        }
        if (baselines) {
            w.println();
            w.println("baselines (diff: PipeDream against its reference; the reference linearisation is implementation-specific)");
            w.println();
            w.print(baselineTable.render());
        }
        return 0;
    }

    private static Object statOf(List<Plan> plans, String key) {
        return plans.stream().map(p -> p.stats().get(key)).filter(v -> v != null).findFirst().orElse(null);
    }

    private static String instanceName(Path base, Path file) {
        return base.relativize(file).toString().replace('\\', '/').replaceFirst("\\.json$", "");
    }

    private void addBaselines(TextTable t, String name, String key, Path file, PlacementProblem problem,
                              ReferenceValues ref, PlacementOptions options) {
        PlacementOptions maxLoad = options.withObjective(Objective.MAX_LOAD);
        double pipedream = MaxLoadEvaluator.evaluate(problem,
                PlacementSolvers.byName("pipedream").solve(problem, maxLoad).placement()).maxLoad();
        double single = MaxLoadEvaluator.evaluate(problem,
                PlacementSolvers.byName("single").solve(problem, maxLoad).placement()).maxLoad();
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

    /**
     * Placement-json instances under DIR (links followed, a link back to a folder above skipped),
     * sorted; other JSON files (splits, plans) are skipped, and so is what cannot be read.
     */
    private List<Path> instances() throws IOException {
        InputFiles.checkFolder(dir);
        List<Path> found = new ArrayList<>();
        Files.walkFileTree(dir, java.util.EnumSet.of(java.nio.file.FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE,
                new java.nio.file.SimpleFileVisitor<>() {
                    @Override
                    public java.nio.file.FileVisitResult visitFile(Path p, java.nio.file.attribute.BasicFileAttributes a) {
                        if (a.isRegularFile() && p.toString().endsWith(".json")) {
                            found.add(p);
                        }
                        return java.nio.file.FileVisitResult.CONTINUE;
                    }

                    @Override
                    public java.nio.file.FileVisitResult visitFileFailed(Path p, IOException e) {
                        // a link loop (FileSystemLoopException) or an unreadable entry: not an instance
                        return java.nio.file.FileVisitResult.CONTINUE;
                    }
                });
        List<Path> out = new ArrayList<>();
        for (Path p : found.stream().sorted().toList()) {
            if (PlacementJsonReader.isInstance(p)) {
                out.add(p);
            }
        }
        return out;
    }
}
