package org.pipeplan.transformer;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The forward pass of a transformer as {@link TransformerLayers} lays it out: its operators by
 * index, the tensors that flow between them, and the stashes, the tensors the backward pass keeps
 * from the forward pass, each from the operator that produces it to the operator whose backward
 * pass reads it. {@link TransformerGraph} turns it into an operator graph.
 */
final class ForwardGraph {

    /** A tensor of {@code bytes} from forward operator {@code from} to forward operator {@code to}. */
    record Flow(int from, int to, double bytes) {
    }

    /**
     * A tensor made by forward operator {@code producer} and read by the backward operator of
     * {@code consumer}. {@code bytes} is what it adds to the memory kept for the backward pass:
     * a tensor that two backward operators read is kept once, so its second stash keeps 0 bytes
     * and only reads {@code read}.
     */
    record Stash(int producer, int consumer, double bytes, double read) {
    }

    private final List<ForwardOperator> operators = new ArrayList<>();
    private final List<Flow> flows = new ArrayList<>();
    private final List<Stash> stashes = new ArrayList<>();
    private final Set<Long> flowPairs = new HashSet<>();
    private final Set<Long> stashPairs = new HashSet<>();

    /** Adds an operator and returns its index. */
    int add(ForwardOperator operator) {
        operators.add(operator);
        return operators.size() - 1;
    }

    /** A tensor from an operator to a later one (operators are added in a topological order). */
    void flow(int from, int to, double bytes) {
        if (from >= to) {
            throw new IllegalStateException("flow " + from + " -> " + to + " does not go forward");
        }
        checkNew(flowPairs, from, to, "flow");
        flows.add(new Flow(from, to, bytes));
    }

    /** The backward pass of {@code consumer} needs {@code bytes} of the output of {@code producer}, kept for it. */
    void keep(int producer, int consumer, double bytes) {
        checkNew(stashPairs, producer, consumer, "stash");
        stashes.add(new Stash(producer, consumer, bytes, bytes));
    }

    /** The backward pass of {@code consumer} reads a tensor already kept for another backward operator. */
    void reuse(int producer, int consumer, double bytes) {
        checkNew(stashPairs, producer, consumer, "stash");
        stashes.add(new Stash(producer, consumer, 0, bytes));
    }

    List<ForwardOperator> operators() {
        return operators;
    }

    ForwardOperator operator(int index) {
        return operators.get(index);
    }

    int size() {
        return operators.size();
    }

    List<Flow> flows() {
        return flows;
    }

    List<Stash> stashes() {
        return stashes;
    }

    /** For every operator, the bytes of the tensors it receives: the gradients its backward operator sends back. */
    double[] inputBytes() {
        double[] in = new double[operators.size()];
        flows.forEach(f -> in[f.to()] += f.bytes());
        return in;
    }

    /** For every operator, the bytes of the tensors it sends: the gradients its backward operator receives. */
    double[] sentBytes() {
        double[] out = new double[operators.size()];
        flows.forEach(f -> out[f.from()] += f.bytes());
        return out;
    }

    /** For every operator, its largest input tensor: the largest gradient its backward operator sends. */
    double[] largestInput() {
        double[] in = new double[operators.size()];
        flows.forEach(f -> in[f.to()] = Math.max(in[f.to()], f.bytes()));
        return in;
    }

    /** For every operator, the bytes of the kept tensors its backward operator reads. */
    double[] keptBytesRead() {
        double[] read = new double[operators.size()];
        stashes.forEach(st -> read[st.consumer()] += st.read());
        return read;
    }

    /** For every operator, the bytes kept for its backward operator. */
    double[] keptBytes() {
        double[] kept = new double[operators.size()];
        stashes.forEach(st -> kept[st.consumer()] += st.bytes());
        return kept;
    }

    // one edge per pair, as in the operator graphs of ONNX models
    private void checkNew(Set<Long> pairs, int from, int to, String what) {
        if (from < 0 || to < 0 || from >= operators.size() || to >= operators.size()
                || !pairs.add(((long) from << 32) | to)) {
            throw new IllegalStateException(what + " " + from + " -> " + to + " is out of range or given twice");
        }
    }
}
