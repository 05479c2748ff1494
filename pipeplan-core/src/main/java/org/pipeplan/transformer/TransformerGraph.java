package org.pipeplan.transformer;

import java.util.ArrayList;
import java.util.List;
import org.pipeplan.device.DeviceSpec;
import org.pipeplan.device.DeviceType;
import org.pipeplan.device.MatrixEngine;
import org.pipeplan.device.Roofline;
import org.pipeplan.device.Topology;
import org.pipeplan.graph.Edge;
import org.pipeplan.graph.Operator;
import org.pipeplan.graph.OperatorGraph;

/**
 * The operator graph of a transformer model given by its hyperparameters (docs/training.md,
 * "Transformer models"): per sample (one sequence) the embedding (layerId 0), the L transformer
 * layers (1..L) and the head (L+1), every operator with its FLOPs and bytes, its parameters (16-bit
 * weights: 2 bytes of memory each), its tensor-parallel style and, on every device type, a roofline
 * compute time.
 *
 * <p>For training, every forward operator {@code i} (id i) has a backward operator (id n + i, in
 * the same colocation class i and layer): the forward edges u -> v become gradient edges
 * bw(v) -> bw(u) of the same bytes, and a stash edge goes from the forward operator that made a
 * tensor the backward pass keeps to the backward operator that reads it, carrying its bytes (a
 * tensor two backward operators read is kept on one of the two edges; the other carries 0 bytes).
 *
 * <p>Parameters: the forward operators' parameter counts sum to {@link TransformerSpec#parameterCount()}
 * for an untied model; with tied embeddings the output layer (op type "TiedLmHead") counts its copy
 * of the V h table too, so they sum to {@code parameterCount() + V h}, and a training workload,
 * which subtracts the tied copy, counts {@code parameterCount()}.
 */
public final class TransformerGraph {

    /** Milliseconds per second. */
    private static final double MS = 1000;

    /**
     * The device type whose kind ("accelerator") gets the compute times of {@link #build(TransformerSpec, boolean)}:
     * nominal figures of an A100-class GPU (312 TFLOP/s of 16-bit matrix products at 70 %, 78 TFLOP/s
     * otherwise, 2 TB/s of memory at 80 %, 5 us per kernel, NVLink between GPUs).
     */
    public static final DeviceType NOMINAL_GPU = new DeviceType("accelerator", false, 78e12, 2.0e12, 80.0 * (1L << 30),
            25e9, 1e-5, 300e9, 5e-6, 0.8, new MatrixEngine(312e12, 0.7, 0), 0, 0);

    private static final DeviceSpec NOMINAL = new DeviceSpec(List.of(new DeviceSpec.Group(NOMINAL_GPU, 1)),
            Topology.ALL_TO_ALL);

    private TransformerGraph() {
    }

    /**
     * The model's graph, with compute and transfer times for the "accelerator" kind ({@link #NOMINAL_GPU}).
     *
     * @param training with the backward pass (and its stashes), or the forward pass alone (inference)
     */
    public static OperatorGraph build(TransformerSpec spec, boolean training) {
        return build(spec, training, NOMINAL);
    }

    /**
     * The model's graph, with compute times for every device type of {@code devices} (the
     * roofline of 16-bit products, {@link Roofline#matrixTime}) and transfer times of every
     * operator's output for the non-host ones, over the devices' topology.
     */
    public static OperatorGraph build(TransformerSpec spec, boolean training, DeviceSpec devices) {
        ForwardGraph fg = TransformerLayers.of(spec);
        List<DeviceType> types = devices.types();
        DeviceType link = types.stream().filter(t -> !t.host()).findFirst().orElse(null);
        int n = fg.size();
        double[] received = fg.inputBytes();
        double[] sent = fg.sentBytes();
        double[] largestInput = fg.largestInput();
        double[] keptRead = fg.keptBytesRead();
        List<Operator> operators = new ArrayList<>(training ? 2 * n : n);
        for (int i = 0; i < n; i++) {
            ForwardOperator f = fg.operator(i);
            operators.add(operator(i, f.name(), f.opType(), f, false, f.flops(), f.bytes(), f.outputBytes(),
                    2 * f.parameters(), i, types, devices.topology()));
        }
        if (training) {
            for (int i = 0; i < n; i++) {
                ForwardOperator f = fg.operator(i);
                double bytes = f.backwardBytes(sent[i], received[i], keptRead[i]);
                operators.add(operator(n + i, f.name() + ".grad", f.backwardType(), f, true, f.backwardFlops(), bytes,
                        largestInput[i], 0, i, types, devices.topology()));
            }
        }
        int edgeCount = fg.flows().size() * (training ? 2 : 1) + (training ? fg.stashes().size() : 0);
        List<Edge> edges = new ArrayList<>(edgeCount);
        for (ForwardGraph.Flow flow : fg.flows()) {
            edges.add(new Edge(flow.from(), flow.to(), linkTime(link, flow.bytes()), flow.bytes()));
        }
        if (training) {
            for (ForwardGraph.Flow flow : fg.flows()) {
                edges.add(new Edge(n + flow.to(), n + flow.from(), linkTime(link, flow.bytes()), flow.bytes()));
            }
            for (ForwardGraph.Stash stash : fg.stashes()) {
                edges.add(new Edge(stash.producer(), n + stash.consumer(), linkTime(link, stash.bytes()), stash.bytes()));
            }
        }
        return OperatorGraph.of(operators, edges);
    }

    private static Operator operator(long id, String name, String type, ForwardOperator f, boolean backward, double flops,
                                     double bytes, double output, double memory, long colocation, List<DeviceType> types,
                                     Topology topology) {
        Operator.Builder b = Operator.builder(id).name(name).opType(type).backward(backward).layerId(f.layerId())
                .colocationLabel(colocation).tensorParallelism(f.style()).work(flops, bytes)
                .parameterCount(backward ? 0 : f.parameters()).memoryBytes(memory).outputBytes(output);
        for (DeviceType t : types) {
            b.computeTime(t.kind(), MS * Roofline.matrixTime(t, flops, bytes));
            if (!t.host()) {
                b.transferTime(t.kind(), MS * Roofline.transferTime(t, output, topology));
            }
        }
        return b.build();
    }

    /** The edge's cost: moving the tensor between an accelerator and host memory, ms. */
    private static double linkTime(DeviceType accelerator, double bytes) {
        return accelerator == null ? 0 : MS * Roofline.transferTime(accelerator, bytes, Topology.HOST);
    }
}
