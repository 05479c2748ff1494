package org.pipeplan.cluster;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.pipeplan.graph.Operator;
import org.pipeplan.graph.OperatorGraph;

/**
 * Which operators may be split across the GPUs of a tensor-parallel group: the heavy ones
 * (matrix products, convolutions, attention) and their backward operators. Their compute is
 * divided by the split degree and their output must then be gathered (forward) or reduced
 * (backward); every other operator runs whole on each GPU of the group.
 *
 * <p>The kind of an operator is its op type where the input gives one (ONNX), else the last part
 * of its name ("bert/encoder/layer_0/attention/self/query/MatMul_3" is a MatMul). A graph where no
 * operator has a recognisable kind is a layer graph (nodes named "node17"): its nodes are whole
 * layers, and every layer that computes may be split.
 */
public final class SplitRule {

    private static final Set<String> HEAVY = Set.of("matmul", "gemm", "conv", "convtranspose", "conv2d", "conv3d",
            "attention", "multiheadattention", "einsum", "batchmatmul", "batchmatmulv2", "fusedmatmul", "qattention",
            "depthwiseconv2dnative", "conv2dbackpropinput", "conv2dbackpropfilter");

    private final boolean[] splittable;
    private final boolean layerGraph;

    private SplitRule(boolean[] splittable, boolean layerGraph) {
        this.splittable = splittable;
        this.layerGraph = layerGraph;
    }

    public static SplitRule of(OperatorGraph g, double[] compute) {
        boolean[] heavy = new boolean[g.size()];
        boolean anyKnown = false;
        for (int v = 0; v < g.size(); v++) {
            Optional<String> kind = kindOf(g.operator(v));
            anyKnown |= kind.isPresent();
            heavy[v] = kind.map(SplitRule::isHeavy).orElse(false);
        }
        if (!anyKnown) {
            for (int v = 0; v < g.size(); v++) {
                heavy[v] = compute[v] > 0;
            }
        }
        return new SplitRule(heavy, !anyKnown);
    }

    public boolean splittable(int node) {
        return splittable[node];
    }

    /** True when the graph's nodes are whole layers (no operator kinds were recognised). */
    public boolean layerGraph() {
        return layerGraph;
    }

    /** The op type, or a kind read from the last part of the name; empty if neither says. */
    static Optional<String> kindOf(Operator op) {
        if (op.opType().isPresent()) {
            return op.opType();
        }
        String name = op.name();
        String last = name.substring(name.lastIndexOf('/') + 1);
        String letters = last.replaceAll("[^A-Za-z].*$", "");
        String base = letters.endsWith("Grad") ? letters.substring(0, letters.length() - 4) : letters;
        return isKnownKind(base) ? Optional.of(letters) : Optional.empty();
    }

    private static boolean isHeavy(String kind) {
        String k = kind.toLowerCase(Locale.ROOT);
        if (k.endsWith("grad")) {
            k = k.substring(0, k.length() - 4);
        }
        return HEAVY.contains(k);
    }

    /** Op names that mark an operator graph: a capitalised op name (MatMul, Add, Relu, ...). */
    private static boolean isKnownKind(String base) {
        return base.length() >= 2 && Character.isUpperCase(base.charAt(0)) && !base.equals("node");
    }
}
