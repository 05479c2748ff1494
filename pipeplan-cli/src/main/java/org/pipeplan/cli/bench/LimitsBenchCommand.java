package org.pipeplan.cli.bench;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.pipeplan.cli.options.Interrupts;
import org.pipeplan.cli.output.TextTable;
import org.pipeplan.cluster.ClusterOptions;
import org.pipeplan.cluster.ClusterPlanners;
import org.pipeplan.cluster.ClusterProblem;
import org.pipeplan.cluster.GpuCluster;
import org.pipeplan.generate.SyntheticProblems;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.io.PlacementJsonReader;
import org.pipeplan.placement.Objective;
import org.pipeplan.placement.PlacementOptions;
import org.pipeplan.placement.PlacementSolver;
import org.pipeplan.placement.PlacementSolvers;
import org.pipeplan.placement.Plan;
import org.pipeplan.planner.ProgressListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "limits-bench", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Checks that every solver honours its time limit: each runs on a problem too hard to finish "
                + "(a random DNN-like graph of --operators operators, or FILE) under each --limits, and the table shows "
                + "the wall time against the limit, with the plan's status and gap; the DQN cluster search too.",
            "Target: every run within 10%% of its limit (or done before it)."})
public final class LimitsBenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", arity = "0..1", description = "placement-json problem (default: a random one).")
    Path file;

    @Option(names = "--operators", paramLabel = "N", defaultValue = "100000",
            description = "Size of the random problem (default: ${DEFAULT-VALUE}).")
    int operators;

    @Option(names = "--limits", paramLabel = "SECONDS", split = ",", defaultValue = "5,20",
            description = "Time limits (default: ${DEFAULT-VALUE}).")
    List<Double> limits;

    @Option(names = "--workers", paramLabel = "N", defaultValue = "2", description = "Threads per solver (default: ${DEFAULT-VALUE}).")
    int workers;

    @Override
    public Integer call() {
        PrintWriter w = spec.commandLine().getOut();
        for (double limit : limits) {
            if (!(limit > 0)) {
                throw new IllegalArgumentException("--limits must be positive, got " + limit);
            }
        }
        PlacementProblem p = file != null ? PlacementJsonReader.read(file) : SyntheticProblems.generate(1, operators, 8);
        TextTable t = new TextTable("solver", ">limit s", ">wall s", ">wall / limit", "status", ">gap", "within 10%");
        int runs = 0;
        int within = 0;
        double worst = 0;
        List<String> names = new ArrayList<>(PlacementSolvers.names());
        names.add("dqn");
        for (String name : names) {
            for (double limit : limits) {
                PlacementOptions options = PlacementOptions.defaults().withTimeLimit(limit).withWorkers(workers)
                        .withStop(Interrupts.signal());
                long start = System.nanoTime();
                String status;
                String gap;
                if (name.equals("dqn")) {
                    ClusterProblem cluster = new ClusterProblem(p, GpuCluster.of(org.pipeplan.io.DeviceFileReader
                            .bundledCatalog().get("v100-16gb"), 16, 8, 16e9, GpuCluster.DEFAULT_INTER_NODE_BANDWIDTH), 32);
                    var plan = ClusterPlanners.byName("dqn").solve(cluster,
                            new ClusterOptions(options.run().withProgress(ProgressListener.NONE), 1_000_000));
                    status = plan.stages().isEmpty() ? "NO PLAN" : "FEASIBLE";
                    gap = "-";
                } else {
                    PlacementSolver s = PlacementSolvers.byName(name);
                    if (!s.objectives().contains(Objective.MAX_LOAD)) {
                        options = options.withObjective(s.objectives().iterator().next());
                    }
                    Plan plan = s.solve(p, options);
                    status = plan.status().name();
                    gap = TextTable.percent(plan.gap());
                }
                double wall = (System.nanoTime() - start) / 1e9;
                double ratio = wall / limit;
                boolean ok = ratio <= 1.10;
                runs++;
                within += ok ? 1 : 0;
                worst = Math.max(worst, ratio);
                spec.commandLine().getErr().printf(Locale.ROOT, "%s, limit %.0f s: %.2f s%n", name, limit, wall);
                spec.commandLine().getErr().flush();
                t.row(name, String.format(Locale.ROOT, "%.0f", limit), String.format(Locale.ROOT, "%.2f", wall),
                        String.format(Locale.ROOT, "%.3f", ratio), status, gap, ok ? "yes" : "NO");
            }
        }
        w.printf(Locale.ROOT, "%s: %d operators, %d edges, %d devices%n%n", p.name(), p.graph().size(), p.graph().edgeCount(),
                p.devices().size());
        w.print(t.render());
        w.printf(Locale.ROOT, "%nruns within 10%% of their limit: %d of %d (worst wall / limit %.3f)%n", within, runs, worst);
        return 0;
    }
}
