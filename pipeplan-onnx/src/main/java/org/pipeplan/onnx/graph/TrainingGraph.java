package org.pipeplan.onnx.graph;

import java.util.ArrayList;
import java.util.List;
import org.pipeplan.device.DeviceSpec;
import org.pipeplan.device.DeviceType;
import org.pipeplan.device.Roofline;
import org.pipeplan.graph.Edge;
import org.pipeplan.graph.Operator;
import org.pipeplan.onnx.cost.NodeWork;

/**
 * Adds the backward pass to an inference operator graph (see {@link Training}): operator i gets a
 * backward operator with id -1 - i in its colocation class; a forward edge u -> v becomes the
 * gradient edge bw(v) -> bw(u) with the same bytes; each forward operator stashes its inputs for
 * its backward operator (edge fw(i) -> bw(i)).
 */
final class TrainingGraph {

    private static final double MS = 1000;

    private TrainingGraph() {
    }

    /** The edge cost field (informative only: the cost model charges per device kind). */
    private static double anyTransferTime(Operator op) {
        return op.transferTimes().values().stream().findFirst().orElse(0.0);
    }

    static void addBackward(List<Operator> operators, List<Edge> edges, List<NodeWork> works, DeviceSpec devices,
                            Training training) {
        int n = operators.size();
        List<Edge> forwardEdges = new ArrayList<>(edges);
        for (int i = 0; i < n; i++) {
            Operator f = operators.get(i);
            NodeWork w = works.get(i);
            boolean hasParameters = w.parameterBytes() > 0;
            double flops = (hasParameters ? 2 : 1) * w.flops();
            // reads the output gradient and the stashed inputs, writes input (and weight) gradients
            double bytes = w.outputBytes() + 2 * w.inputBytes() + 2 * w.parameterBytes();
            double memory = w.parameterBytes() * (1 + training.optimizer().statesPerParameter()) + w.inputBytes();
            Operator.Builder b = Operator.builder(-1L - f.id()).name(f.name() + ".grad").backward(true)
                    .opType(f.opType().map(t -> t + "Grad").orElse(null))
                    .colocationLabel(f.colocationLabel().orElse(f.id())).memoryBytes(memory)
                    .outputBytes(w.inputBytes()).work(flops, bytes);
            for (DeviceType type : devices.types()) {
                b.computeTime(type.kind(), MS * Roofline.computeTime(type, flops, bytes));
                if (!type.host()) {
                    b.transferTime(type.kind(), MS * Roofline.transferTime(type, w.inputBytes(), devices.topology()));
                }
            }
            operators.add(b.build());
        }
        for (Edge e : forwardEdges) {
            edges.add(new Edge(n + e.target(), n + e.source(), anyTransferTime(operators.get(n + e.target())), e.bytes()));
        }
        for (int i = 0; i < n; i++) {
            // stashed activations never move: both ends share a colocation class
            edges.add(new Edge(i, n + i, anyTransferTime(operators.get(i)), works.get(i).inputBytes()));
        }
    }
}
