package org.pipeplan.cluster;

import java.util.Arrays;
import org.pipeplan.device.DeviceKind;
import org.pipeplan.graph.Edge;
import org.pipeplan.graph.Operator;
import org.pipeplan.graph.OperatorGraph;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.units.Contraction;
import org.pipeplan.units.ContractionOptions;
import org.pipeplan.units.UnitGraph;

/**
 * A graph to spread over a GPU cluster with pipeline stages, replication and operator splitting.
 *
 * <p>Operators that must share a device (a forward operator and its backward) form units; the
 * units are laid out in one topological order (the pipeline order), and a stage is a range of
 * consecutive positions. Activations go from stage to stage: a tensor made at one position and
 * used several positions later (or, for gradients, earlier) crosses every cut in between, as in
 * the pipeline runtimes, where a stage talks only to its neighbours.
 *
 * <p>Per position the problem keeps what a stage's cost needs: compute of the operators that may
 * be split ({@link SplitRule}) and of the others (ms on one GPU), their memory, parameter bytes
 * (the memory of forward operators: what training all-reduces), the bytes that split operators
 * gather (forward) or reduce (backward), and the bytes crossing the cut before each position.
 *
 * @see StageCost
 */
public final class ClusterProblem {

    private final PlacementProblem source;
    private final GpuCluster cluster;
    private final int miniBatch;
    private final boolean training;
    private final SplitRule splitRule;
    private final double[] nodeCompute;
    private final int[] positionOfNode;
    private final int[][] members;
    /** Precedence among positions: the unit graph's edges, which every plan's stages respect. */
    private final int[][] successors;
    final double[] splitCompute;
    final double[] wholeCompute;
    final double[] splitMemory;
    final double[] wholeMemory;
    final double[] splitParams;
    final double[] wholeParams;
    final double[] gatherBytes;
    final double[] reduceBytes;
    final int[] gatherCount;
    final int[] reduceCount;
    final double[] cross;
    private final double totalCompute;

    /**
     * @param miniBatch samples per mini-batch in training: replicas all-reduce their gradients
     *                  once per mini-batch, so that cost is shared by its samples
     */
    public ClusterProblem(PlacementProblem source, GpuCluster cluster, int miniBatch) {
        if (miniBatch < 1) {
            throw new IllegalArgumentException("the mini-batch must hold at least one sample, got " + miniBatch);
        }
        this.source = source;
        this.cluster = cluster;
        this.miniBatch = miniBatch;
        OperatorGraph g = source.graph();
        this.training = g.hasBackward();
        this.nodeCompute = computeOnGpu(source);
        this.splitRule = SplitRule.of(g, nodeCompute);
        UnitGraph units = Contraction.contract(g, new ContractionOptions(false, false, false, true), cluster.memoryBytes());
        int[] order = units.stackTopologicalOrder();
        int n = order.length;
        members = new int[n][];
        positionOfNode = new int[g.size()];
        int[] positionOfUnit = new int[n];
        for (int i = 0; i < n; i++) {
            members[i] = units.members(order[i]);
            positionOfUnit[order[i]] = i;
            for (int v : members[i]) {
                positionOfNode[v] = i;
            }
        }
        successors = new int[n][];
        for (int i = 0; i < n; i++) {
            successors[i] = Arrays.stream(units.successors(order[i])).map(u -> positionOfUnit[u]).sorted().toArray();
        }
        splitCompute = new double[n + 1];
        wholeCompute = new double[n + 1];
        splitMemory = new double[n + 1];
        wholeMemory = new double[n + 1];
        splitParams = new double[n + 1];
        wholeParams = new double[n + 1];
        gatherBytes = new double[n + 1];
        reduceBytes = new double[n + 1];
        gatherCount = new int[n + 1];
        reduceCount = new int[n + 1];
        // prefix sums: entry i covers positions 0..i-1
        for (int i = 0; i < n; i++) {
            double sc = 0, wc = 0, sm = 0, wm = 0, sp = 0, wp = 0, gb = 0, rb = 0;
            int gc = 0, rc = 0;
            for (int v : members[i]) {
                Operator op = g.operator(v);
                boolean split = splitRule.splittable(v);
                double params = op.isBackward() ? 0 : op.memoryBytes();
                if (split) {
                    sc += nodeCompute[v];
                    sm += op.memoryBytes();
                    sp += params;
                    double out = outputBytes(g, v);
                    if (op.isBackward()) {
                        rb += out;
                        rc += out > 0 ? 1 : 0;
                    } else {
                        gb += out;
                        gc += out > 0 ? 1 : 0;
                    }
                } else {
                    wc += nodeCompute[v];
                    wm += op.memoryBytes();
                    wp += params;
                }
            }
            splitCompute[i + 1] = splitCompute[i] + sc;
            wholeCompute[i + 1] = wholeCompute[i] + wc;
            splitMemory[i + 1] = splitMemory[i] + sm;
            wholeMemory[i + 1] = wholeMemory[i] + wm;
            splitParams[i + 1] = splitParams[i] + sp;
            wholeParams[i + 1] = wholeParams[i] + wp;
            gatherBytes[i + 1] = gatherBytes[i] + gb;
            reduceBytes[i + 1] = reduceBytes[i] + rb;
            gatherCount[i + 1] = gatherCount[i] + gc;
            reduceCount[i + 1] = reduceCount[i] + rc;
        }
        totalCompute = splitCompute[n] + wholeCompute[n];
        cross = crossingBytes(g, n);
    }

