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
 * @param notes          what could not be expressed
 */
public record ModuleSplit(List<String> layers, List<Integer> layerStage, List<Integer> layerNodes, int stages,
                          int planStages, int misplacedNodes, int[] nodePlanStage, List<String> notes) {

    public ModuleSplit {
        layers = List.copyOf(layers);
        layerStage = List.copyOf(layerStage);
        layerNodes = List.copyOf(layerNodes);
        nodePlanStage = nodePlanStage.clone();
        notes = List.copyOf(notes);
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
        int[] nodePlanStage = new int[paths.size()];
        for (int i = 0; i < paths.size(); i++) {
            String key = key(paths.get(i), opened);
            nodePlanStage[i] = stageOfNode[i] < 0 ? -1 : key != null && stageOfLayer.containsKey(key) ? stageOfLayer.get(key)
                    : stageOfNode[i];
        }
        if (layers.isEmpty()) {
            notes.add("the node names carry no module paths (export the model from PyTorch to get them)");
        }
        return new ModuleSplit(layers, layerStage, layerNodes, layers.isEmpty() ? stageCount : exported, stageCount,
                misplaced, nodePlanStage, notes);
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
