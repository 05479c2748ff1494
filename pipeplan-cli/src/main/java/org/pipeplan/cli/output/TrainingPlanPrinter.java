package org.pipeplan.cli.output;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import org.pipeplan.cluster.GpuCluster;
import org.pipeplan.cluster.training.MemoryBreakdown;
import org.pipeplan.cluster.training.TrainingEvaluation;
import org.pipeplan.cluster.training.TrainingPlan;
import org.pipeplan.cluster.training.TrainingProblem;
import org.pipeplan.cluster.training.TrainingRank;
import org.pipeplan.cluster.training.TrainingSimulation;
import org.pipeplan.cluster.training.TrainingSimulator;
import org.pipeplan.cluster.training.TrainingStage;
import org.pipeplan.cluster.training.TrainingWorkload;
import org.pipeplan.cluster.training.format.TrainingPlanWriter;
import org.pipeplan.planner.PlanStatus;

/**
 * Prints a training plan (docs/training.md): its decisions, the iteration time and what follows
 * (tokens/s, TFLOP/s per GPU, MFU), the model's figure against the simulator's, every chunk's
 * times and every rank's memory part by part; and saves it.
 */
public final class TrainingPlanPrinter {

    private static final double GIB = 1L << 30;

    private TrainingPlanPrinter() {
    }

    /** One line on the problem: the model, its layers and parameters, the cluster and the batch. */
    public static String describe(TrainingProblem problem) {
        TrainingWorkload w = problem.workload();
        GpuCluster c = w.problem().cluster();
        String tokens = problem.tokensPerSample() > 1 ? String.format(Locale.ROOT, " (%s tokens)",
                rate(problem.globalBatch() * problem.tokensPerSample())) : "";
        return String.format(Locale.ROOT, "%s: training, %d layers, %s parameters; %s, global batch %d samples%s",
                w.problem().name(), w.size(), count(w.parameters()), c, problem.globalBatch(), tokens);
    }

    /**
     * Prints the plan re-evaluated by the cost model and simulated, and writes it to {@code out}
     * when that is not null; returns whether the plan is feasible.
     */
    public static boolean print(PrintWriter w, TrainingProblem problem, TrainingPlan plan, Path out) {
        w.println(describe(problem));
        if (plan.status() == PlanStatus.INFEASIBLE) {
            w.println("no plan: " + plan.note());
            return false;
        }
        String status = plan.status() == PlanStatus.OPTIMAL ? "optimal for " + plan.space().description()
                : String.format(Locale.ROOT, "best found, bound %s ms (gap %s)", ms(plan.bound()), TextTable.percent(plan.gap()));
        w.printf(Locale.ROOT, "solver %s: %s, %s in %.2f s (%s)%n", plan.solver(), plan.setup(), status, plan.seconds(),
                plan.note());
        boolean feasible = details(w, problem, plan);
        if (out != null) {
            TrainingPlanWriter.write(out, problem, plan);
            w.println("plan written to " + out);
        }
        return feasible;
    }

    /** A plan read from a file, priced again: its decisions and the same figures as {@link #print}. */
    public static boolean printEvaluation(PrintWriter w, TrainingProblem problem, TrainingPlan plan) {
        w.println(describe(problem));
        w.printf(Locale.ROOT, "plan from %s: %s (%s)%n", plan.solver(), plan.setup(), plan.note());
        return details(w, problem, plan);
    }

