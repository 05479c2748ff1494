package org.pipeplan.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.pipeplan.cli.options.ClusterSettings;
import org.pipeplan.cli.options.PlanSource;
import org.pipeplan.cli.options.ProblemOptions;
import org.pipeplan.cli.options.SimulationSettings;
import org.pipeplan.cli.options.SolverSettings;
import org.pipeplan.cli.output.PlanPrinter;
import org.pipeplan.cli.output.TextTable;
import org.pipeplan.cli.output.TrainingPlanPrinter;
import org.pipeplan.cluster.training.TrainingEvaluation;
import org.pipeplan.cluster.training.TrainingRank;
import org.pipeplan.cluster.training.TrainingSimulation;
import org.pipeplan.cluster.training.TrainingSimulator;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.placement.Plan;
import org.pipeplan.placement.evaluate.PlanEvaluation;
import org.pipeplan.sim.DeviceActivity;
import org.pipeplan.sim.PipelineSimulator;
import org.pipeplan.sim.SimulationOptions;
import org.pipeplan.sim.SimulationResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "simulate", mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        description = {"Simulates a plan running as a pipeline, event by event.",
            "Micro-batches flow through the devices: plain streaming for inference, GPipe or 1F1B for training; "
                + "transfers use the devices' links (optionally overlapping compute, sharing one link, with latency); "
                + "devices may be replicated. Prints the simulated throughput against the max-load model's, latency "
                + "alone and under load, the bubble, and per device its busy time, utilisation and peak memory "
                + "(operators plus tensors in flight, stashed activations among them). A training plan for a GPU "
                + "cluster (--plan in format pipeplan-training-plan) is simulated by its schedule (docs/training.md): "
                + "the iteration against the cost model's, and per pipeline rank its busy time, micro-batches and "
                + "activations held, and when its gradient sync and optimizer step end."})
final class SimulateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ProblemOptions problemOptions;

    @Mixin
    PlanSource planSource;

    @Mixin
    SolverSettings settings;

    @Mixin
    SimulationSettings simulation;

    @Mixin
    ClusterSettings cluster;

    @Option(names = {"-q", "--quiet"}, description = "No progress output.")
    boolean quiet;

    @Override
    public Integer call() {
        PrintWriter w = spec.commandLine().getOut();
        if (TrainingPlanFile.is(planSource.planFile())) {
            return simulateTraining(w);
        }
        PlacementProblem problem = problemOptions.load();
        SimulationOptions options = simulation.options(problem);
        w.println(PlanPrinter.describe(problem));
        Plan plan = planSource.obtain(problem, settings, quiet);
        PlanEvaluation evaluation = PlanEvaluation.of(problem, plan.placement());
        w.println("plan " + plan.solver() + ": " + PlanPrinter.metrics(problem, evaluation));
        SimulationResult r = PipelineSimulator.simulate(problem, plan.placement(), options);
        w.println();
        w.println(describe(r));
        w.println();
        TextTable t = new TextTable("device", ">replicas", ">compute/sample", ">transfers/sample", ">utilisation",
                ">memory (model)", ">in flight (peak)", ">stashed (peak)", ">limit");
        for (DeviceActivity d : r.devices()) {
            t.row(d.device().name(), d.replicas(), TextTable.num(d.computeBusy()), TextTable.num(d.transferBusy()),
                    TextTable.percent(d.utilisation()), TextTable.bytes(d.modelMemory()), TextTable.bytes(d.peakInFlight()),
                    TextTable.bytes(d.peakStashed()), d.memoryExceeded() ? "OVER " + TextTable.bytes(d.device().memoryLimit())
                            : TextTable.bytes(d.device().memoryLimit()));
        }
        w.print(t.render());
        if (!r.note().isEmpty()) {
            w.println(r.note());
        }
        PlanPrinter.printProblems(w, evaluation);
        return evaluation.feasible() ? 0 : PipeplanCommand.EXIT_INFEASIBLE;
    }

    /**
     * A training plan (pipeplan-training-plan) simulated by its schedule on its cluster: the
     * iteration against the cost model's, and per rank what it did and held.
     */
    private int simulateTraining(PrintWriter w) {
        TrainingPlanFile f = TrainingPlanFile.read(planSource.planFile(), problemOptions, cluster, w);
        TrainingEvaluation e = f.plan().evaluation();
        w.println(TrainingPlanPrinter.describe(f.problem()));
        w.println("plan " + f.plan().solver() + ": " + f.plan().setup());
        if (!e.feasible()) {
            e.problems().forEach(p -> w.println("PROBLEM: " + p));
            return PipeplanCommand.EXIT_INFEASIBLE;
        }
        TrainingSimulation sim = TrainingSimulator.simulate(f.problem().cost(f.plan().setup()), f.plan().boundaries());
        w.printf(Locale.ROOT, "simulated %s schedule, %d micro-batches per pipeline%n", f.plan().setup().schedule().label(),
                sim.microBatches());
        w.printf(Locale.ROOT, "iteration  simulated %s ms  model %s ms  (simulated/model %.4f); pipeline part simulated %s "
                        + "ms, model %s ms%n", TextTable.num(sim.iterationMs()), TextTable.num(e.iterationMs()),
                sim.iterationMs() / e.iterationMs(), TextTable.num(sim.pipelineMs()), TextTable.num(e.pipelineMs()));
        w.println();
        TextTable t = new TextTable("rank", ">busy ms", ">utilisation", ">in flight (sim)", ">in flight (model)",
                ">activations GiB (sim)", ">activations GiB (model)", ">last backward ms", ">sync end ms", ">step end ms");
        for (TrainingSimulation.Rank r : sim.ranks()) {
            TrainingRank m = e.ranks().get(r.rank());
            t.row(r.rank(), TextTable.num(r.busyMs()), TextTable.percent(r.busyMs() / sim.iterationMs()), r.peakInFlight(),
                    TextTable.num(m.inFlight()), String.format(Locale.ROOT, "%.2f", r.peakActivationBytes() / (1L << 30)),
                    String.format(Locale.ROOT, "%.2f", m.memory().activations() / (1L << 30)), TextTable.num(r.backwardEndMs()),
                    TextTable.num(r.gradientSyncEndMs()), TextTable.num(r.optimizerStepEndMs()));
        }
        w.print(t.render());
        return 0;
    }

    static String describe(SimulationResult r) {
        SimulationOptions o = r.options();
        String setup = o.schedule().label() + (o.schedule().training()
                ? ", " + o.microBatches() + " micro-batches x " + o.miniBatches() + " mini-batches"
                : ", " + o.samples() + " samples") + (o.overlapTransfers() ? ", overlapping transfers" : "")
                + (o.sharedLink() ? ", shared link" : "") + (o.linkLatency() > 0 ? ", link latency " + TextTable.num(o.linkLatency()) : "");
        return "simulated " + setup + "\n"
                + "throughput  simulated " + TextTable.num(r.throughput(), 6) + "  model " + TextTable.num(r.analyticThroughput(), 6)
                + "  (simulated/model " + String.format(java.util.Locale.ROOT, "%.4f", r.agreement()) + ")\n"
                + "latency     alone " + TextTable.num(r.latencyAlone()) + "  under load mean " + TextTable.num(r.latencyMean())
                + "  p95 " + TextTable.num(r.latencyP95()) + "\n"
                + "bubble      " + TextTable.percent(r.bubbleFraction()) + " idle on the devices used (window "
                + TextTable.num(r.windowStart()) + " to " + TextTable.num(r.windowEnd()) + ")";
    }
}
