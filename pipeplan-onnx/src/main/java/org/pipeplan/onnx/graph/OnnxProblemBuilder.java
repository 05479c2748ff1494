package org.pipeplan.onnx.graph;

import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pipeplan.device.DeviceKind;
import org.pipeplan.device.DeviceSpec;
import org.pipeplan.device.DeviceType;
import org.pipeplan.device.Roofline;
import org.pipeplan.graph.Edge;
import org.pipeplan.graph.Operator;
import org.pipeplan.graph.OperatorGraph;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.io.InputException;
import org.pipeplan.onnx.cost.NodeWork;
import org.pipeplan.onnx.cost.NodeWorkCalculator;
import org.pipeplan.onnx.export.ModuleSplit;
import org.pipeplan.onnx.model.OnnxModel;
import org.pipeplan.onnx.model.TensorType;

/**
 * Turns an ONNX model and a device description into a placement problem. Every node except
 * Constant nodes (whose small tensors every stage can hold a copy of) becomes an operator with id
 * = its position in the graph, its name, its parameter bytes as memory, and per device type a
 * compute time from the roofline model (or, for the measured type, the profiled time) and a
 * transfer time for its outputs. Times are in milliseconds. Edges follow the tensors between nodes.
 */
public final class OnnxProblemBuilder {

    private static final double MS = 1000;

    private final OnnxModel model;
    private final DeviceSpec devices;
    /** Colocation labels of module layers start here, above every node index. */
    private static final long MODULE_LABELS = 1L << 40;

    private NodeTimes measured;
    private boolean aloneTimes;
    private String measuredSource = "node times";
    private Training training;
    private boolean moduleGranularity;

    public OnnxProblemBuilder(OnnxModel model, DeviceSpec devices) {
        this.model = model;
        this.devices = devices;
    }

    /**
     * Measured times serve one sample at a time (the latency objective): the profile's contention
     * between busy cores is left out.
     */
    public OnnxProblemBuilder aloneTimes(boolean alone) {
        this.aloneTimes = alone;
        return this;
    }

    /** Uses measured times for their device type instead of the roofline. */
    public OnnxProblemBuilder measured(NodeTimes times) {
        return measured(times, "node times");
    }

    /** The same, with the file they came from, which errors about them name. */
    public OnnxProblemBuilder measured(NodeTimes times, String source) {
        this.measuredSource = source;
        this.measured = times;
        return this;
    }

    /** Plans the training workload instead of inference. */
    public OnnxProblemBuilder training(Training value) {
        this.training = value;
        return this;
    }

    /**
     * Keeps the nodes of every layer of the model's modules (as an export expresses them,
     * {@link ModuleSplit}) together: a plan then cuts only between modules, which split points and
     * DeepSpeed's layer ranges can state exactly. Glue outside the layers stays free.
     */
    public OnnxProblemBuilder moduleGranularity(boolean value) {
        this.moduleGranularity = value;
        return this;
    }

    /** The colocation class of every node: its layer's with module granularity, its own in training, else none. */
    private Long[] colocation(List<NodeProto> nodes) {
        Long[] label = new Long[nodes.size()];
        int[] layer = null;
        if (moduleGranularity) {
            List<String> names = new ArrayList<>();
            int[] counted = new int[nodes.size()];
            for (int i = 0; i < nodes.size(); i++) {
                names.add(OnnxModel.nodeName(nodes.get(i)));
                counted[i] = nodes.get(i).getOpType().equals("Constant") ? -1 : 0;
            }
            layer = ModuleSplit.of(names, counted).nodeLayer();
        }
        for (int i = 0; i < nodes.size(); i++) {
            if (layer != null && layer[i] >= 0) {
                label[i] = MODULE_LABELS + layer[i]; // apart from the node-index labels of training
            } else {
                label[i] = training == null ? null : (long) i;
            }
        }
        return label;
    }

