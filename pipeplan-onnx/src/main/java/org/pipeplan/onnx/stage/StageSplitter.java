package org.pipeplan.onnx.stage;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import org.pipeplan.graph.Operator;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.io.InputException;
import org.pipeplan.onnx.model.OnnxModel;
import org.pipeplan.onnx.model.TensorType;
import org.pipeplan.placement.Placement;

/**
 * Cuts an ONNX model into one model per pipeline stage following a plan. Operator ids of the
 * problem are node positions in the model (as {@code OnnxProblemBuilder} numbers them); Constant
 * nodes, which the problem leaves out, are copied into every stage that reads them. The stages are
 * ordered so that every tensor flows forward; a plan whose devices feed each other in a cycle cannot
 * run as a pipeline and is refused, naming two nodes of the cycle.
 */
public final class StageSplitter {

    private final OnnxModel model;
    private final ModelProto source;

    /**
     * @param model  the model the problem was built from (types and value_info)
     * @param source the same graph, possibly with its weights completed ({@code ModelWeights})
     */
    public StageSplitter(OnnxModel model, ModelProto source) {
        this.model = model;
        this.source = source;
    }

    /**
     * The pipeline stage of every node of the model under the plan, -1 for Constant nodes (copied
     * into every stage that reads them).
     */
    public int[] stageOfNodes(PlacementProblem problem, Placement placement) {
        List<NodeProto> nodes = source.getGraph().getNodeList();
        int[] deviceOfNode = devicesOfNodes(problem, placement);
        int[] stageOfDevice = orderStages(nodes, deviceOfNode, producers(nodes, deviceOfNode, false),
                placement.deviceCount());
        int[] stage = new int[nodes.size()];
        for (int i = 0; i < stage.length; i++) {
            stage[i] = deviceOfNode[i] < 0 ? -1 : stageOfDevice[deviceOfNode[i]];
        }
        return stage;
    }

    private int[] devicesOfNodes(PlacementProblem problem, Placement placement) {
        List<NodeProto> nodes = source.getGraph().getNodeList();
        int[] deviceOfNode = new int[nodes.size()];
        Arrays.fill(deviceOfNode, -1);
        for (int v = 0; v < problem.graph().size(); v++) {
            Operator op = problem.graph().operator(v);
            if (op.id() >= 0 && op.id() < nodes.size()) {
                deviceOfNode[(int) op.id()] = placement.deviceOf(v);
            }
        }
        for (int i = 0; i < nodes.size(); i++) {
            NodeProto node = nodes.get(i);
            if (!node.getOpType().equals("Constant") && deviceOfNode[i] < 0) {
                throw new InputException("plan", "node '" + OnnxModel.nodeName(node) + "' (" + node.getOpType()
                        + ") has no device in the plan; was the plan made for this model?");
            }
        }
        return deviceOfNode;
    }

