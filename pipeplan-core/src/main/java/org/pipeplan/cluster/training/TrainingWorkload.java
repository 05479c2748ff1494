package org.pipeplan.cluster.training;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import org.pipeplan.cluster.ClusterProblem;
import org.pipeplan.device.DeviceKind;
import org.pipeplan.graph.Edge;
import org.pipeplan.graph.Operator;
import org.pipeplan.graph.OperatorGraph;
import org.pipeplan.graph.TensorParallelism;

/**
 * A training graph as its layers, the units a training plan's stages are made of
 * (docs/training.md, "The workload: layers"), with what each layer's cost needs per sample: its
 * forward and backward operators (their work, or their times, and their tensor-parallel style),
 * its parameters, the activations it keeps for the backward pass, and the bytes crossing every cut
 * between layers. Read once from the operators; the cost of any plan is then computed from it.
 *
 * <p>A layer is a run of consecutive positions of the cluster problem's pipeline order that share
 * a layerId; a graph without layer ids has one layer per position.
 */
public final class TrainingWorkload {

    /** Operator types of the attention core, whose s^2 activations selective recomputation drops. */
    static final Set<String> ATTENTION_CORE = Set.of("AttentionScores", "AttentionSoftmax", "AttentionDropout",
            "AttentionContext");
    /** Of those, the ones whose outputs (the s^2 tensors) selective recomputation does not keep. */
    static final Set<String> ATTENTION_CORE_STASH = Set.of("AttentionSoftmax", "AttentionDropout");
    /** Bytes of one parameter where an operator gives only its memory (fp32 weights of ONNX models). */
    static final double BYTES_PER_STORED_PARAMETER = 4;

    /** One operator as the cost model needs it. */
    record Op(int node, double flops, double bytes, double time, boolean split, boolean replicated,
              boolean attentionCore, double forwardCollectiveBytes, double backwardCollectiveBytes,
              boolean gathers, double outputBytes) {
    }

    /**
     * One layer, per sample.
     *
     * @param positions     the pipeline positions [from, to) of the cluster problem
     * @param forward       its forward operators
     * @param backward      its backward operators
     * @param splitParams   parameters of its split operators (divided among a tensor group)
     * @param wholeParams   parameters of its replicated operators
     * @param splitStash    activations kept for the backward pass, produced by split operators
     * @param wholeStash    activations kept, produced by replicated operators
     * @param coreStash     of the split ones, the attention core's (dropped by selective recomputation)
     */
    record Layer(int from, int to, List<Op> forward, List<Op> backward, double splitParams, double wholeParams,
                 double splitStash, double wholeStash, double coreStash) {

        double params() {
            return splitParams + wholeParams;
        }
    }

    private final ClusterProblem problem;
    private final List<Layer> layers;
    /** forwardCut[i]: activation bytes crossing the cut before layer i, per sample; 0 at both ends. */
    private final double[] forwardCut;
    /** backwardCut[i]: gradient bytes crossing it the other way. */
    private final double[] backwardCut;
    private final boolean tiedEmbeddings;
    private final double tiedParameters;

