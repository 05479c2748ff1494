package org.pipeplan.units;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.pipeplan.device.DeviceKind;
import org.pipeplan.graph.OperatorGraph;

/**
 * The graph the ideal DP works on: operators contracted into <em>units</em> that must share a
 * device (a colocation class with its forward and backward operators), with precedence edges among
 * units. Contiguity is decided on the forward part: every device receives the difference of two
 * nested ideals of this DAG. A unit may have no forward operator (an orphaned backward class); it
 * then stands for the artificial forward node that gives it a position.
 */
public final class UnitGraph {

    private final OperatorGraph graph;
    private final int[] unitOf;
    private final int[][] members;
    private final int[][] successors;
    private final int[][] predecessors;

    UnitGraph(OperatorGraph graph, int[] unitOf, int[][] members, int[][] successors) {
        this.graph = graph;
        this.unitOf = unitOf;
        this.members = members;
        this.successors = successors;
        int n = members.length;
        int[] count = new int[n];
        for (int[] succ : successors) {
            for (int w : succ) {
                count[w]++;
            }
        }
        predecessors = new int[n][];
        for (int v = 0; v < n; v++) {
            predecessors[v] = new int[count[v]];
        }
        Arrays.fill(count, 0);
        for (int v = 0; v < n; v++) {
            for (int w : successors[v]) {
                predecessors[w][count[w]++] = v;
            }
        }
    }

    public OperatorGraph graph() {
        return graph;
    }

    /** Number of units. */
    public int size() {
        return members.length;
    }

    /** The unit holding an original operator. */
    public int unitOf(int node) {
        return unitOf[node];
    }

    /** Original operators (forward and backward) of a unit, ascending. */
    public int[] members(int unit) {
        return members[unit];
    }

    public int[] successors(int unit) {
        return successors[unit];
    }

    public int[] predecessors(int unit) {
        return predecessors[unit];
    }

    /** Sum over the unit's members of their compute time on a kind (NaN counts as 0). */
    public double[] computeTimes(DeviceKind kind) {
        double[] t = new double[size()];
        for (int u = 0; u < t.length; u++) {
            double s = 0;
            for (int v : members[u]) {
                double x = graph.operator(v).computeTime(kind);
                if (!Double.isNaN(x)) {
                    s += x;
                }
            }
            t[u] = s;
        }
        return t;
    }

    /** Whether every member of each unit may run on a kind. */
    public boolean[] runsOn(DeviceKind kind) {
        boolean[] ok = new boolean[size()];
        for (int u = 0; u < ok.length; u++) {
            ok[u] = true;
            for (int v : members[u]) {
                ok[u] &= graph.operator(v).runsOn(kind);
            }
        }
        return ok;
    }

    public double[] memoryBytes() {
        double[] m = new double[size()];
        for (int u = 0; u < m.length; u++) {
            for (int v : members[u]) {
                m[u] += graph.operator(v).memoryBytes();
            }
        }
        return m;
    }

    /**
     * Units joined into bigger ones: units with the same representative become one unit. The
     * precedence edges are mapped; edges inside a new unit disappear. The result may have cycles
     * when joined units were not convex together.
     */
    public UnitGraph merge(int[] representative) {
        int n = size();
        int[] newId = new int[n];
        java.util.Arrays.fill(newId, -1);
        int count = 0;
        for (int u = 0; u < n; u++) {
            if (newId[representative[u]] < 0) {
                newId[representative[u]] = count++;
            }
            newId[u] = newId[representative[u]];
        }
        List<List<Integer>> memberLists = new ArrayList<>();
        List<Set<Integer>> succ = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            memberLists.add(new ArrayList<>());
            succ.add(new LinkedHashSet<>());
        }
        for (int u = 0; u < n; u++) {
            for (int v : members[u]) {
                memberLists.get(newId[u]).add(v);
            }
            for (int w : successors[u]) {
                if (newId[w] != newId[u]) {
                    succ.get(newId[u]).add(newId[w]);
                }
            }
        }
        int[][] memberArrays = new int[count][];
        int[][] succArrays = new int[count][];
        int[] newUnitOf = new int[unitOf.length];
        for (int i = 0; i < count; i++) {
            memberArrays[i] = memberLists.get(i).stream().mapToInt(Integer::intValue).sorted().toArray();
            succArrays[i] = succ.get(i).stream().mapToInt(Integer::intValue).toArray();
            for (int v : memberArrays[i]) {
                newUnitOf[v] = i;
            }
        }
        return new UnitGraph(graph, newUnitOf, memberArrays, succArrays);
    }

    /**
     * The same units forced into one chain: a topological order is taken with a stack (start with
     * the sources in unit order, pop the last, push successors as they become free) and each unit
     * must precede the next. Its ideals are the prefixes of that order.
     */
    public UnitGraph linearized() {
        int[] order = stackTopologicalOrder();
        int n = size();
        List<Set<Integer>> succ = new ArrayList<>(n);
        for (int v = 0; v < n; v++) {
            Set<Integer> s = new LinkedHashSet<>();
            for (int w : successors[v]) {
                s.add(w);
            }
            succ.add(s);
        }
        for (int i = 0; i + 1 < n; i++) {
            succ.get(order[i]).add(order[i + 1]);
        }
        int[][] arrays = new int[n][];
        for (int v = 0; v < n; v++) {
            arrays[v] = succ.get(v).stream().mapToInt(Integer::intValue).toArray();
        }
        return new UnitGraph(graph, unitOf, members, arrays);
    }

    /** Topological order produced with a stack, as dp.exe's linearisation does. */
    public int[] stackTopologicalOrder() {
        int n = size();
        int[] remaining = new int[n];
        int[] stack = new int[n];
        int top = 0;
        for (int v = 0; v < n; v++) {
            remaining[v] = predecessors[v].length;
            if (remaining[v] == 0) {
                stack[top++] = v;
            }
        }
        int[] order = new int[n];
        int k = 0;
        while (top > 0) {
            int v = stack[--top];
            order[k++] = v;
            for (int w : successors[v]) {
                if (--remaining[w] == 0) {
                    stack[top++] = w;
                }
            }
        }
        if (k != n) {
            throw new IllegalStateException("unit graph has a cycle");
        }
        return order;
    }
}