    /** Compute of every operator on one GPU: its accelerator time (its CPU time if it cannot run there). */
    private static double[] computeOnGpu(PlacementProblem p) {
        DeviceKind gpu = p.devices().all().stream().filter(d -> d.isAccelerator()).map(d -> d.kind()).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(p.name() + ": no accelerator to take the GPUs' compute times from"));
        OperatorGraph g = p.graph();
        int hostOnly = 0;
        int first = -1;
        for (int v = 0; v < g.size(); v++) {
            if (!g.operator(v).runsOn(gpu)) {
                hostOnly++;
                first = first < 0 ? v : first;
            }
        }
        if (hostOnly > 0) {
            Operator op = g.operator(first);
            throw new org.pipeplan.planner.UnsupportedProblemException(p.name() + ": " + hostOnly + " of the graph's "
                    + g.size() + " operators cannot run on an accelerator (first: node " + op.id()
                    + (op.name() == null ? "" : " '" + op.name() + "'") + "); the GPU cluster planners put every operator "
                    + "on a GPU, so plan this graph with a placement solver (dp, ip, local-search), which keeps such "
                    + "operators on CPU cores");
        }
        double[] t = new double[g.size()];
        for (int v = 0; v < g.size(); v++) {
            Operator op = g.operator(v);
            double x = op.runsOn(gpu) ? op.computeTime(gpu) : op.computeTime(DeviceKind.CPU);
            if (Double.isNaN(x)) {
                x = op.computeTimes().values().stream().mapToDouble(Double::doubleValue).filter(d -> !Double.isNaN(d))
                        .min().orElse(0);
            }
            t[v] = x;
        }
        return t;
    }

    /** Bytes of an operator's output: the largest tensor on its out-edges, or its declared output. */
    public static double outputBytes(OperatorGraph g, int v) {
        double b = 0;
        for (int j = 0; j < g.outDegree(v); j++) {
            b = Math.max(b, g.edge(g.outEdge(v, j)).bytes());
        }
        return b > 0 ? b : g.outDegree(v) > 0 ? g.operator(v).outputBytes() : 0;
    }

    /** cross[i]: bytes crossing the cut before position i (made on one side, used on the other). */
    private double[] crossingBytes(OperatorGraph g, int n) {
        double[] delta = new double[n + 2];
        for (int u = 0; u < g.size(); u++) {
            int lo = positionOfNode[u];
            int hi = lo;
            for (int j = 0; j < g.outDegree(u); j++) {
                Edge e = g.edge(g.outEdge(u, j));
                lo = Math.min(lo, positionOfNode[e.target()]);
                hi = Math.max(hi, positionOfNode[e.target()]);
            }
            if (hi > lo) {
                double bytes = outputBytes(g, u);
                delta[lo + 1] += bytes;
                delta[hi + 1] -= bytes;
            }
        }
        double[] c = new double[n + 1];
        double running = 0;
        for (int i = 0; i <= n; i++) {
            running += delta[i];
            c[i] = i == 0 || i == n ? 0 : running;
        }
        return c;
    }

    public PlacementProblem source() {
        return source;
    }

    public String name() {
        return source.name();
    }

    public GpuCluster cluster() {
        return cluster;
    }

    public int miniBatch() {
        return miniBatch;
    }

    public boolean training() {
        return training;
    }

    public SplitRule splitRule() {
        return splitRule;
    }

    /** Positions of the pipeline order (units). */
    public int positions() {
        return members.length;
    }

    /** Positions that must be in the same stage as this one or a later one. */
    public int[] successors(int position) {
        return successors[position].clone();
    }

    /** Operators (node indices) at a position. */
    public int[] members(int position) {
        return members[position].clone();
    }

    public int positionOf(int node) {
        return positionOfNode[node];
    }

    /** Compute of one operator on one GPU, ms. */
    public double computeOf(int node) {
        return nodeCompute[node];
    }

    /** Compute of every operator on one GPU, ms. */
    public double totalCompute() {
        return totalCompute;
    }

    /** Compute of positions [from, to) on one GPU, nothing split. */
    public double compute(int from, int to) {
        return splitCompute[to] - splitCompute[from] + wholeCompute[to] - wholeCompute[from];
    }

    /** Compute of the splittable operators of positions [from, to). */
    public double splittableCompute(int from, int to) {
        return splitCompute[to] - splitCompute[from];
    }

    /** Bytes crossing the cut before a position (0 before the first and after the last). */
    public double crossing(int position) {
        return cross[position];
    }

    /** The operators of positions [from, to), ascending. */
    public int[] nodes(int from, int to) {
        return Arrays.stream(members, from, to).flatMapToInt(Arrays::stream).sorted().toArray();
    }
}
