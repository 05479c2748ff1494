package org.pipeplan.units;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pipeplan.device.Device;

/**
 * The symmetry rule of the assignment models: among identical devices (same kind and memory),
 * unit i may only use the first i+1. Any plan satisfies it after relabelling each class of
 * identical devices in order of the first unit they hold.
 */
public final class SymmetryRelabel {

    private SymmetryRelabel() {
    }

    /** Position of each device within its class of identical devices. */
    public static int[] ranks(List<Device> devices) {
        Map<String, Integer> seen = new LinkedHashMap<>();
        int[] rank = new int[devices.size()];
        for (Device d : devices) {
            rank[d.index()] = seen.merge(key(d), 1, Integer::sum) - 1;
        }
        return rank;
    }

    /** The classes of identical devices, each as its device indices in ascending order. */
    public static int[][] classes(List<Device> devices) {
        Map<String, List<Integer>> classes = new LinkedHashMap<>();
        for (Device d : devices) {
            classes.computeIfAbsent(key(d), k -> new ArrayList<>()).add(d.index());
        }
        return classes.values().stream().map(c -> c.stream().mapToInt(Integer::intValue).toArray())
                .toArray(int[][]::new);
    }

    /** The device of every unit after relabelling each class by the first unit it holds. */
    public static int[] canonical(int[] deviceOfUnit, List<Device> devices) {
        int[] first = new int[devices.size()];
        Arrays.fill(first, Integer.MAX_VALUE);
        for (int u = 0; u < deviceOfUnit.length; u++) {
            first[deviceOfUnit[u]] = Math.min(first[deviceOfUnit[u]], u);
        }
        int[] relabel = new int[devices.size()];
        for (int[] members : classes(devices)) {
            Integer[] byFirstUnit = Arrays.stream(members).boxed().toArray(Integer[]::new);
            Arrays.sort(byFirstUnit, (a, b) -> Integer.compare(first[a], first[b]));
            for (int i = 0; i < members.length; i++) {
                relabel[byFirstUnit[i]] = members[i];
            }
        }
        int[] out = new int[deviceOfUnit.length];
        for (int u = 0; u < out.length; u++) {
            out[u] = relabel[deviceOfUnit[u]];
        }
        return out;
    }

    private static String key(Device d) {
        return d.kind().name() + "/" + d.memoryLimit();
    }
}
