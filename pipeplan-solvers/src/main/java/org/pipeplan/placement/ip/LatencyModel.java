package org.pipeplan.placement.ip;

import com.google.ortools.sat.BoolVar;
import com.google.ortools.sat.CpModel;
import com.google.ortools.sat.CpSolver;
import com.google.ortools.sat.IntVar;
import com.google.ortools.sat.LinearExpr;
import com.google.ortools.sat.LinearExprBuilder;
import com.google.ortools.sat.Literal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pipeplan.device.Device;
import org.pipeplan.graph.OperatorGraph;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.ortools.ModelScale;
import org.pipeplan.placement.Placement;
import org.pipeplan.units.TransferGroups;
import org.pipeplan.units.UnitGraph;

/**
 * The single-sample latency program (PLACEMENT_MODEL.md section 5.2, lip.py), on units.
 *
 * <p>Slot 0 is the host (as many CPU cores as needed); slots 1..q*k are accelerator subgraphs, q
 * per accelerator, run one after another. Every slot is convex (z is non-increasing along edges
 * and drops to 0 after a path leaves the slot). A slot starts after every node feeding it has
 * finished, receives those inputs, computes, sends its outputs, and then all its nodes are done;
 * a node on the host finishes its compute time after its last input. The latency T is the last
 * finishing time. Accelerators are interchangeable: unit i may only use the first i+1 of them.
 *
 * <p>With {@code perUnit} (units that are blocks of a coarsened graph) finishing times are kept
 * per unit, not per operator: a block on the host runs its operators one after another, which
 * can only overstate the latency (the plan is re-evaluated exactly afterwards) and keeps the model
 * as small as the blocks.
 */
final class LatencyModel {

    final CpModel model = new CpModel();
    private final UnitGraph units;
    private final List<Device> accelerators;
    private final Device host;
    private final int perAccelerator;
    private final int slots;
    private final int deviceCount;
    /** x[u][j], null where unit u may not go. */
    private final BoolVar[][] x;

