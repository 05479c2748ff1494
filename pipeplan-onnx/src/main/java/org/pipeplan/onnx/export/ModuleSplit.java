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
 * @param layers         module paths of the layers, in execution order
 * @param layerStage     stage of each layer
 * @param layerNodes     nodes of each layer
 * @param stages         number of stages
 * @param misplacedNodes nodes moved by the layer granularity (0: the module split is the plan)
 * @param notes          what could not be expressed
 */
public record ModuleSplit(List<String> layers, List<Integer> layerStage, List<Integer> layerNodes, int stages,
                          int misplacedNodes, List<String> notes) {

    public ModuleSplit {
        layers = List.copyOf(layers);
        layerStage = List.copyOf(layerStage);
        layerNodes = List.copyOf(layerNodes);
        notes = List.copyOf(notes);
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
        List<Integer> layerStage = new ArrayList<>();
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
            if (c[best] < total) {
                notes.add("the plan cuts inside " + e.getKey() + ": " + (total - c[best]) + " of its " + total
                        + " nodes move to stage " + best);
            }
            misplaced += total - c[best];
            layers.add(e.getKey());
            layerStage.add(best);
            layerNodes.add(total);
        }
        for (int k = 1; k < layers.size(); k++) {
            if (layerStage.get(k) < layerStage.get(k - 1)) {
                notes.add("layer " + layers.get(k) + " runs after " + layers.get(k - 1) + " but on an earlier stage; "
                        + "split points cannot express that order");
            }
        }
        if (layers.isEmpty()) {
            notes.add("the node names carry no module paths (export the model from PyTorch to get them)");
        }
        return new ModuleSplit(layers, layerStage, layerNodes, stages, misplaced, notes);
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
