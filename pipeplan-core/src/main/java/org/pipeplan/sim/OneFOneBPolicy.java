package org.pipeplan.sim;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.pipeplan.graph.OperatorGraph;
import org.pipeplan.placement.evaluate.Evaluation;

/**
 * 1F1B (PipeDream-Flush): within a mini-batch a ready backward runs before any forward, and a
 * replica at pipeline position i of p keeps at most p - i micro-batches in flight: a forward of a
 * micro-batch it has not started waits while that many are open there. A micro-batch is open on a
 * replica from its first compute task there until its last. A non-contiguous plan can stall these
 * limits; the run then raises them all by one until it goes on, and says so in its note.
 */
final class OneFOneBPolicy extends TrainingPolicy {

    private final ResourceLayout resources;
    /** In-flight limit per device. */
    private final int[] cap;
    /** Raise of every limit, to get past a stall. */
    private int capBoost;
    /** Whether a sample is open on a device (on its replica for that sample). */
    private final boolean[][] open;
    /** Samples open per engine. */
    private final int[] openCount;
    /** Compute tasks of a sample left per device. */
    private final int[][] computeLeft;

    OneFOneBPolicy(SimulatedTasks tasks, ResourceLayout resources, int[] cap) {
        super(tasks);
        this.resources = resources;
        this.cap = cap;
        open = new boolean[tasks.devices][tasks.samples];
        openCount = new int[resources.count()];
        computeLeft = new int[tasks.devices][tasks.samples];
        for (int s = 0; s < tasks.samples; s++) {
            for (int d = 0; d < tasks.devices; d++) {
                computeLeft[d][s] = tasks.forwardOn[d].length + tasks.backwardOn[d].length;
            }
        }
    }

    /**
     * 1F1B in-flight limits: p - i micro-batches at pipeline position i. A contiguous plan's
     * positions are its pipeline order; otherwise devices are ranked by the mean topological
     * position of their forward operators (a device holding only a weight that is read early is
     * not the first stage for that).
     */
    static int[] pipelineCaps(SimulatedTasks tasks, OperatorGraph graph, Evaluation loads) {
        List<Integer> order = loads.contiguity().pipelineOrder();
        if (order.isEmpty()) {
            int[] topo = graph.topologicalOrder();
            int[] rank = new int[topo.length];
            for (int i = 0; i < topo.length; i++) {
                rank[topo[i]] = i;
            }
            double[] mean = new double[tasks.devices];
            for (int d = 0; d < tasks.devices; d++) {
                for (int t : tasks.forwardOn[d]) {
                    mean[d] += (double) rank[tasks.template.node[t]] / tasks.forwardOn[d].length;
                }
            }
            order = IntStream.range(0, tasks.devices).filter(d -> tasks.forwardOn[d].length > 0).boxed()
                    .sorted((a, b) -> Double.compare(mean[a], mean[b])).toList();
        }
        int[] caps = new int[tasks.devices];
        Arrays.fill(caps, 1);
        for (int i = 0; i < order.size(); i++) {
            caps[order.get(i)] = order.size() - i;
        }
        return caps;
    }

    /** Backwards first. */
    @Override
    protected int phase(boolean backward) {
        return backward ? 0 : 1;
    }

    /** A forward of a micro-batch that would exceed the in-flight limit waits. */
    @Override
    public boolean mayStart(int id) {
        if (tasks.isFlush(id)) {
            return true;
        }
        int t = tasks.templateOf(id);
        if (tasks.template.kind[t] != SampleTasks.Kind.COMPUTE || tasks.template.backward[t]) {
            return true;
        }
        int d = tasks.template.device[t];
        int s = tasks.sampleOf(id);
        return open[d][s] || openCount[resources.engineOf(d, s)] < cap[d] + capBoost;
    }

    @Override
    public void started(int id) {
        if (!tasks.isCompute(id)) {
            return;
        }
        int d = tasks.template.device[tasks.templateOf(id)];
        int s = tasks.sampleOf(id);
        if (!open[d][s]) {
            open[d][s] = true;
            openCount[resources.engineOf(d, s)]++;
        }
    }

    @Override
    protected void computeDone(int d, int s, int t, Run run) {
        super.computeDone(d, s, t, run);
        if (--computeLeft[d][s] == 0 && open[d][s]) {
            open[d][s] = false;
            openCount[resources.engineOf(d, s)]--;
        }
    }

    /** A non-contiguous plan can stall the 1F1B limits: relax them, by at most the number of samples. */
    @Override
    public boolean relax() {
        if (capBoost < tasks.samples) {
            capBoost++;
            return true;
        }
        return false;
    }

    @Override
    public String note() {
        return capBoost > 0 ? "1F1B in-flight limits raised by " + capBoost + " to avoid a stall of this non-contiguous plan" : "";
    }
}