    LatencyModel(PlacementProblem problem, UnitGraph units, int perAccelerator, ModelScale scale,
                 double lowerBound, double upperBound, boolean perUnit) {
        this.units = units;
        this.deviceCount = problem.devices().size();
        this.accelerators = problem.devices().all().stream().filter(Device::isAccelerator).toList();
        this.host = problem.devices().all().stream().filter(d -> !d.isAccelerator()).findFirst().orElse(null);
        this.perAccelerator = perAccelerator;
        this.slots = 1 + perAccelerator * accelerators.size();
        OperatorGraph g = units.graph();
        int n = units.size();
        double[] memory = units.memoryBytes();
        double[] accTime = accelerators.isEmpty() ? new double[n] : units.computeTimes(accelerators.get(0).kind());
        boolean[] accOk = accelerators.isEmpty() ? new boolean[n] : units.runsOn(accelerators.get(0).kind());
        double memoryLimit = accelerators.isEmpty() ? 0 : accelerators.get(0).memoryLimit();

        x = new BoolVar[n][slots];
        for (int u = 0; u < n; u++) {
            List<Literal> choices = new ArrayList<>();
            if (host != null) {
                x[u][0] = model.newBoolVar("x_" + u + "_host");
                choices.add(x[u][0]);
            }
            for (int j = 1; j < slots; j++) {
                if (accOk[u] && memory[u] <= memoryLimit && acceleratorOf(j) <= u) {
                    x[u][j] = model.newBoolVar("x_" + u + "_" + j);
                    choices.add(x[u][j]);
                }
            }
            model.addExactlyOne(choices);
        }
        // convexity of every accelerator slot
        for (int j = 1; j < slots; j++) {
            BoolVar[] z = new BoolVar[n];
            for (int u = 0; u < n; u++) {
                z[u] = model.newBoolVar("z_" + u + "_" + j);
                if (x[u][j] != null) {
                    model.addImplication(x[u][j], z[u]);
                }
            }
            for (int u = 0; u < n; u++) {
                for (int w : units.successors(u)) {
                    model.addImplication(z[w], z[u]);
                    if (x[u][j] != null) {
                        // leaving the slot along u -> w: nothing after w may be in it
                        model.addBoolOr(x[w][j] == null ? new Literal[] {x[u][j].not(), z[w].not()}
                                : new Literal[] {x[u][j].not(), x[w][j], z[w].not()});
                    }
                }
            }
        }
        // memory of each accelerator over its slots
        for (int a = 0; a < accelerators.size(); a++) {
            LinearExprBuilder used = LinearExpr.newBuilder();
            double total = 0;
            for (int u = 0; u < n; u++) {
                for (int j = 1 + a * perAccelerator; j <= (a + 1) * perAccelerator; j++) {
                    if (x[u][j] != null) {
                        used.addTerm(x[u][j], (long) Math.ceil(memory[u]));
                        total += memory[u];
                    }
                }
            }
            if (total > memoryLimit) {
                model.addLessOrEqual(used, (long) Math.floor(memoryLimit));
            }
        }

        long horizon = Double.isFinite(upperBound) ? scale.up(upperBound) + 1 : Long.MAX_VALUE / 4;
        // what carries a finishing time: every operator, or every unit when the units are blocks
        int entities = perUnit ? n : g.size();
        int[] entityOf = new int[g.size()];
        double[] cpuOf = new double[entities];
        for (int v = 0; v < g.size(); v++) {
            entityOf[v] = perUnit ? units.unitOf(v) : v;
            double cpu = host == null ? 0 : g.operator(v).computeTime(host.kind());
            cpuOf[entityOf[v]] += Double.isNaN(cpu) ? 0 : cpu;
        }
        IntVar[] finishOf = new IntVar[entities];
        for (int e = 0; e < entities; e++) {
            finishOf[e] = model.newIntVar(0, horizon, "lambda_" + e);
        }
        // host: own compute after the last input
        java.util.Set<Long> linked = new java.util.HashSet<>();
        for (int v = 0; v < g.size(); v++) {
            int e = entityOf[v];
            Literal onHost = x[perUnit ? e : units.unitOf(v)][0];
            long cpuTime = scale.down(cpuOf[e]);
            if (onHost != null && linked.add(((long) e << 32) | e)) {
                model.addGreaterOrEqual(LinearExpr.newBuilder().add(finishOf[e]).addTerm(onHost, -cpuTime), 0);
            }
            for (int j = 0; j < g.inDegree(v); j++) {
                int f = entityOf[g.edge(g.inEdge(v, j)).source()];
                if (f == e || !linked.add(((long) f << 32) | e)) {
                    continue;
                }
                LinearExprBuilder after = LinearExpr.newBuilder().add(finishOf[e]).addTerm(finishOf[f], -1);
                if (onHost != null) {
                    after.addTerm(onHost, -cpuTime);
                }
                model.addGreaterOrEqual(after, 0);
            }
        }
        // accelerator slots
        List<TransferGroups.Member> producers = TransferGroups.of(units, true);
        Map<TransferGroups.Group, List<Integer>> nodesOf = new LinkedHashMap<>();
        for (TransferGroups.Member m : producers) {
            nodesOf.computeIfAbsent(m.group(), k -> new ArrayList<>()).add(m.node());
        }
        IntVar previousFinish = null;
        for (int j = 1; j < slots; j++) {
            IntVar start = model.newIntVar(0, horizon, "start_" + j);
            IntVar finish = model.newIntVar(0, horizon, "finish_" + j);
            LinearExprBuilder duration = LinearExpr.newBuilder();
            for (int u = 0; u < n; u++) {
                if (x[u][j] != null) {
                    duration.addTerm(x[u][j], scale.down(accTime[u]));
                }
            }
            for (var entry : nodesOf.entrySet()) {
                TransferGroups.Group group = entry.getKey();
                BoolVar here = x[group.source()][j];
                long cost = scale.down(group.cost(accelerators.get(acceleratorOf(j)).kind()));
                if (here != null) {
                    BoolVar out = model.newBoolVar("out");
                    for (int w : group.consumers()) {
                        model.addBoolOr(x[w][j] == null ? new Literal[] {here.not(), out}
                                : new Literal[] {here.not(), x[w][j], out});
                    }
                    duration.addTerm(out, cost);
                }
                BoolVar in = null;
                for (int w : group.consumers()) {
                    if (x[w][j] == null) {
                        continue;
                    }
                    if (in == null) {
                        in = model.newBoolVar("in");
                        duration.addTerm(in, cost);
                        java.util.Set<Integer> feeding = new java.util.LinkedHashSet<>();
                        for (int v : entry.getValue()) {
                            feeding.add(entityOf[v]);
                        }
                        for (int f : feeding) {
                            model.addGreaterOrEqual(start, finishOf[f]).onlyEnforceIf(in);
                        }
                    }
                    model.addBoolOr(here == null ? new Literal[] {x[w][j].not(), in}
                            : new Literal[] {x[w][j].not(), here, in});
                }
            }
            model.addEquality(LinearExpr.newBuilder().add(finish).addTerm(start, -1), duration);
            for (int u = 0; u < n; u++) {
                if (x[u][j] != null) {
                    for (int e : perUnit ? new int[] {u} : units.members(u)) {
                        model.addGreaterOrEqual(finishOf[e], finish).onlyEnforceIf(x[u][j]);
                    }
                }
            }
            if (previousFinish != null && (j - 1) % perAccelerator != 0) {
                model.addGreaterOrEqual(start, previousFinish); // slots of one accelerator run in order
            }
            previousFinish = finish;
        }
        long low = Math.max(0, scale.down(lowerBound) - 2L * g.size() - 1);
        IntVar latency = model.newIntVar(low, horizon, "T");
        for (int v = 0; v < g.size(); v++) {
            if (g.outDegree(v) == 0) {
                model.addGreaterOrEqual(latency, finishOf[entityOf[v]]);
            }
        }
        model.minimize(latency);
    }

