package org.pipeplan.units;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jgrapht.Graph;
import org.jgrapht.alg.connectivity.BiconnectivityInspector;
import org.jgrapht.alg.connectivity.KosarajuStrongConnectivityInspector;
import org.jgrapht.graph.DefaultDirectedGraph;
import org.jgrapht.graph.DefaultEdge;
import org.jgrapht.graph.SimpleGraph;
import org.pipeplan.device.DeviceKind;
import org.pipeplan.graph.Edge;
import org.pipeplan.graph.OperatorGraph;

/**
 * Contracts an operator graph into a {@link UnitGraph}, following the preprocessing of
 * PLACEMENT_MODEL.md section 2:
 * <ol>
 *   <li>(optional) operators sharing a layerId are colocated;</li>
 *   <li>(optional, PipeDream baseline) the tails of every biconnected component are fused;</li>
 *   <li>a class with backward operators only gets an artificial forward position: for every
 *       backward edge ub -> vb touching such a class, the forward parts get the mirrored
 *       precedence fwd(vb) -> fwd(ub);</li>
 *   <li>forward parts that reach each other (cycles created by colocation or by the mirrored
 *       edges) are fused;</li>
 *   <li>(optional) a class that costs nothing and touches a single other class is merged into it,
 *       when that provably keeps the optimum (see {@link #mergeTrivialUnits}).</li>
 * </ol>
 * Every step only joins classes, so it never makes a contiguous split of the result
 * non-contiguous in the original graph.
 */
public final class Contraction {

    /** Latencies below this count as zero when recognising broadcast inputs. */
    static final double ZERO = 1e-6;

    private final OperatorGraph g;
    private final DisjointSets classes;
    /** Mirrored precedence pairs between classes (by a member group), fixed when created. */
    private final List<int[]> artificial = new ArrayList<>();

    private Contraction(OperatorGraph g) {
        this.g = g;
        this.classes = new DisjointSets(g.colocationGroupCount());
    }

    /**
     * @param acceleratorMemory memory of one accelerator: trivial merges of classes that hold
     *                          memory are only made when the whole graph fits in it
     */
    public static UnitGraph contract(OperatorGraph g, ContractionOptions options, double acceleratorMemory) {
        Contraction c = new Contraction(g);
        if (options.fuseLayers()) {
            c.fuseLayers();
        }
        if (options.pipeDreamFusion()) {
            c.fuseBiconnectedComponents();
        }
        if (options.contiguous()) {
            c.addArtificialForwardPositions();
            c.fuseForwardCycles();
        }
        if (options.trivialMerges()) {
            c.mergeTrivialUnits(acceleratorMemory);
        }
        UnitGraph units = c.build();
        if (options.contiguous()) {
            units.stackTopologicalOrder(); // fails loudly if fusion left a cycle
        }
        return units;
    }

    private int classOf(int node) {
        return classes.find(g.colocationGroup(node));
    }

    private boolean backward(int node) {
        return g.operator(node).isBackward();
    }

    private void fuseLayers() {
        Map<Long, Integer> firstOfLayer = new HashMap<>();
        for (int v = 0; v < g.size(); v++) {
            var layer = g.operator(v).layerId();
            if (layer.isPresent()) {
                Integer first = firstOfLayer.putIfAbsent(layer.getAsLong(), v);
                if (first != null) {
                    classes.union(g.colocationGroup(first), g.colocationGroup(v));
                }
            }
        }
    }

    /**
     * PipeDream-style fusion: on the undirected graph of forward and backward class parts, every
     * biconnected component has all its edge tails fused into one class. Edges out of broadcast
     * inputs are left out (see {@link #broadcastParts()}).
     */
    private void fuseBiconnectedComponents() {
        Set<Integer> broadcast = broadcastParts();
        Graph<Integer, DefaultEdge> undirected = new SimpleGraph<>(DefaultEdge.class);
        Map<DefaultEdge, Set<Integer>> tails = new HashMap<>();
        for (Edge e : g.edges()) {
            int a = part(e.source());
            int b = part(e.target());
            if (a == b || broadcast.contains(a)) {
                continue;
            }
            undirected.addVertex(a);
            undirected.addVertex(b);
            DefaultEdge edge = undirected.getEdge(a, b);
            if (edge == null) {
                edge = undirected.addEdge(a, b);
            }
            tails.computeIfAbsent(edge, x -> new HashSet<>()).add(a);
        }
        for (Graph<Integer, DefaultEdge> block : new BiconnectivityInspector<>(undirected).getBlocks()) {
            int first = -1;
            for (DefaultEdge edge : block.edgeSet()) {
                for (int tail : tails.get(edge)) {
                    int cls = tail >> 1;
                    if (first < 0) {
                        first = cls;
                    } else {
                        classes.union(first, cls);
                    }
                }
            }
        }
    }

