package org.pipeplan.cluster.evaluate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.pipeplan.cluster.ClusterPlan;
import org.pipeplan.cluster.ClusterProblem;
import org.pipeplan.cluster.ClusterStage;
import org.pipeplan.cluster.Collectives;
import org.pipeplan.cluster.GpuCluster;
import org.pipeplan.cluster.StageCost;
import org.pipeplan.cluster.StageTime;
import org.pipeplan.graph.Edge;
import org.pipeplan.graph.Operator;
import org.pipeplan.graph.OperatorGraph;

/**
 * Evaluates any parallel plan from its operator sets alone, without the solvers' prefix sums
 * over the pipeline order: it checks the plan (every operator once, colocated operators
 * together, forward edges never going back a stage, consecutive GPU ranges within the cluster,
 * memory) and computes each stage's time with the cost model of {@link StageCost}.
 */
public final class ClusterEvaluator {

    private ClusterEvaluator() {
    }

    /**
     * Bytes crossing the cut before each stage, of the tensors made by the operators chosen: a
     * tensor crosses every cut between its producer's stage and its farthest consumer's.
     */
    static double[] crossing(OperatorGraph g, int[] stageOf, int stages, java.util.function.Predicate<Operator> which) {
        double[] cross = new double[stages + 1];
        for (int u = 0; u < g.size(); u++) {
            if (!which.test(g.operator(u))) {
                continue;
            }
            int lo = stageOf[u];
            int hi = lo;
            for (int j = 0; j < g.outDegree(u); j++) {
                int t = stageOf[g.edge(g.outEdge(u, j)).target()];
                lo = Math.min(lo, t);
                hi = Math.max(hi, t);
            }
            for (int cut = lo + 1; cut <= hi; cut++) {
                cross[cut] += ClusterProblem.outputBytes(g, u);
            }
        }
        return cross;
    }

    /**
     * One replica's work per sample on the stage's operators that {@code which} accepts: compute
     * (split operators' divided by the split degree) and the split operators' collectives
     * (all-gather forward, all-reduce backward).
     */
    static double[] replicaWork(ClusterProblem p, ClusterStage st, java.util.function.Predicate<Operator> which) {
        OperatorGraph g = p.source().graph();
        int t = st.split();
        GpuCluster.Link link = p.cluster().splitLink(st.firstGpu(), st.replicas(), t);
        double compute = 0;
        double collectives = 0;
        for (int v : st.nodes()) {
            Operator op = g.operator(v);
            if (!which.test(op)) {
                continue;
            }
            boolean split = p.splitRule().splittable(v);
            compute += p.computeOf(v) / (split ? t : 1);
            if (split && t > 1) {
                double out = ClusterProblem.outputBytes(g, v);
                collectives += op.isBackward() ? Collectives.allReduce(out, t, link) : Collectives.allGather(out, t, link);
            }
        }
        return new double[] {compute, collectives};
    }

    public static ClusterEvaluation evaluate(ClusterProblem p, ClusterPlan plan) {
        OperatorGraph g = p.source().graph();
        GpuCluster c = p.cluster();
        List<ClusterStage> stages = plan.stages();
        List<String> problems = new ArrayList<>();
        int[] stageOf = new int[g.size()];
        Arrays.fill(stageOf, -1);
        int nextGpu = 0;
        for (int s = 0; s < stages.size(); s++) {
            ClusterStage st = stages.get(s);
            if (st.firstGpu() != nextGpu) {
                problems.add("stage " + s + " starts at GPU " + st.firstGpu() + ", expected " + nextGpu);
            }
            nextGpu = st.firstGpu() + st.gpus();
            for (int v : st.nodes()) {
                if (v < 0 || v >= g.size()) {
                    problems.add("stage " + s + ": no node " + v);
                } else if (stageOf[v] >= 0) {
                    problems.add("node " + g.operator(v).id() + " is in stages " + stageOf[v] + " and " + s);
                } else {
                    stageOf[v] = s;
                }
            }
        }
        if (nextGpu > c.gpus()) {
            problems.add("the plan uses " + nextGpu + " GPUs, the cluster has " + c.gpus());
        }
        for (int v = 0; v < g.size(); v++) {
            if (stageOf[v] < 0) {
                problems.add("node " + g.operator(v).id() + " is in no stage");
            }
        }
        if (!problems.isEmpty()) {
            return new ClusterEvaluation(List.of(), Double.POSITIVE_INFINITY, problems);
        }
        int[] classStage = new int[g.colocationGroupCount()];
        Arrays.fill(classStage, -1);
        for (int v = 0; v < g.size(); v++) {
            int k = g.colocationGroup(v);
            if (classStage[k] >= 0 && classStage[k] != stageOf[v]) {
                problems.add("node " + g.operator(v).id() + " is not in the stage of the operators it must share a device with");
            }
            classStage[k] = stageOf[v];
        }
        for (Edge e : g.edges()) {
            if (!g.operator(e.source()).isBackward() && !g.operator(e.target()).isBackward()
                    && stageOf[e.source()] > stageOf[e.target()]) {
                problems.add("edge " + g.operator(e.source()).id() + " -> " + g.operator(e.target()).id()
                        + " goes back from stage " + stageOf[e.source()] + " to " + stageOf[e.target()]);
            }
        }
        double[] cross = crossing(g, stageOf, stages.size(), op -> true);
        List<StageTime> times = new ArrayList<>();
        double worst = 0;
        for (int s = 0; s < stages.size(); s++) {
            ClusterStage st = stages.get(s);
            int t = st.split();
            double[] work = replicaWork(p, st, op -> true);
            double compute = work[0];
            double collectives = work[1];
            double memory = 0;
            double params = 0;
            for (int v : st.nodes()) {
                Operator op = g.operator(v);
                int share = p.splitRule().splittable(v) ? t : 1;
                memory += op.memoryBytes() / share;
                params += op.isBackward() ? 0 : op.memoryBytes() / share;
            }
            double transfers = (s > 0 ? c.linkAcross(st.firstGpu()).transferMs(cross[s]) : 0)
                    + (s + 1 < stages.size() ? c.linkAcross(st.firstGpu() + st.gpus()).transferMs(cross[s + 1]) : 0);
            double allReduce = p.training() ? Collectives.allReduce(params, st.replicas(), c.linkOf(st.firstGpu(), st.gpus())) : 0;
            double perSample = (compute + collectives + transfers) / st.replicas() + allReduce / p.miniBatch();
            if (memory > c.memoryBytes()) {
                problems.add(String.format(java.util.Locale.ROOT, "stage %d needs %.3f GiB per GPU, a GPU has %.3f GiB", s,
                        memory / (1L << 30), c.memoryBytes() / (1L << 30)));
            }
            times.add(new StageTime(compute, collectives, transfers, allReduce, perSample, memory));
            worst = Math.max(worst, perSample);
        }
        return new ClusterEvaluation(times, worst, problems);
    }
}
