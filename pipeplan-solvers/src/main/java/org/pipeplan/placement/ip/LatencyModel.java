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
    private final OperatorGraph g;
    private final List<Device> accelerators;
    private final Device host;
    private final int perAccelerator;
    private final int slots;
    private final int deviceCount;
    private final boolean perUnit;
    private final double[] memory;
    private final double memoryLimit;
    private final ModelScale scale;
    /** The producers of every transfer group, as operators. */
    private final Map<TransferGroups.Group, List<Integer>> nodesOf = new LinkedHashMap<>();
    /** For every operator: the entity that carries its finishing time (set with the finishing times). */
    private int[] entityOf;
    /** The host compute time of every entity. */
    private double[] cpuOf;

    // the variables, in the order the create* steps make them
    /** x[u][j], null where unit u may not go. */
    private BoolVar[][] x;
    /** z[j][u]: slot j's convexity indicators. */
    private BoolVar[][] z;
    /** The finishing time of every entity (operator, or unit with perUnit). */
    private IntVar[] finishOf;
    private IntVar[] start;
    private IntVar[] finish;
    /** out[j][g], in[j][g]: group g's tensor leaves, enters slot j; null where it cannot. */
    private BoolVar[][] out;
    private BoolVar[][] in;
    private IntVar latency;

    LatencyModel(PlacementProblem problem, UnitGraph units, int perAccelerator, ModelScale scale,
                 double lowerBound, double upperBound, boolean perUnit) {
        this.units = units;
        this.g = units.graph();
        this.deviceCount = problem.devices().size();
        this.accelerators = problem.devices().all().stream().filter(Device::isAccelerator).toList();
        this.host = problem.devices().all().stream().filter(d -> !d.isAccelerator()).findFirst().orElse(null);
        this.perAccelerator = perAccelerator;
        this.slots = 1 + perAccelerator * accelerators.size();
        this.perUnit = perUnit;
        this.memory = units.memoryBytes();
        this.memoryLimit = accelerators.isEmpty() ? 0 : accelerators.get(0).memoryLimit();
        this.scale = scale;
        for (TransferGroups.Member m : TransferGroups.of(units, true)) {
            nodesOf.computeIfAbsent(m.group(), k -> new ArrayList<>()).add(m.node());
        }

        long horizon = Double.isFinite(upperBound) ? scale.up(upperBound) + 1 : Long.MAX_VALUE / 4;
        // the steps' order is the order of the variables and constraints, which CP-SAT's search depends on
        createAssignmentVariables();
        createConvexityVariables();
        createFinishingTimes(horizon);
        createSlotVariables(horizon);
        createLatencyVariable(lowerBound, horizon);
        addOneSlotPerUnit();
        addConvexity();
        addMemoryLimits();
        addHostTimes();
        addSlotTimes();
        addLatency();
        model.minimize(latency);
    }

    /**
     * x_u_host for every unit (given a host), and x_u_j for every accelerator slot j where unit u
     * may run and fit, and that the symmetry rule leaves it.
     */
    private void createAssignmentVariables() {
        boolean[] accOk = accelerators.isEmpty() ? new boolean[units.size()]
                : units.runsOn(accelerators.get(0).kind());
        x = new BoolVar[units.size()][slots];
        for (int u = 0; u < units.size(); u++) {
            if (host != null) {
                x[u][0] = model.newBoolVar("x_" + u + "_host");
            }
            for (int j = 1; j < slots; j++) {
                if (accOk[u] && memory[u] <= memoryLimit && acceleratorOf(j) <= u) {
                    x[u][j] = model.newBoolVar("x_" + u + "_" + j);
                }
            }
        }
    }

    /** z_u_j for every unit and accelerator slot: u is in slot j or before it along the edges. */
    private void createConvexityVariables() {
        z = new BoolVar[slots][];
        for (int j = 1; j < slots; j++) {
            z[j] = new BoolVar[units.size()];
            for (int u = 0; u < units.size(); u++) {
                z[j][u] = model.newBoolVar("z_" + u + "_" + j);
            }
        }
    }

    /** lambda_e: the finishing time of every operator, or of every unit when the units are blocks. */
    private void createFinishingTimes(long horizon) {
        // what carries a finishing time: every operator, or every unit when the units are blocks
        int entities = perUnit ? units.size() : g.size();
        entityOf = new int[g.size()];
        cpuOf = new double[entities];
        for (int v = 0; v < g.size(); v++) {
            entityOf[v] = perUnit ? units.unitOf(v) : v;
            double cpu = host == null ? 0 : g.operator(v).computeTime(host.kind());
            cpuOf[entityOf[v]] += Double.isNaN(cpu) ? 0 : cpu;
        }
        finishOf = new IntVar[entities];
        for (int e = 0; e < entities; e++) {
            finishOf[e] = model.newIntVar(0, horizon, "lambda_" + e);
        }
    }

    /**
     * Slot by slot: its start and finish, then out and in of every transfer group where they can
     * be 1 (out where the producers may be in the slot, in where a consumer may).
     */
    private void createSlotVariables(long horizon) {
        start = new IntVar[slots];
        finish = new IntVar[slots];
        out = new BoolVar[slots][nodesOf.size()];
        in = new BoolVar[slots][nodesOf.size()];
        for (int j = 1; j < slots; j++) {
            start[j] = model.newIntVar(0, horizon, "start_" + j);
            finish[j] = model.newIntVar(0, horizon, "finish_" + j);
            int gi = 0;
            for (TransferGroups.Group group : nodesOf.keySet()) {
                if (x[group.source()][j] != null) {
                    out[j][gi] = model.newBoolVar("out");
                }
                boolean consumerMayBeHere = false;
                for (int w : group.consumers()) {
                    consumerMayBeHere |= x[w][j] != null;
                }
                if (consumerMayBeHere) {
                    in[j][gi] = model.newBoolVar("in");
                }
                gi++;
            }
        }
    }

    /** T, the latency to minimise: the last finishing time, from the lower bound (less the rounding). */
    private void createLatencyVariable(double lowerBound, long horizon) {
        long low = Math.max(0, scale.down(lowerBound) - 2L * g.size() - 1);
        latency = model.newIntVar(low, horizon, "T");
    }

    /** Every unit in exactly one slot: the host or an accelerator subgraph. */
    private void addOneSlotPerUnit() {
        for (int u = 0; u < units.size(); u++) {
            List<Literal> choices = new ArrayList<>();
            for (int j = 0; j < slots; j++) {
                if (x[u][j] != null) {
                    choices.add(x[u][j]);
                }
            }
            model.addExactlyOne(choices);
        }
    }

    /**
     * Convexity of every accelerator slot: z is at least x, non-increasing along the edges, and 0
     * after a path leaves the slot.
     */
    private void addConvexity() {
        for (int j = 1; j < slots; j++) {
            for (int u = 0; u < units.size(); u++) {
                if (x[u][j] != null) {
                    model.addImplication(x[u][j], z[j][u]);
                }
            }
            for (int u = 0; u < units.size(); u++) {
                for (int w : units.successors(u)) {
                    model.addImplication(z[j][w], z[j][u]);
                    if (x[u][j] != null) {
                        // leaving the slot along u -> w: nothing after w may be in it
                        model.addBoolOr(x[w][j] == null ? new Literal[] {x[u][j].not(), z[j][w].not()}
                                : new Literal[] {x[u][j].not(), x[w][j], z[j][w].not()});
                    }
                }
            }
        }
    }

    /** The memory of each accelerator over its slots, where its allowed units could exceed it. */
    private void addMemoryLimits() {
        for (int a = 0; a < accelerators.size(); a++) {
            LinearExprBuilder used = LinearExpr.newBuilder();
            double total = 0;
            for (int u = 0; u < units.size(); u++) {
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
    }

    /** On the host, an entity finishes its own compute after its last input (each pair once). */
    private void addHostTimes() {
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
    }

    /**
     * Slot by slot (the constraints stay in that order): its transfers, its duration (compute plus
     * transfers), its nodes finishing with it, and the slots of one accelerator running in order.
     */
    private void addSlotTimes() {
        double[] accTime = accelerators.isEmpty() ? new double[units.size()]
                : units.computeTimes(accelerators.get(0).kind());
        for (int j = 1; j < slots; j++) {
            LinearExprBuilder duration = LinearExpr.newBuilder();
            for (int u = 0; u < units.size(); u++) {
                if (x[u][j] != null) {
                    duration.addTerm(x[u][j], scale.down(accTime[u]));
                }
            }
            addSlotTransfers(j, duration);
            model.addEquality(LinearExpr.newBuilder().add(finish[j]).addTerm(start[j], -1), duration);
            for (int u = 0; u < units.size(); u++) {
                if (x[u][j] != null) {
                    for (int e : perUnit ? new int[] {u} : units.members(u)) {
                        model.addGreaterOrEqual(finishOf[e], finish[j]).onlyEnforceIf(x[u][j]);
                    }
                }
            }
            if ((j - 1) % perAccelerator != 0) {
                model.addGreaterOrEqual(start[j], finish[j - 1]); // slots of one accelerator run in order
            }
        }
    }

    /**
     * In slot j: out = 1 when a group's producer is in it and a consumer is not, in = 1 when a
     * consumer is in it and the producer is not; both add the transfer to the slot's duration,
     * and a slot that receives starts after the producers have finished.
     */
    private void addSlotTransfers(int j, LinearExprBuilder duration) {
        int gi = 0;
        for (var entry : nodesOf.entrySet()) {
            TransferGroups.Group group = entry.getKey();
            BoolVar here = x[group.source()][j];
            long cost = scale.down(group.cost(accelerators.get(acceleratorOf(j)).kind()));
            BoolVar sent = out[j][gi];
            if (sent != null) {
                for (int w : group.consumers()) {
                    model.addBoolOr(x[w][j] == null ? new Literal[] {here.not(), sent}
                            : new Literal[] {here.not(), x[w][j], sent});
                }
                duration.addTerm(sent, cost);
            }
            BoolVar received = in[j][gi];
            if (received != null) {
                duration.addTerm(received, cost);
                java.util.Set<Integer> feeding = new java.util.LinkedHashSet<>();
                for (int v : entry.getValue()) {
                    feeding.add(entityOf[v]);
                }
                for (int f : feeding) {
                    model.addGreaterOrEqual(start[j], finishOf[f]).onlyEnforceIf(received);
                }
                for (int w : group.consumers()) {
                    if (x[w][j] != null) {
                        model.addBoolOr(here == null ? new Literal[] {x[w][j].not(), received}
                                : new Literal[] {x[w][j].not(), here, received});
                    }
                }
            }
            gi++;
        }
    }

    /** The latency T is at least the finishing time of every sink. */
    private void addLatency() {
        for (int v = 0; v < g.size(); v++) {
            if (g.outDegree(v) == 0) {
                model.addGreaterOrEqual(latency, finishOf[entityOf[v]]);
            }
        }
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