    /**
     * Forward class parts that cost nothing, have at most one input and feed two or more other
     * parts: shared inputs such as an attention mask handed to every layer. PipeDream gives every
     * stage its own copy of such an input, so its edges do not tie the layers into one component.
     */
    private Set<Integer> broadcastParts() {
        Map<Integer, Double> cost = new HashMap<>();
        Map<Integer, Set<Integer>> consumers = new HashMap<>();
        Map<Integer, Set<Integer>> producers = new HashMap<>();
        for (int v = 0; v < g.size(); v++) {
            cost.merge(part(v), time(v, DeviceKind.CPU) + time(v, DeviceKind.ACCELERATOR), Double::sum);
        }
        for (Edge e : g.edges()) {
            int a = part(e.source());
            int b = part(e.target());
            if (a != b) {
                consumers.computeIfAbsent(a, x -> new HashSet<>()).add(b);
                producers.computeIfAbsent(b, x -> new HashSet<>()).add(a);
            }
        }
        Set<Integer> result = new HashSet<>();
        for (var entry : consumers.entrySet()) {
            int p = entry.getKey();
            boolean forward = (p & 1) == 0;
            if (forward && cost.get(p) < ZERO && entry.getValue().size() >= 2
                    && producers.getOrDefault(p, Set.of()).size() <= 1) {
                result.add(p);
            }
        }
        return result;
    }

    /** Vertex for the forward (even) or backward (odd) part of a node's class. */
    private int part(int node) {
        return classOf(node) * 2 + (backward(node) ? 1 : 0);
    }

    private boolean[] classesWithForward() {
        boolean[] has = new boolean[g.colocationGroupCount()];
        for (int v = 0; v < g.size(); v++) {
            if (!backward(v)) {
                has[classOf(v)] = true;
            }
        }
        return has;
    }

    private void addArtificialForwardPositions() {
        boolean[] hasForward = classesWithForward();
        for (Edge e : g.edges()) {
            if (backward(e.source()) && backward(e.target())) {
                int a = classOf(e.source());
                int b = classOf(e.target());
                if (a != b && (!hasForward[a] || !hasForward[b])) {
                    artificial.add(new int[] {b, a});
                }
            }
        }
    }

    /** Forward precedence between classes: real forward edges and the artificial mirrored ones. */
    private Map<Integer, Set<Integer>> classPrecedence() {
        Map<Integer, Set<Integer>> succ = new HashMap<>();
        for (Edge e : g.edges()) {
            if (!backward(e.source()) && !backward(e.target())) {
                int a = classOf(e.source());
                int b = classOf(e.target());
                if (a != b) {
                    succ.computeIfAbsent(a, x -> new LinkedHashSet<>()).add(b);
                }
            }
        }
        for (int[] pair : artificial) {
            int a = classes.find(pair[0]);
            int b = classes.find(pair[1]);
            if (a != b) {
                succ.computeIfAbsent(a, x -> new LinkedHashSet<>()).add(b);
            }
        }
        return succ;
    }

    private void fuseForwardCycles() {
        DefaultDirectedGraph<Integer, DefaultEdge> dag = new DefaultDirectedGraph<>(DefaultEdge.class);
        for (var entry : classPrecedence().entrySet()) {
            dag.addVertex(entry.getKey());
            for (int b : entry.getValue()) {
                dag.addVertex(b);
                dag.addEdge(entry.getKey(), b);
            }
        }
        for (Set<Integer> component : new KosarajuStrongConnectivityInspector<>(dag).stronglyConnectedSets()) {
            int first = -1;
            for (int cls : component) {
                if (first < 0) {
                    first = cls;
                } else {
                    classes.union(first, cls);
                }
            }
        }
    }

