package org.pipeplan.units;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.pipeplan.device.DeviceKind;
import org.pipeplan.graph.OperatorGraph;

/**
 * The transfer terms of the cost model, grouped for the integer models. A node u with c(u) > 0
 * whose output reaches other units is charged c(u) by its own device when some consumer unit is
 * elsewhere, and by every other accelerator that holds a consumer unit. Nodes with the same unit,
 * the same consumer units and the same phase (forward/backward) are charged together, so they
 * share one group with the sum of their costs.
 */
public final class TransferGroups {

    /**
     * @param source    the unit of the producing nodes
     * @param consumers the other units their outputs reach
     * @param costs     sum of the nodes' transfer times, per device kind
     * @param backward  whether the producers are backward nodes
     */
    public record Group(int source, int[] consumers, Map<DeviceKind, Double> costs, boolean backward) {

        /** The group's transfer time on a device kind. */
        public double cost(DeviceKind kind) {
            return costs.getOrDefault(kind, 0.0);
        }
    }

    private TransferGroups() {
    }

    public static List<Group> of(UnitGraph units) {
        return of(units, false).stream().map(Member::group).distinct().toList();
    }

    /**
     * A producer node and its group, for models that need every producer (latency: a piece waits
     * for all its inputs, free to move or not).
     */
    public record Member(int node, Group group) {
    }

    /** Every node that feeds another unit, with its group; free nodes too when asked. */
    public static List<Member> of(UnitGraph units, boolean includeFree) {
        OperatorGraph g = units.graph();
        Map<String, Group> groups = new LinkedHashMap<>();
        Map<Integer, String> keyOf = new LinkedHashMap<>();
        for (int v = 0; v < g.size(); v++) {
            Map<DeviceKind, Double> times = g.operator(v).transferTimes();
            boolean free = times.values().stream().allMatch(t -> t <= 0);
            if (free && !includeFree) {
                continue;
            }
            int source = units.unitOf(v);
            TreeSet<Integer> consumers = new TreeSet<>();
            for (int j = 0; j < g.outDegree(v); j++) {
                int w = units.unitOf(g.edge(g.outEdge(v, j)).target());
                if (w != source) {
                    consumers.add(w);
                }
            }
            if (consumers.isEmpty()) {
                continue;
            }
            boolean backward = g.operator(v).isBackward();
            int[] targets = consumers.stream().mapToInt(Integer::intValue).toArray();
            String key = source + (backward ? "b" : "f") + Arrays.toString(targets);
            Group old = groups.get(key);
            Map<DeviceKind, Double> costs = new LinkedHashMap<>(old == null ? Map.of() : old.costs());
            times.forEach((kind, t) -> costs.merge(kind, t, Double::sum));
            groups.put(key, new Group(source, targets, costs, backward));
            keyOf.put(v, key);
        }
        List<Member> members = new ArrayList<>();
        keyOf.forEach((v, key) -> members.add(new Member(v, groups.get(key))));
        return members;
    }
}
