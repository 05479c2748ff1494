package org.pipeplan.placement.baseline;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jgrapht.alg.connectivity.KosarajuStrongConnectivityInspector;
import org.jgrapht.graph.DefaultDirectedGraph;
import org.jgrapht.graph.DefaultEdge;
import org.pipeplan.bound.LatencyLowerBound;
import org.pipeplan.device.Device;
import org.pipeplan.device.DeviceKind;
import org.pipeplan.graph.Edge;
import org.pipeplan.graph.OperatorGraph;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.placement.Objective;
import org.pipeplan.placement.Placement;
import org.pipeplan.placement.PlacementOptions;
import org.pipeplan.placement.PlacementSolver;
import org.pipeplan.placement.Plan;
import org.pipeplan.placement.evaluate.LatencyEvaluation;
import org.pipeplan.placement.evaluate.LatencyEvaluator;
import org.pipeplan.planner.PlanStatus;

/**
 * Baseline for latency (the reference program greedy.exe, PLACEMENT_MODEL.md section 5.3): cut the
 * graph into inseparable blocks (colocation classes that reach each other), order them
 * topologically, and fill accelerators one after another in that order as long as the memory
 * lasts; blocks that fit nowhere, or come after the last accelerator, go to the CPU. Latency plays
 * no part in the packing. Blocks with an operator that cannot run on an accelerator go to the CPU
 * and close the accelerator being filled.
 */
public final class GreedyLatencySolver implements PlacementSolver {

    @Override
    public String name() {
        return "greedy-latency";
    }

    @Override
    public String description() {
        return "baseline for latency: fill accelerators in topological order by memory";
    }

    @Override
    public Set<Objective> objectives() {
        return Set.of(Objective.LATENCY);
    }

    @Override
    public Plan solve(PlacementProblem problem, PlacementOptions options) {
        long start = System.nanoTime();
        OperatorGraph g = problem.graph();
        List<Device> accelerators = problem.devices().all().stream().filter(Device::isAccelerator).toList();
        List<Device> hosts = problem.devices().all().stream().filter(d -> !d.isAccelerator()).toList();
        List<List<Integer>> blocks = orderedBlocks(g);

        int[] deviceOf = new int[g.size()];
        int opened = 0;
        double used = 0;
        boolean filling = false;
        boolean overflow = false;
        for (List<Integer> block : blocks) {
            double size = 0;
            boolean supported = true;
            for (int v : block) {
                size += g.operator(v).memoryBytes();
                supported &= g.operator(v).runsOn(accelerators.isEmpty() ? DeviceKind.ACCELERATOR
                        : accelerators.get(0).kind());
            }
            int device;
            if (filling && supported && used + size <= accelerators.get(opened - 1).memoryLimit()) {
                device = accelerators.get(opened - 1).index();
                used += size;
            } else if (supported && opened < accelerators.size() && size <= accelerators.get(opened).memoryLimit()) {
                device = accelerators.get(opened++).index();
                used = size;
                filling = true;
            } else {
                filling = false;
                if (hosts.isEmpty()) {
                    overflow = true; // nowhere to go: keep it on the last accelerator, reported infeasible
                    device = accelerators.get(Math.max(0, opened - 1)).index();
                } else {
                    device = hosts.get(0).index();
                }
            }
            for (int v : block) {
                deviceOf[v] = device;
            }
        }
        Placement placement = new Placement(deviceOf, problem.devices().size());
        LatencyEvaluation evaluation = LatencyEvaluator.evaluate(problem, placement);
        double bound = Math.min(LatencyLowerBound.of(problem), evaluation.latency());
        boolean feasible = evaluation.feasible() && !overflow;
        return Plan.builder(problem.name(), name(), Objective.LATENCY).value(evaluation.latency()).lowerBound(bound)
                .status(feasible ? PlanStatus.FEASIBLE : PlanStatus.INFEASIBLE).placement(placement).secondsSince(start)
                .stats(stats(blocks.size(), opened))
                .note(feasible ? "" : "some blocks fit on no device").build();
    }

    /** The statistics in a fixed order (Map.of's order changes from run to run). */
    private static Map<String, Number> stats(int blocks, int accelerators) {
        Map<String, Number> stats = new LinkedHashMap<>();
        stats.put("blocks", blocks);
        stats.put("accelerators", accelerators);
        return stats;
    }

    /**
     * Inseparable blocks (mutually reachable colocation classes) in a topological order found with
     * a stack: sources in order of their first node, pop the last, push successors as they become
     * free. Each block lists its nodes in input order.
     */
    static List<List<Integer>> orderedBlocks(OperatorGraph g) {
        DefaultDirectedGraph<Integer, DefaultEdge> classes = new DefaultDirectedGraph<>(DefaultEdge.class);
        for (int v = 0; v < g.size(); v++) {
            classes.addVertex(g.colocationGroup(v));
        }
        for (Edge e : g.edges()) {
            int a = g.colocationGroup(e.source());
            int b = g.colocationGroup(e.target());
            if (a != b) {
                classes.addEdge(a, b);
            }
        }
        int[] blockOfClass = new int[g.colocationGroupCount()];
        List<Set<Integer>> components = new KosarajuStrongConnectivityInspector<>(classes).stronglyConnectedSets();
        for (int b = 0; b < components.size(); b++) {
            for (int c : components.get(b)) {
                blockOfClass[c] = b;
            }
        }
        List<List<Integer>> members = new ArrayList<>();
        for (int b = 0; b < components.size(); b++) {
            members.add(new ArrayList<>());
        }
        for (int v = 0; v < g.size(); v++) {
            members.get(blockOfClass[g.colocationGroup(v)]).add(v);
        }
        int n = members.size();
        List<Set<Integer>> successors = new ArrayList<>();
        for (int b = 0; b < n; b++) {
            successors.add(new java.util.LinkedHashSet<>());
        }
        int[] indegree = new int[n];
        for (Edge e : g.edges()) {
            int a = blockOfClass[g.colocationGroup(e.source())];
            int b = blockOfClass[g.colocationGroup(e.target())];
            if (a != b && successors.get(a).add(b)) {
                indegree[b]++;
            }
        }
        List<Integer> sources = new ArrayList<>();
        for (int b = 0; b < n; b++) {
            if (indegree[b] == 0) {
                sources.add(b);
            }
        }
        sources.sort(Comparator.comparingInt(b -> members.get(b).get(0)));
        ArrayList<Integer> stack = new ArrayList<>(sources);
        List<List<Integer>> order = new ArrayList<>();
        while (!stack.isEmpty()) {
            int b = stack.remove(stack.size() - 1);
            order.add(members.get(b));
            for (int next : successors.get(b)) {
                if (--indegree[next] == 0) {
                    stack.add(next);
                }
            }
        }
        return order;
    }
}