    public TrainingWorkload(ClusterProblem problem) {
        this.problem = problem;
        OperatorGraph g = problem.source().graph();
        int[] layerOfPosition = layerOfPositions(problem);
        int count = layerOfPosition.length == 0 ? 0 : layerOfPosition[layerOfPosition.length - 1] + 1;
        int[] layerOfNode = new int[g.size()];
        for (int v = 0; v < g.size(); v++) {
            layerOfNode[v] = layerOfPosition[problem.positionOf(v)];
        }
        DeviceKind gpu = gpuKind(problem);
        List<List<Op>> forward = new ArrayList<>();
        List<List<Op>> backward = new ArrayList<>();
        double[][] sums = new double[count][5];
        for (int l = 0; l < count; l++) {
            forward.add(new ArrayList<>());
            backward.add(new ArrayList<>());
        }
        boolean tied = false;
        double tiedParams = 0;
        for (int v = 0; v < g.size(); v++) {
            Operator op = g.operator(v);
            int l = layerOfNode[v];
            Op o = op(problem, gpu, v);
            (op.isBackward() ? backward : forward).get(l).add(o);
            if (!op.isBackward()) {
                double params = parameters(op);
                sums[l][o.split() ? 0 : 1] += params;
                if (op.opType().filter("TiedLmHead"::equals).isPresent()) {
                    tied = true;
                    tiedParams += params;
                }
            }
        }
        // kept activations: the edges from a forward operator to a backward one, by their producer
        for (Edge e : g.edges()) {
            Operator from = g.operator(e.source());
            Operator to = g.operator(e.target());
            if (from.isBackward() || !to.isBackward()) {
                continue;
            }
            int l = layerOfNode[e.source()];
            TensorParallelism style = from.tensorParallelism();
            boolean split = style == TensorParallelism.SPLIT || style == TensorParallelism.COLUMN;
            sums[l][split ? 2 : 3] += e.bytes();
            if (split && from.opType().filter(ATTENTION_CORE_STASH::contains).isPresent()) {
                sums[l][4] += e.bytes();
            }
        }
        List<Layer> list = new ArrayList<>();
        int position = 0;
        for (int l = 0; l < count; l++) {
            int from = position;
            while (position < layerOfPosition.length && layerOfPosition[position] == l) {
                position++;
            }
            list.add(new Layer(from, position, List.copyOf(forward.get(l)), List.copyOf(backward.get(l)), sums[l][0],
                    sums[l][1], sums[l][2], sums[l][3], sums[l][4]));
        }
        this.layers = List.copyOf(list);
        this.forwardCut = cuts(g, layerOfNode, count, false);
        this.backwardCut = cuts(g, layerOfNode, count, true);
        this.tiedEmbeddings = tied;
        this.tiedParameters = tiedParams;
    }

    /** Positions grouped into layers: a run of positions whose forward operators share a layerId. */
    private static int[] layerOfPositions(ClusterProblem problem) {
        OperatorGraph g = problem.source().graph();
        int n = problem.positions();
        int[] layer = new int[n];
        Long previous = null;
        int current = -1;
        for (int i = 0; i < n; i++) {
            Long id = null;
            for (int v : problem.members(i)) {
                OptionalLong l = g.operator(v).layerId();
                if (l.isPresent() && !g.operator(v).isBackward()) {
                    id = l.getAsLong();
                    break;
                }
            }
            if (id == null || !id.equals(previous)) {
                current++;
            }
            layer[i] = current;
            previous = id;
        }
        return layer;
    }

    private static DeviceKind gpuKind(ClusterProblem problem) {
        return problem.source().devices().all().stream().filter(d -> d.isAccelerator()).map(d -> d.kind()).findFirst()
                .orElse(DeviceKind.ACCELERATOR);
    }

    /** The cost model's view of one operator (see docs/training.md, "Time of one micro-batch"). */
    private static Op op(ClusterProblem problem, DeviceKind gpu, int v) {
        OperatorGraph g = problem.source().graph();
        Operator op = g.operator(v);
        TensorParallelism style = op.tensorParallelism();
        boolean unspecified = style == TensorParallelism.UNSPECIFIED;
        boolean split = unspecified ? problem.splitRule().splittable(v)
                : style == TensorParallelism.SPLIT || style == TensorParallelism.COLUMN || style == TensorParallelism.ROW;
        boolean replicated = !split;
        double out = ClusterProblem.outputBytes(g, v);
        // Megatron-LM: a row-parallel product all-reduces its output going forward, a column-parallel
        // one its input gradient going back; an undeclared split operator gathers its output forward
        // and reduces its input gradient backward (docs/parallel.md)
        double forwardCollective = 0;
        double backwardCollective = 0;
        boolean gathers = false;
        if (!op.isBackward() && (style == TensorParallelism.ROW || (unspecified && split))) {
            forwardCollective = out;
            gathers = unspecified;
        }
        if (op.isBackward() && (style == TensorParallelism.COLUMN || (unspecified && split))) {
            backwardCollective = out;
        }
        double time = problem.computeOf(v);
        boolean core = op.opType().filter(ATTENTION_CORE::contains).isPresent();
        return new Op(v, op.flops(), op.bytesMoved(), time, split, replicated, core, forwardCollective, backwardCollective,
                gathers, out);
    }