    public PlacementProblem build() {
        List<NodeProto> nodes = model.nodes();
        NodeWorkCalculator calculator = new NodeWorkCalculator(model);
        Map<String, Integer> producer = new HashMap<>();
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (!nodes.get(i).getOpType().equals("Constant")) {
                kept.add(i);
                for (String out : nodes.get(i).getOutputList()) {
                    producer.put(out, i);
                }
            }
        }
        if (measured != null) {
            checkMeasured(kept);
        }
        Long[] colocation = colocation(nodes);
        List<Operator> operators = new ArrayList<>();
        Map<Integer, Integer> indexOfNode = new HashMap<>();
        List<NodeWork> works = new ArrayList<>();
        for (int i : kept) {
            NodeProto node = nodes.get(i);
            NodeWork work = calculator.of(node);
            works.add(work);
            indexOfNode.put(i, operators.size());
            Operator.Builder b = Operator.builder(i).name(OnnxModel.nodeName(node)).colocationLabel(colocation[i])
                    .opType(node.getOpType())
                    .memoryBytes(work.parameterBytes()).outputBytes(work.outputBytes())
                    .work(work.flops(), work.bytesMoved());
            for (DeviceType type : devices.types()) {
                double ms = measuredTime(type, node);
                b.computeTime(type.kind(), Double.isNaN(ms) ? MS * Roofline.computeTime(type, work.flops(), work.bytesMoved()) : ms);
                if (!type.host()) {
                    b.transferTime(type.kind(), MS * Roofline.transferTime(type, work.outputBytes(), devices.topology()));
                }
            }
            operators.add(b.build());
        }
        // one edge per producer-consumer pair, carrying the bytes of the tensors between them
        Map<Long, Double> pairBytes = new LinkedHashMap<>();
        for (int i : kept) {
            for (String in : Set.copyOf(nodes.get(i).getInputList())) {
                Integer p = producer.get(in);
                if (p == null || p == i) {
                    continue;
                }
                TensorType t = model.type(in);
                long key = ((long) indexOfNode.get(p) << 32) | indexOfNode.get(i);
                pairBytes.merge(key, t == null ? 0.0 : (double) t.bytes(), Double::sum);
            }
        }
        List<Edge> edges = new ArrayList<>();
        DeviceKind someAccelerator = devices.types().stream().filter(t -> !t.host()).map(DeviceType::kind).findFirst()
                .orElse(null);
        pairBytes.forEach((key, bytes) -> {
            int s = (int) (key >>> 32);
            int t = (int) (long) key;
            double cost = someAccelerator == null ? 0 : operators.get(s).transferTime(someAccelerator);
            edges.add(new Edge(s, t, cost, bytes));
        });
        if (training != null) {
            TrainingGraph.addBackward(operators, edges, works, devices, training);
        }
        OperatorGraph graph;
        try {
            graph = OperatorGraph.of(operators, edges);
        } catch (org.pipeplan.graph.InvalidGraphException e) {
            throw new InputException(model.file(), e.getMessage()); // a node fed by its own output, for instance
        }
        return new PlacementProblem(model.name() + (training == null ? "" : "-training"), graph, devices.deviceSet());
    }

    private double measuredTime(DeviceType type, NodeProto node) {
        if (measured == null || !measured.device().equals(type.name())) {
            return Double.NaN;
        }
        Double t = measured.times().get(OnnxModel.nodeName(node));
        return t == null ? Double.NaN : t * slowdown(type);
    }

    /**
     * The contention the profile measured, when the pipeline runs several devices of the measured
     * type at once (they all compute at the same time when it is full) and times are not asked for
     * one sample alone.
     */
    private double slowdown(DeviceType type) {
        if (aloneTimes) {
            return 1;
        }
        int busy = devices.groups().stream().filter(g -> g.type().equals(type)).mapToInt(DeviceSpec.Group::count).sum();
        return measured.contention().slowdownFor(busy);
    }

    private void checkMeasured(List<Integer> kept) {
        if (devices.types().stream().noneMatch(t -> t.name().equals(measured.device()))) {
            throw new InputException(measuredSource, "the node times were measured on device type '" + measured.device()
                    + "', which none of the devices is (types: " + devices.types().stream().map(DeviceType::name)
                    .collect(java.util.stream.Collectors.joining(", ")) + ")");
        }
        int found = 0;
        for (int i : kept) {
            found += measured.times().containsKey(OnnxModel.nodeName(model.nodes().get(i))) ? 1 : 0;
        }
        if (found < kept.size() / 2) {
            throw new InputException(measuredSource, "the node times of model '" + measured.model() + "' name only " + found
                    + " of the " + kept.size() + " nodes of " + model.file() + "; profile this model");
        }
    }
}
