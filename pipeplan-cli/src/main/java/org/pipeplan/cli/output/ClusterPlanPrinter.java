package org.pipeplan.cli.output;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import org.pipeplan.cluster.ClusterPlan;
import org.pipeplan.cluster.ClusterProblem;
import org.pipeplan.cluster.ClusterStage;
import org.pipeplan.cluster.StageTime;
import org.pipeplan.cluster.evaluate.ClusterEvaluation;
import org.pipeplan.cluster.evaluate.ClusterEvaluator;
import org.pipeplan.cluster.evaluate.ClusterSimulation;
import org.pipeplan.cluster.format.ClusterPlanWriter;
import org.pipeplan.sim.SimulationResult;

/** Prints a cluster plan as the independent evaluator and the simulator see it, and saves it. */
public final class ClusterPlanPrinter {

    private ClusterPlanPrinter() {
    }

    /**
     * Prints the plan, re-evaluated independently and simulated, and writes it to {@code out} when
     * that is not null; returns whether the plan is feasible.
     */
    public static boolean print(PrintWriter w, ClusterProblem p, ClusterPlan plan, Path out) {
        w.printf(Locale.ROOT, "%s: %d operators in %d pipeline positions, %s%s%n", p.name(), p.source().graph().size(),
                p.positions(), p.cluster(), p.training() ? ", training (mini-batch " + p.miniBatch() + ")" : ", inference");
        if (plan.stages().isEmpty()) {
            w.println("no plan: " + plan.note());
            return false;
        }
        ClusterEvaluation e = ClusterEvaluator.evaluate(p, plan);
        w.printf(Locale.ROOT, "solver %s: %s ms per sample (%s samples/s) on %d of %d GPUs, %s in %.2f s%s%n", plan.solver(),
                TextTable.num(e.timePerSample()), TextTable.num(e.throughput()), plan.gpusUsed(), p.cluster().gpus(),
                plan.optimal() ? "optimal for its plan space" : "best found", plan.seconds(),
                plan.note().isEmpty() ? "" : " (" + plan.note() + ")");
        if (Math.abs(e.timePerSample() - plan.timePerSample()) > 1e-9 * Math.max(1, e.timePerSample())) {
            w.println("WARNING: the solver's value " + TextTable.num(plan.timePerSample()) + " differs from the evaluator's "
                    + TextTable.num(e.timePerSample()));
        }
        if (e.feasible()) {
            SimulationResult sim = ClusterSimulation.simulate(p, plan);
            w.printf(Locale.ROOT, "simulated (%s): %s samples/s, %.1f%% of the model's%n", sim.options().schedule().label(),
                    TextTable.num(1000 * sim.throughput()), 100 * sim.throughput() * e.timePerSample());
        }
        w.println();
        TextTable t = new TextTable("stage", ">operators", ">GPUs", ">replicas", ">split", ">compute ms", ">collectives ms",
                ">transfers ms", ">all-reduce ms", ">per sample ms", ">GiB per GPU");
        for (int s = 0; s < plan.stages().size(); s++) {
            ClusterStage st = plan.stages().get(s);
            StageTime time = e.stages().isEmpty() ? null : e.stages().get(s);
            t.row(s, st.nodes().length, st.firstGpu() + "-" + (st.firstGpu() + st.gpus() - 1), st.replicas(), st.split(),
                    time == null ? "-" : TextTable.num(time.compute()), time == null ? "-" : TextTable.num(time.collectives()),
                    time == null ? "-" : TextTable.num(time.transfers()), time == null ? "-" : TextTable.num(time.allReduce()),
                    time == null ? "-" : TextTable.num(time.perSample()),
                    time == null ? "-" : String.format(Locale.ROOT, "%.3f", time.memoryPerGpu() / (1L << 30)));
        }
        w.print(t.render());
        for (String problem : e.problems()) {
            w.println("PROBLEM: " + problem);
        }
        if (out != null) {
            ClusterPlanWriter.write(out, p, plan, e);
            w.println("plan written to " + out);
        }
        return e.feasible();
    }
}