    /** The accelerator (0-based) of slot j >= 1. */
    private int acceleratorOf(int slot) {
        return (slot - 1) / perAccelerator;
    }

    /**
     * Hints a placement, given the number of every node's piece on its accelerator; returns false
     * (and hints nothing) when an accelerator has more than q pieces.
     */
    boolean hint(Placement placement, int[] pieceIndexOfNode) {
        int n = units.size();
        int[] slot = new int[n];
        Map<Integer, Integer> accelerator = new LinkedHashMap<>();
        // accelerators relabelled in order of the first unit they hold
        for (int u = 0; u < n; u++) {
            int device = placement.deviceOf(units.members(u)[0]);
            if (accelerators.stream().anyMatch(a -> a.index() == device)) {
                accelerator.putIfAbsent(device, accelerator.size());
                int piece = pieceIndexOfNode[units.members(u)[0]];
                if (piece >= perAccelerator) {
                    return false;
                }
                slot[u] = 1 + accelerator.get(device) * perAccelerator + piece;
            } else {
                slot[u] = 0;
            }
        }
        model.clearHints();
        for (int u = 0; u < n; u++) {
            for (int j = 0; j < slots; j++) {
                if (x[u][j] != null) {
                    model.addHint(x[u][j], slot[u] == j);
                }
            }
        }
        return true;
    }

    /** The placement of the solver's best solution; with q > 1 its accelerator pieces are explicit. */
    Placement decode(CpSolver solver) {
        int[] deviceOf = new int[units.graph().size()];
        int[] pieceOf = new int[units.graph().size()];
        for (int u = 0; u < units.size(); u++) {
            for (int j = 0; j < slots; j++) {
                if (x[u][j] != null && solver.booleanValue(x[u][j])) {
                    for (int v : units.members(u)) {
                        deviceOf[v] = j == 0 ? host.index() : accelerators.get(acceleratorOf(j)).index();
                        pieceOf[v] = j == 0 ? 0 : (j - 1) % perAccelerator;
                    }
                }
            }
        }
        Placement placement = new Placement(deviceOf, deviceCount);
        return perAccelerator > 1 ? placement.withPieces(pieceOf) : placement;
    }
}
