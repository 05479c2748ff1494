package org.pipeplan.generate;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A DNN-like graph made by {@link SyntheticDagGenerator}: per node its compute time on the
 * generator's device type, the bytes of parameters it reads and the bytes of its output. Nodes are
 * numbered in a topological order: every edge goes from a lower to a higher number.
 *
 * @param name        a name that says how it was made ("synthetic-SEED-NODES")
 * @param nodeNames   a name per node ("heavy3", "light4"...)
 * @param compute     compute time per node, ms
 * @param paramBytes  parameter bytes per node
 * @param outputBytes output bytes per node
 * @param edges       pairs {from, to}, in the order they were made
 * @param onTpu       per node, whether an Edge TPU runs it (else it falls back to the host CPU)
 * @param hostCompute per node, its time on the generator's host type, ms
 */
public record SyntheticDag(String name, List<String> nodeNames, double[] compute, double[] paramBytes, double[] outputBytes,
                           List<int[]> edges, boolean[] onTpu, double[] hostCompute) {

    public SyntheticDag {
        onTpu = onTpu.clone();
        hostCompute = hostCompute.clone();
        nodeNames = List.copyOf(nodeNames);
        compute = compute.clone();
        paramBytes = paramBytes.clone();
        outputBytes = outputBytes.clone();
        edges = edges.stream().map(int[]::clone).toList();
    }

    public int size() {
        return compute.length;
    }

    /** The successors of every node, each once, in the order their edges were made. */
    public int[][] successors() {
        List<Set<Integer>> succ = new ArrayList<>();
        for (int v = 0; v < size(); v++) {
            succ.add(new LinkedHashSet<>());
        }
        for (int[] e : edges) {
            succ.get(e[0]).add(e[1]);
        }
        return succ.stream().map(s -> s.stream().mapToInt(Integer::intValue).toArray()).toArray(int[][]::new);
    }

    @Override
    public double[] compute() {
        return compute.clone();
    }

    @Override
    public double[] paramBytes() {
        return paramBytes.clone();
    }

    @Override
    public double[] outputBytes() {
        return outputBytes.clone();
    }

    @Override
    public boolean[] onTpu() {
        return onTpu.clone();
    }

    @Override
    public double[] hostCompute() {
        return hostCompute.clone();
    }

    /** How many nodes an Edge TPU cannot run. */
    public int hostOnlyCount() {
        int c = 0;
        for (boolean b : onTpu) {
            c += b ? 0 : 1;
        }
        return c;
    }

    @Override
    public List<int[]> edges() {
        return edges.stream().map(int[]::clone).toList();
    }
}