    /** Parameters of a forward operator: as given, or its memory at 4 bytes per parameter. */
    static double parameters(Operator op) {
        double count = op.parameterCount();
        return Double.isNaN(count) ? op.memoryBytes() / BYTES_PER_STORED_PARAMETER : count;
    }

    /**
     * Bytes crossing each cut between layers, per sample: of forward operators' outputs used in
     * later layers, or of backward operators' outputs used in earlier ones.
     */
    private static double[] cuts(OperatorGraph g, int[] layerOfNode, int count, boolean backward) {
        double[] cut = new double[count + 1];
        for (int u = 0; u < g.size(); u++) {
            if (g.operator(u).isBackward() != backward) {
                continue;
            }
            int lo = layerOfNode[u];
            int hi = lo;
            for (int j = 0; j < g.outDegree(u); j++) {
                int w = g.edge(g.outEdge(u, j)).target();
                if (g.operator(w).isBackward() == backward) {
                    lo = Math.min(lo, layerOfNode[w]);
                    hi = Math.max(hi, layerOfNode[w]);
                }
            }
            double bytes = ClusterProblem.outputBytes(g, u);
            for (int c = lo + 1; c <= hi; c++) {
                cut[c] += bytes;
            }
        }
        return cut;
    }

    public ClusterProblem problem() {
        return problem;
    }

    /** Number of layers. */
    public int size() {
        return layers.size();
    }

    Layer layer(int i) {
        return layers.get(i);
    }

    List<Layer> layers() {
        return layers;
    }

    /** Activation bytes per sample crossing the cut before layer i (0 before the first, after the last). */
    public double forwardCut(int i) {
        return forwardCut[i];
    }

    /** Gradient bytes per sample crossing the cut before layer i, going back. */
    public double backwardCut(int i) {
        return backwardCut[i];
    }

    /**
     * Activation bytes per sample that layer i keeps for its backward pass on one GPU of a tensor
     * group of {@code tensor} GPUs, without sequence parallelism or recomputation: its split
     * operators' stash divided by the degree, its replicated operators' whole.
     */
    public double stashPerSample(int i, int tensor) {
        Layer l = layers.get(i);
        return l.splitStash() / tensor + l.wholeStash();
    }

    /** Of layer i's kept activations per sample (before any split), the attention core's: what selective recomputation drops. */
    public double attentionCoreStashPerSample(int i) {
        return layers.get(i).coreStash();
    }

    /** Whether the output layer shares the input embedding's weights (Megatron-LM ties them). */
    public boolean tiedEmbeddings() {
        return tiedEmbeddings;
    }

    /** Parameters of the tied output layer (its copy of the embedding). */
    public double tiedParameters() {
        return tiedParameters;
    }

    /** Parameters of the whole model, tied weights counted once. */
    public double parameters() {
        double total = 0;
        for (Layer l : layers) {
            total += l.params();
        }
        return total - tiedParameters;
    }

    /** Forward and backward FLOPs of one sample (NaN where operators give no work). */
    public double flopsPerSample() {
        double total = 0;
        for (Layer l : layers) {
            for (Op o : l.forward()) {
                total += o.flops();
            }
            for (Op o : l.backward()) {
                total += o.flops();
            }
        }
        return total;
    }
}