    /**
     * Merges a class into its only neighbour when that can never hurt: the class costs nothing on
     * every device kind, every edge leaving it (forward or backward, real or artificial) goes to
     * that one neighbour class, it may run wherever the neighbour may, and its memory cannot make a
     * difference (it holds none, or the whole graph fits on one accelerator). Sharing the neighbour's device then removes transfers
     * and changes nothing else, so the optimum is kept while the DP gets fewer ideals. This is the
     * provably safe core of dp.exe's trivial-node merges.
     */
    private void mergeTrivialUnits(double acceleratorMemory) {
        int groups = g.colocationGroupCount();
        double[] cost = new double[groups];
        double[] memory = new double[groups];
        List<Set<DeviceKind>> allowed = new ArrayList<>(groups);
        for (int c = 0; c < groups; c++) {
            allowed.add(null);
        }
        int[] firstPosition = new int[groups];
        Arrays.fill(firstPosition, Integer.MAX_VALUE);
        double totalMemory = 0;
        for (int v = 0; v < g.size(); v++) {
            int c = classOf(v);
            firstPosition[c] = Math.min(firstPosition[c], v);
            for (double t : g.operator(v).computeTimes().values()) {
                cost[c] += Math.abs(t);
            }
            memory[c] += g.operator(v).memoryBytes();
            totalMemory += g.operator(v).memoryBytes();
            if (allowed.get(c) == null) {
                allowed.set(c, new HashSet<>(g.operator(v).allowedKinds()));
            } else {
                allowed.get(c).retainAll(g.operator(v).allowedKinds());
            }
        }
        boolean memoryNeverBinds = totalMemory <= acceleratorMemory;
        List<Set<Integer>> neighbours = new ArrayList<>(groups);
        for (int c = 0; c < groups; c++) {
            neighbours.add(new HashSet<>());
        }
        for (Edge e : g.edges()) {
            link(neighbours, classOf(e.source()), classOf(e.target()));
        }
        for (int[] pair : artificial) {
            link(neighbours, classes.find(pair[0]), classes.find(pair[1]));
        }
        Integer[] order = new Integer[groups];
        for (int c = 0; c < groups; c++) {
            order[c] = c;
        }
        Arrays.sort(order, (x, y) -> Integer.compare(firstPosition[x], firstPosition[y]));
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int n : order) {
                if (firstPosition[n] == Integer.MAX_VALUE || classes.find(n) != n || neighbours.get(n).size() != 1
                        || cost[n] != 0 || !(memory[n] == 0 || memoryNeverBinds)) {
                    continue;
                }
                int m = neighbours.get(n).iterator().next();
                if (!allowed.get(n).containsAll(allowed.get(m))) {
                    continue; // n would forbid device kinds that m may use
                }
                classes.mergeInto(n, m);
                firstPosition[n] = Integer.MAX_VALUE;
                neighbours.get(m).remove(n);
                memory[m] += memory[n];
                changed = true;
            }
        }
    }

    private static void link(List<Set<Integer>> neighbours, int a, int b) {
        if (a != b) {
            neighbours.get(a).add(b);
            neighbours.get(b).add(a);
        }
    }

    private double time(int node, DeviceKind kind) {
        double t = g.operator(node).computeTime(kind);
        return Double.isNaN(t) ? 0 : t;
    }

    /** The units; their precedence graph is acyclic when the contraction was for contiguity. */
    private UnitGraph build() {
        int groups = g.colocationGroupCount();
        int[] unitOfClass = new int[groups];
        Arrays.fill(unitOfClass, -1);
        List<List<Integer>> members = new ArrayList<>();
        int[] unitOf = new int[g.size()];
        for (int v = 0; v < g.size(); v++) {
            int c = classOf(v);
            if (unitOfClass[c] < 0) {
                unitOfClass[c] = members.size();
                members.add(new ArrayList<>());
            }
            unitOf[v] = unitOfClass[c];
            members.get(unitOf[v]).add(v);
        }
        int n = members.size();
        List<Set<Integer>> succ = new ArrayList<>(n);
        for (int u = 0; u < n; u++) {
            succ.add(new LinkedHashSet<>());
        }
        for (var entry : classPrecedence().entrySet()) {
            for (int b : entry.getValue()) {
                succ.get(unitOfClass[entry.getKey()]).add(unitOfClass[b]);
            }
        }
        int[][] memberArrays = new int[n][];
        int[][] succArrays = new int[n][];
        for (int u = 0; u < n; u++) {
            memberArrays[u] = members.get(u).stream().mapToInt(Integer::intValue).toArray();
            succArrays[u] = succ.get(u).stream().mapToInt(Integer::intValue).toArray();
        }
        return new UnitGraph(g, unitOf, memberArrays, succArrays);
    }
}