    /** Which node produces each tensor: of the Constant nodes, or of the others. */
    private static Map<String, Integer> producers(List<NodeProto> nodes, int[] deviceOfNode, boolean constants) {
        Map<String, Integer> producer = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i).getOpType().equals("Constant") == constants) {
                for (String out : nodes.get(i).getOutputList()) {
                    producer.put(out, i);
                }
            }
        }
        return producer;
    }

    public List<StageModel> split(PlacementProblem problem, Placement placement) {
        GraphProto graph = source.getGraph();
        List<NodeProto> nodes = graph.getNodeList();
        int[] deviceOfNode = devicesOfNodes(problem, placement);
        Map<String, Integer> producer = producers(nodes, deviceOfNode, false);
        Map<String, Integer> constantProducer = producers(nodes, deviceOfNode, true);
        int[] stageOfDevice = orderStages(nodes, deviceOfNode, producer, placement.deviceCount());
        int stages = Arrays.stream(stageOfDevice).max().orElse(-1) + 1;

        Map<String, TensorProto> initializers = new HashMap<>();
        graph.getInitializerList().forEach(t -> initializers.put(t.getName(), t));
        Set<String> modelInputs = new HashSet<>();
        graph.getInputList().forEach(v -> modelInputs.add(v.getName()));
        Set<String> modelOutputs = new LinkedHashSet<>();
        graph.getOutputList().forEach(v -> modelOutputs.add(v.getName()));
        // the last stage that reads each tensor
        Map<String, Integer> lastReader = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (deviceOfNode[i] >= 0) {
                int s = stageOfDevice[deviceOfNode[i]];
                for (String in : consumed(nodes.get(i))) {
                    lastReader.merge(in, s, Math::max);
                }
            }
        }

        List<StageModel> result = new ArrayList<>();
        for (int s = 0; s < stages; s++) {
            List<NodeProto> stageNodes = new ArrayList<>();
            Set<String> produced = new HashSet<>();
            Set<String> reads = new LinkedHashSet<>();
            for (int i = 0; i < nodes.size(); i++) {
                if (deviceOfNode[i] >= 0 && stageOfDevice[deviceOfNode[i]] == s) {
                    stageNodes.add(nodes.get(i));
                    produced.addAll(nodes.get(i).getOutputList());
                    reads.addAll(consumed(nodes.get(i)));
                }
            }
            List<NodeProto> constants = new ArrayList<>();
            List<TensorProto> stageInitializers = new ArrayList<>();
            List<String> inputs = new ArrayList<>();
            for (String name : reads) {
                if (name.isEmpty() || produced.contains(name)) {
                    continue;
                }
                if (constantProducer.containsKey(name)) {
                    constants.add(nodes.get(constantProducer.get(name)));
                } else if (initializers.containsKey(name)) {
                    stageInitializers.add(initializers.get(name));
                } else if (modelInputs.contains(name) || producer.containsKey(name)) {
                    inputs.add(name);
                } else {
                    throw new InputException(model.file(), "tensor '" + name + "' is read but neither produced, "
                            + "an initializer nor a model input");
                }
            }
            List<String> outputs = new ArrayList<>();
            for (NodeProto node : stageNodes) {
                for (String out : node.getOutputList()) {
                    if (!out.isEmpty() && (lastReader.getOrDefault(out, -1) > s || modelOutputs.contains(out))) {
                        outputs.add(out);
                    }
                }
            }
            GraphProto.Builder g = GraphProto.newBuilder().setName(graph.getName() + "_stage" + s)
                    .addAllNode(constants).addAllNode(stageNodes).addAllInitializer(stageInitializers);
            for (String in : inputs) {
                g.addInput(valueInfo(in));
            }
            for (String out : outputs) {
                g.addOutput(valueInfo(out));
            }
            ModelProto proto = ModelProto.newBuilder().setIrVersion(source.getIrVersion())
                    .addAllOpsetImport(source.getOpsetImportList()).setProducerName("pipeplan split")
                    .setGraph(g).addMetadataProps(StringStringEntryProto.newBuilder().setKey("pipeplan.stage")
                            .setValue(Integer.toString(s)))
                    .build();
            int device = -1;
            for (int d = 0; d < stageOfDevice.length; d++) {
                device = stageOfDevice[d] == s ? d : device;
            }
            List<String> names = new ArrayList<>();
            constants.forEach(n -> names.add(OnnxModel.nodeName(n)));
            stageNodes.forEach(n -> names.add(OnnxModel.nodeName(n)));
            result.add(new StageModel(s, problem.devices().get(device).name(), proto, inputs, outputs, names));
        }
        return result;
    }

    /**
     * Positions of the used devices in the pipeline (-1 for unused ones): a topological order of the
     * graph of devices, preferring the device whose first node comes earliest in the model.
     */
    private int[] orderStages(List<NodeProto> nodes, int[] deviceOfNode, Map<String, Integer> producer, int devices) {
        int[] firstNode = new int[devices];
        Arrays.fill(firstNode, Integer.MAX_VALUE);
        for (int i = 0; i < nodes.size(); i++) {
            if (deviceOfNode[i] >= 0) {
                firstNode[deviceOfNode[i]] = Math.min(firstNode[deviceOfNode[i]], i);
            }
        }
        Set<Long> links = new HashSet<>();
        Map<Long, int[]> witness = new HashMap<>();
        int[] indegree = new int[devices];
        List<List<Integer>> next = new ArrayList<>();
        for (int d = 0; d < devices; d++) {
            next.add(new ArrayList<>());
        }
        for (int i = 0; i < nodes.size(); i++) {
            for (String in : consumed(nodes.get(i))) {
                Integer p = producer.get(in);
                if (p == null || deviceOfNode[i] < 0 || deviceOfNode[p] == deviceOfNode[i]) {
                    continue;
                }
                long key = (long) deviceOfNode[p] << 32 | deviceOfNode[i];
                if (links.add(key)) {
                    witness.put(key, new int[] {p, i});
                    next.get(deviceOfNode[p]).add(deviceOfNode[i]);
                    indegree[deviceOfNode[i]]++;
                }
            }
        }
        PriorityQueue<Integer> ready = new PriorityQueue<>((a, b) -> Integer.compare(firstNode[a], firstNode[b]));
        for (int d = 0; d < devices; d++) {
            if (firstNode[d] != Integer.MAX_VALUE && indegree[d] == 0) {
                ready.add(d);
            }
        }
        int[] stage = new int[devices];
        Arrays.fill(stage, -1);
        int count = 0;
        while (!ready.isEmpty()) {
            int d = ready.poll();
            stage[d] = count++;
            for (int e : next.get(d)) {
                if (--indegree[e] == 0) {
                    ready.add(e);
                }
            }
        }
        for (long key : links) {
            int a = (int) (key >>> 32);
            int b = (int) key;
            if (firstNode[a] != Integer.MAX_VALUE && (stage[a] < 0 || stage[b] < 0)) {
                int[] w = witness.get(key);
                throw new InputException("plan", "not a pipeline: its devices feed each other in a cycle (e.g. node '"
                        + OnnxModel.nodeName(nodes.get(w[0])) + "' feeds '" + OnnxModel.nodeName(nodes.get(w[1]))
                        + "' on another device that leads back); split needs a contiguous plan");
            }
        }
        return stage;
    }

    /** Tensors a node reads: its inputs and the outer-scope names its subgraphs use. */
    static Set<String> consumed(NodeProto node) {
        Set<String> names = new LinkedHashSet<>(node.getInputList());
        for (AttributeProto a : node.getAttributeList()) {
            if (a.hasG()) {
                names.addAll(outerNames(a.getG()));
            }
            for (GraphProto g : a.getGraphsList()) {
                names.addAll(outerNames(g));
            }
        }
        return names;
    }

    private static Set<String> outerNames(GraphProto g) {
        Set<String> local = new HashSet<>();
        g.getInputList().forEach(v -> local.add(v.getName()));
        g.getInitializerList().forEach(t -> local.add(t.getName()));
        Set<String> outer = new LinkedHashSet<>();
        for (NodeProto n : g.getNodeList()) {
            for (String in : consumed(n)) {
                if (!local.contains(in)) {
                    outer.add(in);
                }
            }
            local.addAll(n.getOutputList());
        }
        return outer;
    }

    /** A tensor's declared type: from the model's inputs, outputs or value_info, else from inference. */
    private ValueInfoProto valueInfo(String name) {
        GraphProto g = model.graph();
        for (List<ValueInfoProto> list : List.of(g.getInputList(), g.getOutputList(), g.getValueInfoList())) {
            for (ValueInfoProto v : list) {
                if (v.getName().equals(name) && v.hasType()) {
                    return v;
                }
            }
        }
        TensorType t = model.type(name);
        if (t == null) {
            throw new InputException(model.file(), "tensor '" + name + "' crosses a stage boundary but its type is unknown;"
                    + " add it to the model's value_info");
        }
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long d : t.dims()) {
            shape.addDim(d >= 0 ? TensorShapeProto.Dimension.newBuilder().setDimValue(d)
                    : TensorShapeProto.Dimension.newBuilder().setDimParam("unk_" + name));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(t.elementType()).setShape(shape))).build();
    }
}
