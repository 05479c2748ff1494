package org.pipeplan.onnx.export;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A plan expressed in the model's own modules, for runtimes that split PyTorch code rather than
 * graphs: the sequence of layers (modules at the depth where the model is a sequence), the stage of
 * each, split points for torch.distributed.pipelining (split at the BEGINNING of the first layer of
 * every later stage) and DeepSpeed-style layer boundaries {@code parts} (stage s runs layers
 * parts[s] to parts[s+1]-1).
 *
 * <p>Layers come from the module paths of the node names: starting from the root, a module holding
 * more than half the model's nodes (an encoder, a features container) is opened into its children.
 * Nodes of the root or of an opened module itself (glue such as a mask computation) belong to no
 * layer. A plan that cuts inside a layer cannot be expressed exactly; {@link #misplacedNodes} counts
 * the nodes that land on another stage than the plan's when every layer goes where most of its
 * nodes are.
 *
 * <p>The stages are those the split points give: a stage of the plan none of whose layers goes
 * to it (its nodes lie inside layers most of whose nodes are elsewhere) disappears, the stages are
 * numbered again from 0, and a note says so; no stage of the export is empty. A layer that would
 * go to an earlier stage than the layer before it (which split points cannot express) stays with
 * the layer before it.
 *
 * @param layers         module paths of the layers, in execution order
 * @param layerStage     stage of each layer in the export, 0 .. stages-1, never decreasing
 * @param layerNodes     nodes of each layer
 * @param stages         number of stages the split points give
 * @param planStages     number of stages of the plan
 * @param misplacedNodes nodes moved by the layer granularity (0: the module split is the plan)
 * @param nodePlanStage  for every node, the plan's stage the export runs it on (-1 for ignored
 *                       nodes): its layer's, or its own for glue outside the layers; what the
 *                       exported split costs is the plan's evaluation of this assignment
 * @param layerPlanStage the plan's stage of each layer (before the stages are numbered again)
 * @param nodeLayer      for every node, its layer's index, -1 for glue and ignored nodes
 * @param notes          what could not be expressed
 */
