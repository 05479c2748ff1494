package org.pipeplan.edgetpu;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.pipeplan.generate.SyntheticDag;

/**
 * A DNN graph as an Edge-TPU pipeline sees it: per node its compute time on one Edge TPU, the
 * bytes of parameters it reads and the bytes of its output. Nodes are numbered in a topological
 * order (every edge goes from a lower to a higher number). Immutable.
 */
public final class EdgeTpuGraph {

    private final String name;
    private final String[] nodeNames;
    private final double[] compute;
    private final double[] paramBytes;
    private final double[] outputBytes;
    private final boolean[] onTpu;
    private final double[] hostCompute;
    private final int[][] successors;
    private final int[][] predecessors;

    /**
     * @param compute     compute time per node (ms) on one stage
     * @param paramBytes  parameter bytes per node
     * @param outputBytes output bytes per node
     * @param edges       pairs {from, to} with from &lt; to
     */
    public EdgeTpuGraph(String name, List<String> nodeNames, double[] compute, double[] paramBytes, double[] outputBytes,
                        List<int[]> edges) {
        this(name, nodeNames, compute, paramBytes, outputBytes, edges, null, null);
    }

    /**
     * @param onTpu       per node, whether the Edge TPU can run it (null: every node)
     * @param hostCompute per node, its time on the host CPU when it falls back (ms; null: as on the TPU)
     */
    public EdgeTpuGraph(String name, List<String> nodeNames, double[] compute, double[] paramBytes, double[] outputBytes,
                        List<int[]> edges, boolean[] onTpu, double[] hostCompute) {
        this.name = Objects.requireNonNull(name);
        int n = compute.length;
        if (paramBytes.length != n || outputBytes.length != n || nodeNames.size() != n) {
            throw new IllegalArgumentException("node arrays of different lengths");
        }
        for (int v = 0; v < n; v++) {
            if (!(compute[v] >= 0) || !(paramBytes[v] >= 0) || !(outputBytes[v] >= 0) || Double.isInfinite(compute[v])
                    || Double.isInfinite(paramBytes[v]) || Double.isInfinite(outputBytes[v])) {
                throw new IllegalArgumentException("node " + nodeNames.get(v) + ": times and bytes must be finite and >= 0");
            }
        }
        this.nodeNames = nodeNames.toArray(String[]::new);
        this.compute = compute.clone();
        this.paramBytes = paramBytes.clone();
        this.outputBytes = outputBytes.clone();
        this.onTpu = onTpu == null ? filled(n) : onTpu.clone();
        this.hostCompute = hostCompute == null ? compute.clone() : hostCompute.clone();
        if (this.onTpu.length != n || this.hostCompute.length != n) {
            throw new IllegalArgumentException("node arrays of different lengths");
        }
        for (int v = 0; v < n; v++) {
            if (!(this.hostCompute[v] >= 0) || Double.isInfinite(this.hostCompute[v])) {
                throw new IllegalArgumentException("node " + nodeNames.get(v) + ": host time must be finite and >= 0");
            }
        }
        List<List<Integer>> succ = new ArrayList<>();
        List<List<Integer>> pred = new ArrayList<>();
        for (int v = 0; v < n; v++) {
            succ.add(new ArrayList<>());
            pred.add(new ArrayList<>());
        }
        for (int[] e : edges) {
            if (e[0] < 0 || e[1] >= n || e[0] >= e[1]) {
                throw new IllegalArgumentException("edge " + Arrays.toString(e) + " does not go forward in node order");
            }
            if (!succ.get(e[0]).contains(e[1])) {
                succ.get(e[0]).add(e[1]);
                pred.get(e[1]).add(e[0]);
            }
        }
        this.successors = succ.stream().map(l -> l.stream().mapToInt(Integer::intValue).toArray()).toArray(int[][]::new);
        this.predecessors = pred.stream().map(l -> l.stream().mapToInt(Integer::intValue).toArray()).toArray(int[][]::new);
    }

    /** The Edge TPU view of a generated graph (times on the generator's device type), its bytes as generated. */
    public static EdgeTpuGraph of(SyntheticDag dag) {
        return of(dag, EdgeTpuCostModel.CLASSIC);
    }

    /**
     * The view of a generated graph as a cost model holds it: its bytes scaled as the model says
     * (int8 under the Coral model), and the generator's marks of which nodes the Edge TPU runs and
     * their host times.
     */
    public static EdgeTpuGraph of(SyntheticDag dag, EdgeTpuCostModel model) {
        double[] params = dag.paramBytes();
        double[] output = dag.outputBytes();
        for (int v = 0; v < params.length; v++) {
            params[v] *= model.byteScale();
            output[v] *= model.byteScale();
        }
        return new EdgeTpuGraph(dag.name(), dag.nodeNames(), dag.compute(), params, output, dag.edges(), dag.onTpu(),
                dag.hostCompute());
    }

    public String name() {
        return name;
    }

    public int size() {
        return compute.length;
    }

    public String nodeName(int v) {
        return nodeNames[v];
    }

    public double compute(int v) {
        return compute[v];
    }

    public double paramBytes(int v) {
        return paramBytes[v];
    }

    /** Whether the Edge TPU can run node {@code v} (else it falls back to the host CPU under the Coral model). */
    public boolean onTpu(int v) {
        return onTpu[v];
    }

    /** Node {@code v}'s time on the host CPU (ms), where it falls back. */
    public double hostCompute(int v) {
        return hostCompute[v];
    }

    /** How many nodes the Edge TPU cannot run. */
    public int hostOnlyCount() {
        int c = 0;
        for (boolean b : onTpu) {
            c += b ? 0 : 1;
        }
        return c;
    }

    private static boolean[] filled(int n) {
        boolean[] b = new boolean[n];
        java.util.Arrays.fill(b, true);
        return b;
    }

    public double outputBytes(int v) {
        return outputBytes[v];
    }

    public int[] successors(int v) {
        return successors[v].clone();
    }

    public int[] predecessors(int v) {
        return predecessors[v].clone();
    }

    public int successorCount(int v) {
        return successors[v].length;
    }

    public int successor(int v, int j) {
        return successors[v][j];
    }

    public int predecessorCount(int v) {
        return predecessors[v].length;
    }

    public int predecessor(int v, int j) {
        return predecessors[v][j];
    }

    public int edgeCount() {
        int m = 0;
        for (int[] s : successors) {
            m += s.length;
        }
        return m;
    }

    public double totalParamBytes() {
        return Arrays.stream(paramBytes).sum();
    }

    public double totalCompute() {
        return Arrays.stream(compute).sum();
    }
}
