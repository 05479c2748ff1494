package org.pipeplan.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.pipeplan.cluster.ClusterPlan;
import org.pipeplan.cluster.ClusterProblem;
import org.pipeplan.cluster.ClusterStage;
import org.pipeplan.cluster.ParallelSpace;
import org.pipeplan.cluster.StageTime;
import org.pipeplan.cluster.dp.IdealParallelDp;
import org.pipeplan.cluster.dp.ParallelDp;
import org.pipeplan.cluster.dqn.DqnPlanner;
import org.pipeplan.cluster.dqn.DqnSettings;
import org.pipeplan.cluster.evaluate.ClusterEvaluation;
import org.pipeplan.cluster.evaluate.ClusterEvaluator;
import org.pipeplan.cluster.evaluate.ClusterSimulation;
import org.pipeplan.graph.OperatorGraph;
import org.pipeplan.planner.ProgressListener;
import org.pipeplan.planner.StopSignal;
import org.pipeplan.sim.SimulationResult;

/** The parallel planners on a GPU cluster (plan -s dqn|parallel|pipeline-gpus): solve, print, save. */
final class ParallelPlanning {

    static final List<String> SOLVERS = List.of("dqn", "parallel", "pipeline-gpus");
    static final String FORMAT = "pipeplan-parallel-plan";

    private ParallelPlanning() {
    }

    /** Runs one of {@link #SOLVERS}: the DQN, the exact DP, or the exact DP restricted to plain pipelines. */
    static ClusterPlan solve(ClusterProblem p, String solver, DqnSettings dqn, ProgressListener progress, StopSignal stop) {
        return switch (solver) {
            case "dqn" -> DqnPlanner.search(p, ParallelSpace.full(p.cluster()), dqn, progress, stop).plan();
            case "parallel" -> exact(p, ParallelSpace.full(p.cluster()));
            case "pipeline-gpus" -> exact(p, ParallelSpace.pipelineOnly());
            default -> throw new IllegalArgumentException("not a cluster solver: " + solver);
        };
    }

    /**
     * The exact DP over all ideals when they are few enough to pair up, else over the ranges of
     * one topological order (the note says which).
     */
    static ClusterPlan exact(ClusterProblem p, ParallelSpace space) {
        ClusterPlan overIdeals = IdealParallelDp.solve(p, space, IdealParallelDp.DEFAULT_MAX_IDEALS);
        if (overIdeals != null) {
            return overIdeals;
        }
        ClusterPlan ranges = ParallelDp.solve(p, space);
        return new ClusterPlan(ranges.stages(), ranges.timePerSample(), ranges.solver(), ranges.optimal(), ranges.seconds(),
                ranges.note() + ", stages are ranges of one topological order (more than "
                        + IdealParallelDp.DEFAULT_MAX_IDEALS + " ideals)");
    }

    /** Prints the plan, re-evaluated independently and simulated; returns the exit status. */
    static int print(PrintWriter w, ClusterProblem p, ClusterPlan plan, Path out) {
        w.printf(Locale.ROOT, "%s: %d operators in %d pipeline positions, %s%s%n", p.name(), p.source().graph().size(),
                p.positions(), p.cluster(), p.training() ? ", training (mini-batch " + p.miniBatch() + ")" : ", inference");
        if (plan.stages().isEmpty()) {
            w.println("no plan: " + plan.note());
            return PipeplanCommand.EXIT_INFEASIBLE;
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
            write(out, p, plan, e);
            w.println("plan written to " + out);
        }
        return e.feasible() ? 0 : PipeplanCommand.EXIT_INFEASIBLE;
    }

    /** Format pipeplan-parallel-plan, version 1: the stages with their GPUs and operator ids. */
    static void write(Path out, ClusterProblem p, ClusterPlan plan, ClusterEvaluation e) {
        OperatorGraph g = p.source().graph();
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", 1);
        root.put("problem", p.name());
        root.put("solver", plan.solver());
        root.put("gpus", p.cluster().gpus());
        root.put("gpusPerNode", p.cluster().gpusPerNode());
        root.put("gpuType", p.cluster().gpuType());
        root.put("unit", "ms");
        root.put("timePerSample", e.timePerSample());
        root.put("optimal", plan.optimal());
        ArrayNode stages = root.putArray("stages");
        for (int s = 0; s < plan.stages().size(); s++) {
            ClusterStage st = plan.stages().get(s);
            ObjectNode o = stages.addObject();
            o.put("stage", s);
            o.put("firstGpu", st.firstGpu());
            o.put("replicas", st.replicas());
            o.put("split", st.split());
            o.put("perSample", e.stages().get(s).perSample());
            ArrayNode ids = o.putArray("nodes");
            for (int v : st.nodes()) {
                ids.add(g.operator(v).id());
            }
        }
        try {
            Path parent = out.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            mapper.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), root);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot write " + out + ": " + ex.getMessage(), ex);
        }
    }
}