public record ModuleSplit(List<String> layers, List<Integer> layerStage, List<Integer> layerNodes, int stages,
                          int planStages, int misplacedNodes, int[] nodePlanStage, List<Integer> layerPlanStage,
                          int[] nodeLayer, List<String> notes) {

    public ModuleSplit {
        layers = List.copyOf(layers);
        layerStage = List.copyOf(layerStage);
        layerNodes = List.copyOf(layerNodes);
        nodePlanStage = nodePlanStage.clone();
        layerPlanStage = List.copyOf(layerPlanStage);
        nodeLayer = nodeLayer.clone();
        notes = List.copyOf(notes);
    }

    @Override
    public int[] nodeLayer() {
        return nodeLayer.clone();
    }

    @Override
    public int[] nodePlanStage() {
        return nodePlanStage.clone();
    }

    /**
     * @param nodeNames   the model's node names in graph order
     * @param stageOfNode stage per node, -1 for nodes to ignore (Constants)
     */
    public static ModuleSplit of(List<String> nodeNames, int[] stageOfNode) {
        List<List<String>> paths = new ArrayList<>();
        int counted = 0;
        int stages = 0;
        for (int i = 0; i < nodeNames.size(); i++) {
            paths.add(ModulePath.components(nodeNames.get(i)));
            counted += stageOfNode[i] >= 0 ? 1 : 0;
            stages = Math.max(stages, stageOfNode[i] + 1);
        }
        int stageCount = Math.max(1, stages);
        Set<String> opened = new HashSet<>();
        opened.add("");
        boolean changed = true;
        while (changed) {
            changed = false;
            Map<String, Integer> count = new HashMap<>();
            for (int i = 0; i < paths.size(); i++) {
                String key = key(paths.get(i), opened);
                if (stageOfNode[i] >= 0 && key != null) {
                    count.merge(key, 1, Integer::sum);
                }
            }
            for (Map.Entry<String, Integer> e : count.entrySet()) {
                if (e.getValue() * 2 > counted && opened.add(e.getKey())) {
                    changed = true;
                }
            }
        }
        Map<String, int[]> perStage = new LinkedHashMap<>(); // layer -> nodes per stage, in order of first appearance
        for (int i = 0; i < paths.size(); i++) {
            String key = key(paths.get(i), opened);
            if (stageOfNode[i] >= 0 && key != null) {
                perStage.computeIfAbsent(key, k -> new int[stageCount])[stageOfNode[i]]++;
            }
        }
        List<String> layers = new ArrayList<>();
        List<Integer> planStageOfLayer = new ArrayList<>();
        List<Integer> layerNodes = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        int misplaced = 0;
        for (Map.Entry<String, int[]> e : perStage.entrySet()) {
            int[] c = e.getValue();
            int best = 0;
            int total = 0;
            for (int s = 0; s < c.length; s++) {
                best = c[s] > c[best] ? s : best;
                total += c[s];
            }
            if (!planStageOfLayer.isEmpty() && best < planStageOfLayer.get(planStageOfLayer.size() - 1)) {
                int previous = planStageOfLayer.get(planStageOfLayer.size() - 1);
                notes.add("layer " + e.getKey() + " runs after " + layers.get(layers.size() - 1) + " but most of it is on "
                        + "an earlier stage, which split points cannot express: it stays on stage " + previous);
                best = previous;
            }
            if (c[best] < total) {
                notes.add("the plan cuts inside " + e.getKey() + ": " + (total - c[best]) + " of its " + total
                        + " nodes move to stage " + best);
            }
            misplaced += total - c[best];
            layers.add(e.getKey());
            planStageOfLayer.add(best);
            layerNodes.add(total);
        }
        // the stages the split points give, numbered from 0
        Map<Integer, Integer> renumber = new LinkedHashMap<>();
        for (int planStage : planStageOfLayer) {
            renumber.putIfAbsent(planStage, renumber.size());
        }
        List<Integer> layerStage = planStageOfLayer.stream().map(renumber::get).toList();
        int exported = Math.max(1, renumber.size());
        if (!layers.isEmpty() && exported < stageCount) {
            List<Integer> lost = new ArrayList<>();
            for (int st = 0; st < stageCount; st++) {
                if (!renumber.containsKey(st)) {
                    lost.add(st);
                }
            }
            notes.add("at module granularity the plan's " + stageCount + " stages become " + exported + ": stage"
                    + (lost.size() == 1 ? " " : "s ") + lost + " of the plan hold no layer of their own (their nodes lie "
                    + "inside layers most of whose nodes are on other stages)");
        }
        Map<String, Integer> stageOfLayer = new HashMap<>();
        for (int k = 0; k < layers.size(); k++) {
            stageOfLayer.put(layers.get(k), planStageOfLayer.get(k));
        }
        Map<String, Integer> indexOfLayer = new HashMap<>();
        for (int k = 0; k < layers.size(); k++) {
            indexOfLayer.put(layers.get(k), k);
        }
        int[] nodePlanStage = new int[paths.size()];
        int[] nodeLayer = new int[paths.size()];
        for (int i = 0; i < paths.size(); i++) {
            String key = key(paths.get(i), opened);
            boolean inLayer = stageOfNode[i] >= 0 && key != null && stageOfLayer.containsKey(key);
            nodePlanStage[i] = stageOfNode[i] < 0 ? -1 : inLayer ? stageOfLayer.get(key) : stageOfNode[i];
            nodeLayer[i] = inLayer ? indexOfLayer.get(key) : -1;
        }
        if (layers.isEmpty()) {
            notes.add("the node names carry no module paths (export the model from PyTorch to get them)");
        }
        return new ModuleSplit(layers, layerStage, layerNodes, layers.isEmpty() ? stageCount : exported, stageCount,
                misplaced, nodePlanStage, planStageOfLayer, nodeLayer, notes);
    }

    /**
     * The same split over the model's own list of modules (as {@code named_children()} or a
     * PipelineModule's layer list name them), so that {@code parts} index that list: a module
     * takes the stage of the layers it holds (the stage most of their nodes are on when they are
     * on several), a module with no node of its own in the graph (a BatchNorm folded into a
     * convolution, a Dropout, an output head exported as a bare operator) goes with the module
     * before it (the first with the one after it), and a layer no listed module holds is noted.
     */
    public ModuleSplit alignedTo(List<String> modules) {
        if (modules.isEmpty()) {
            throw new IllegalArgumentException("the module list is empty");
        }
        List<String> notes = new ArrayList<>(this.notes);
        Integer[] stage = new Integer[modules.size()];
        int[] nodes = new int[modules.size()];
        boolean[] held = new boolean[layers.size()];
        int[] moduleOfLayer = new int[layers.size()];
        java.util.Arrays.fill(moduleOfLayer, -1);
        for (int m = 0; m < modules.size(); m++) {
            String name = modules.get(m);
            Map<Integer, Integer> byStage = new LinkedHashMap<>();
            for (int k = 0; k < layers.size(); k++) {
                String layer = layers.get(k);
                if (!held[k] && (layer.equals(name) || layer.startsWith(name + ".") || name.startsWith(layer + "."))) {
                    held[k] = true;
                    moduleOfLayer[k] = m;
                    byStage.merge(layerPlanStage.get(k), layerNodes.get(k), Integer::sum);
                    nodes[m] += layerNodes.get(k);
                }
            }
            if (byStage.size() > 1) {
                notes.add("module " + name + " spans stages " + byStage.keySet() + ": it goes to the one most of its nodes are on");
            }
            stage[m] = byStage.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(null);
        }
        for (int k = 0; k < layers.size(); k++) {
            if (!held[k]) {
                notes.add("layer " + layers.get(k) + " of the graph is in none of the listed modules");
            }
        }
        List<String> orphans = new ArrayList<>();
        for (int m = 0; m < modules.size(); m++) {
            if (stage[m] == null) {
                orphans.add(modules.get(m));
            }
        }
        if (!orphans.isEmpty()) {
            notes.add("modules with no node of their own in the graph go with the module before them: " + orphans);
        }
        Integer first = null;
        for (Integer st : stage) {
            if (st != null) {
                first = st;
                break;
            }
        }
        int previous = first == null ? 0 : first;
        List<Integer> planStage = new ArrayList<>();
        for (int m = 0; m < modules.size(); m++) {
            int st = stage[m] == null ? previous : Math.max(stage[m], previous);
            if (stage[m] != null && stage[m] < previous) {
                notes.add("module " + modules.get(m) + " comes after a module of a later stage: it stays on stage " + previous);
            }
            planStage.add(st);
            previous = st;
        }
        Map<Integer, Integer> renumber = new LinkedHashMap<>();
        planStage.forEach(st -> renumber.putIfAbsent(st, renumber.size()));
        List<Integer> counts = new ArrayList<>();
        for (int n : nodes) {
            counts.add(n);
        }
        // every node of a listed module runs on the module's stage
        int[] nodeStage = nodePlanStage.clone();
        int[] nodeModule = new int[nodeLayer.length];
        int moved = 0;
        for (int i = 0; i < nodeLayer.length; i++) {
            int m = nodeLayer[i] < 0 ? -1 : moduleOfLayer[nodeLayer[i]];
            nodeModule[i] = m;
            if (m >= 0 && nodeStage[i] != planStage.get(m)) {
                nodeStage[i] = planStage.get(m);
                moved++;
            }
        }
        return new ModuleSplit(modules, planStage.stream().map(renumber::get).toList(), counts, renumber.size(), planStages,
                misplacedNodes + moved, nodeStage, planStage, nodeModule, notes);
    }

    /** The layer of a node: its shortest module prefix that is not opened; null for glue of an opened module. */
    private static String key(List<String> components, Set<String> opened) {
        StringBuilder prefix = new StringBuilder();
        for (String c : components) {
            if (prefix.length() > 0) {
                prefix.append('.');
            }
            prefix.append(c);
            if (!opened.contains(prefix.toString())) {
                return prefix.toString();
            }
        }
        return null;
    }

    /** Whether the layers reproduce the plan exactly. */
    public boolean exact() {
        return misplacedNodes == 0 && notes.isEmpty();
    }

    /** torch.distributed.pipelining split points: the first layer of every stage after the first. */
    public Map<String, String> torchSplitSpec() {
        Map<String, String> spec = new LinkedHashMap<>();
        for (int k = 1; k < layers.size(); k++) {
            if (layerStage.get(k) > layerStage.get(k - 1)) {
                spec.put(layers.get(k), "BEGINNING");
            }
        }
        return spec;
    }

    /** DeepSpeed-style boundaries: stage s runs layers parts[s] .. parts[s+1]-1. */
    public List<Integer> deepspeedParts() {
        List<Integer> parts = new ArrayList<>();
        for (int s = 0; s < stages; s++) {
            int first = layers.size();
            for (int k = 0; k < layers.size(); k++) {
                if (layerStage.get(k) >= s) {
                    first = k;
                    break;
                }
            }
            parts.add(first);
        }
        parts.add(layers.size());
        return parts;
    }

    /** A Python snippet that builds the pipeline with torch.distributed.pipelining. */
    public String torchSnippet() {
        StringBuilder b = new StringBuilder();
        b.append("from torch.distributed.pipelining import SplitPoint, pipeline\n");
        b.append("split_spec = {");
        String sep = "";
        for (String module : torchSplitSpec().keySet()) {
            b.append(sep).append('"').append(module).append("\": SplitPoint.BEGINNING");
            sep = ", ";
        }
        b.append("}\n");
        b.append("pipe = pipeline(model, mb_args=(example_input,), split_spec=split_spec)  # ")
                .append(stages).append(" stages\n");
        return b.toString();
    }
}