    /** The figures of a plan priced by the cost model, its simulation, its chunks and its memory. */
    private static boolean details(PrintWriter w, TrainingProblem problem, TrainingPlan plan) {
        TrainingEvaluation e = problem.cost(plan.setup()).evaluate(plan.boundaries());
        if (e.ranks().isEmpty()) {
            // decisions the cluster or the batch cannot take: no figures, only why
            e.problems().forEach(p -> w.println("PROBLEM: " + p));
            return false;
        }
        if (Math.abs(e.iterationMs() - plan.iterationMs()) > 1e-9 * Math.max(1, e.iterationMs())) {
            w.println("WARNING: the planner's iteration time " + ms(plan.iterationMs()) + " ms differs from the "
                    + "cost model's " + ms(e.iterationMs()) + " ms");
        }
        w.printf(Locale.ROOT, "iteration %s ms: pipeline %s ms (%d micro-batch%s of %d per pipeline), then gradient sync and "
                        + "optimizer step %s ms%n", ms(e.iterationMs()), ms(e.pipelineMs()),
                e.microBatches(), e.microBatches() == 1 ? "" : "es", plan.setup().microBatch(), ms(e.iterationMs() - e.pipelineMs()));
        String tokens = problem.tokensPerSample() > 1 ? ", " + rate(e.tokensPerSecond()) + " tokens/s" : "";
        if (Double.isNaN(e.modelTflopsPerGpu())) {
            // operators known by their times alone (placement-json): no FLOPs to count
            w.printf(Locale.ROOT, "throughput %s samples/s%s (the model gives no FLOPs: no TFLOP/s or MFU)%n",
                    rate(e.samplesPerSecond()), tokens);
        } else {
            w.printf(Locale.ROOT, "throughput %s samples/s%s; %.1f TFLOP/s per GPU of model FLOPs, MFU %s (recomputation "
                            + "not counted; %.1f TFLOP/s per GPU with it)%n", rate(e.samplesPerSecond()), tokens,
                    e.modelTflopsPerGpu(), Double.isNaN(e.mfu()) ? "-" : TextTable.percent(e.mfu()),
                    e.hardwareTflopsPerGpu());
        }
        if (e.feasible()) {
            TrainingSimulation sim = TrainingSimulator.simulate(problem.cost(plan.setup()), plan.boundaries());
            w.printf(Locale.ROOT, "simulated: %s ms per iteration, %.1f%% of the model's%n",
                    ms(sim.iterationMs()), 100 * sim.iterationMs() / e.iterationMs());
        }
        w.println();
        w.print(chunkTable(e).render());
        w.println();
        w.print(memoryTable(e, problem.workload().problem().cluster().memoryBytes()).render());
        for (String p : e.problems()) {
            w.println("PROBLEM: " + p);
        }
        return e.feasible();
    }

    /** A count or rate for reading: 186,329 or 90.98, four significant digits at least. */
    static String rate(double value) {
        if (!Double.isFinite(value)) {
            return TextTable.num(value);
        }
        double a = Math.abs(value);
        return String.format(Locale.ROOT, a >= 1000 ? "%,.0f" : a >= 100 ? "%.1f" : a >= 1 ? "%.2f" : "%.4g", value);
    }

    /** Milliseconds with four significant digits at least, no more decimals than useful. */
    static String ms(double value) {
        if (!Double.isFinite(value)) {
            return TextTable.num(value);
        }
        double a = Math.abs(value);
        return String.format(Locale.ROOT, a >= 1000 ? "%,.0f" : a >= 100 ? "%.1f" : a >= 10 ? "%.2f" : "%.3f", value);
    }

    /** Every chunk: its layers, its rank and GPUs, its forward and backward time per micro-batch. */
    static TextTable chunkTable(TrainingEvaluation e) {
        int block = e.setup().tensor() * e.setup().data();
        TextTable t = new TextTable("chunk", ">layers", ">rank", ">GPUs", ">forward ms", ">backward ms", ">parameters/GPU");
        for (int c = 0; c < e.stages().size(); c++) {
            TrainingStage s = e.stages().get(c);
            int first = s.rank() * block;
            t.row(c, s.firstLayer() + "-" + (s.endLayer() - 1), s.rank(), first + "-" + (first + block - 1),
                    ms(s.forward()), ms(s.backward()), count(s.parameters()));
        }
        return t;
    }

    /** Every rank's memory per GPU, part by part, in GiB, and its gradient sync and optimizer step. */
    static TextTable memoryTable(TrainingEvaluation e, double capacity) {
        TextTable t = new TextTable("rank", ">in flight", ">params GiB", ">grads GiB", ">optimizer GiB", ">activations GiB",
                ">buffers GiB", ">total GiB", ">of GiB", ">sync ms", ">exposed ms", ">step ms");
        for (TrainingRank r : e.ranks()) {
            MemoryBreakdown m = r.memory();
            t.row(r.rank(), TextTable.num(r.inFlight()), gib(m.parameters()), gib(m.gradients()), gib(m.optimizerStates()),
                    gib(m.activations()), gib(m.buffers()), gib(m.total()), gib(capacity), ms(r.gradientSync()),
                    ms(r.exposedSync()), ms(r.optimizerStep()));
        }
        return t;
    }

    private static String gib(double bytes) {
        return String.format(Locale.ROOT, "%.2f", bytes / GIB);
    }

    /** 174.6 B, 1.3 M, 5,120. */
    static String count(double n) {
        if (n >= 1e9) {
            return String.format(Locale.ROOT, "%.1f B", n / 1e9);
        }
        if (n >= 1e6) {
            return String.format(Locale.ROOT, "%.1f M", n / 1e6);
        }
        return TextTable.num(n);
    }
}
