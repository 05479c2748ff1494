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
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.ortools.ModelScale;
import org.pipeplan.placement.Objective;
import org.pipeplan.placement.Placement;
import org.pipeplan.units.SymmetryRelabel;
import org.pipeplan.units.TransferGroups;
import org.pipeplan.units.UnitCosts;
import org.pipeplan.units.UnitGraph;

/**
 * The throughput integer program without contiguity (PLACEMENT_MODEL.md section 5.1, "noncontig"),
 * on units (colocation classes) instead of single nodes:
 * <ul>
 *   <li>x[u][d]: unit u on device d, exactly one device per unit, only where it may run and fit;</li>
 *   <li>memory of every accelerator at most its limit;</li>
 *   <li>transfers: for every group of producers (see {@link TransferGroups}) and accelerator d,
 *       out = 1 when the producers are on d and a consumer unit is not, in = 1 when a consumer is on
 *       d and the producers are not (the minimisation keeps them 0 otherwise);</li>
 *   <li>max-load: every device's compute plus transfers at most L, minimise L; or fw+bw: forward
 *       and backward loads at most F and B (transfers booked by the producer's phase), minimise
 *       F + B.</li>
 * </ul>
 * Identical devices are interchangeable, so unit i may only use the first i+1 devices of its kind:
 * any plan can be relabelled to satisfy this, which removes the permutations of equal devices.
 */
final class AssignmentModel {

    final CpModel model = new CpModel();
    private final UnitGraph units;
    private final List<Device> devices;
    private final List<TransferGroups.Group> groups;
    private final double[] memory;
    private final int[] rankInClass;
    private final ModelScale scale;
    private final boolean split;

    // the variables, in the order the create* steps make them
    /** x[u][d], null where unit u may not go on device d. */
    private BoolVar[][] x;
    private LoadObjective objective;
    private IntVar load;
    private IntVar forwardMax;
    private IntVar backwardMax;
    private final Map<Long, BoolVar> outgoing = new LinkedHashMap<>();
    private final Map<Long, BoolVar> incoming = new LinkedHashMap<>();

    AssignmentModel(PlacementProblem problem, UnitGraph units, Objective objective, ModelScale scale,
                    double lowerBound, double upperBound) {
        this.units = units;
        this.devices = problem.devices().all();
        this.groups = TransferGroups.of(units);
        this.memory = units.memoryBytes();
        this.rankInClass = SymmetryRelabel.ranks(devices);
        this.scale = scale;
        this.split = objective == Objective.MAX_FORWARD_PLUS_MAX_BACKWARD;

        // the steps' order is the order of the variables and constraints, which CP-SAT's search depends on
        createAssignmentVariables();
        createLoadVariables(lowerBound, upperBound);
        createTransferVariables();
        addOneDevicePerUnit();
        addMemoryLimits();
        addDeviceLoads();
        setObjective();
    }

    /**
     * x_u_d for every device d where unit u may run and fit, and that the symmetry rule leaves it
     * (the first u+1 devices of each kind).
     */
    private void createAssignmentVariables() {
        x = new BoolVar[units.size()][devices.size()];
        boolean[][] runs = new boolean[devices.size()][];
        for (Device dev : devices) {
            runs[dev.index()] = units.runsOn(dev.kind());
        }
        for (int u = 0; u < units.size(); u++) {
            for (Device dev : devices) {
                boolean allowed = runs[dev.index()][u] && memory[u] <= dev.memoryLimit()
                        && rankInClass[dev.index()] <= u;
                if (allowed) {
                    x[u][dev.index()] = model.newBoolVar("x_" + u + "_" + dev.name());
                }
            }
        }
    }

    /** The loads to minimise: L, and for fw+bw F and B ({@link LoadObjective}). */
    private void createLoadVariables(double lowerBound, double upperBound) {
        objective = new LoadObjective(model, scale, units.size() + 2 * groups.size(), lowerBound, upperBound, split);
        load = objective.load;
        forwardMax = objective.forwardMax;
        backwardMax = objective.backwardMax;
    }

    /**
     * out and in of every transfer group on every accelerator, where they can be 1: out where the
     * producers may be on it, in where a consumer may.
     */
    private void createTransferVariables() {
        for (Device dev : devices) {
            if (!dev.isAccelerator()) {
                continue;
            }
            int d = dev.index();
            for (int gi = 0; gi < groups.size(); gi++) {
                TransferGroups.Group group = groups.get(gi);
                if (x[group.source()][d] != null) {
                    outgoing.put(key(gi, d), model.newBoolVar("out_" + gi + "_" + d));
                }
                boolean consumerMayBeHere = false;
                for (int w : group.consumers()) {
                    consumerMayBeHere |= x[w][d] != null;
                }
                if (consumerMayBeHere) {
                    incoming.put(key(gi, d), model.newBoolVar("in_" + gi + "_" + d));
                }
            }
        }
    }

    /** Every unit on exactly one of its allowed devices. */
    private void addOneDevicePerUnit() {
        for (int u = 0; u < units.size(); u++) {
            List<Literal> choices = new ArrayList<>();
            for (Device dev : devices) {
                if (x[u][dev.index()] != null) {
                    choices.add(x[u][dev.index()]);
                }
            }
            model.addExactlyOne(choices);
        }
    }

    /** Every accelerator holds at most its memory, where its allowed units could exceed it. */
    private void addMemoryLimits() {
        for (Device dev : devices) {
            if (!dev.isAccelerator() || Double.isInfinite(dev.memoryLimit())) {
                continue;
            }
            LinearExprBuilder used = LinearExpr.newBuilder();
            double total = 0;
            for (int u = 0; u < units.size(); u++) {
                if (x[u][dev.index()] != null) {
                    used.addTerm(x[u][dev.index()], (long) Math.ceil(memory[u]));
                    total += memory[u];
                }
            }
            if (total > dev.memoryLimit()) {
                model.addLessOrEqual(used, (long) Math.floor(dev.memoryLimit()));
            }
        }
    }

    /**
     * Device by device (the constraints stay in that order): an accelerator's transfers, then the
     * device's compute plus transfers at most L, or its forward and backward loads at most F and B.
     */
    private void addDeviceLoads() {
        for (Device dev : devices) {
            LinearExprBuilder forward = LinearExpr.newBuilder();
            LinearExprBuilder backward = LinearExpr.newBuilder();
            double[] fw = UnitCosts.phase(units, dev.kind(), false);
            double[] bw = UnitCosts.phase(units, dev.kind(), true);
            for (int u = 0; u < units.size(); u++) {
                if (x[u][dev.index()] != null) {
                    forward.addTerm(x[u][dev.index()], scale.down(fw[u]));
                    backward.addTerm(x[u][dev.index()], scale.down(bw[u]));
                }
            }
            if (dev.isAccelerator()) {
                addTransfers(dev.index(), forward, backward);
            }
            if (split) {
                model.addLessOrEqual(forward, forwardMax);
                model.addLessOrEqual(backward, backwardMax);
            } else {
                model.addLessOrEqual(forward.add(backward.build()), load);
            }
        }
    }

    /**
     * On accelerator d: out = 1 when a group's producers are on d and a consumer is not, in = 1
     * when a consumer is on d and the producers are not; both cost the group's transfer in the
     * load of the producers' phase.
     */
    private void addTransfers(int d, LinearExprBuilder forward, LinearExprBuilder backward) {
        for (int gi = 0; gi < groups.size(); gi++) {
            TransferGroups.Group group = groups.get(gi);
            long cost = scale.down(group.cost(devices.get(d).kind()));
            LinearExprBuilder phase = group.backward() ? backward : forward;
            BoolVar here = x[group.source()][d];
            BoolVar out = outgoing.get(key(gi, d));
            if (out != null) {
                for (int w : group.consumers()) {
                    model.addBoolOr(x[w][d] == null ? new Literal[] {here.not(), out}
                            : new Literal[] {here.not(), x[w][d], out});
                }
                phase.addTerm(out, cost);
            }
            BoolVar in = incoming.get(key(gi, d));
            if (in != null) {
                phase.addTerm(in, cost);
                for (int w : group.consumers()) {
                    if (x[w][d] != null) {
                        model.addBoolOr(here == null ? new Literal[] {x[w][d].not(), in}
                                : new Literal[] {x[w][d].not(), here, in});
                    }
                }
            }
        }
    }

    /** Minimise L, or F + B. */
    private void setObjective() {
        objective.minimize(model);
    }

    private static long key(int group, int device) {
        return ((long) group << 20) | device;
    }

    /**
     * Hints a known placement (relabelled to satisfy the symmetry rule); units whose hinted device
     * is not allowed are left free.
     */
    void hint(Placement placement) {
        int n = units.size();
        int[] device = new int[n];
        for (int u = 0; u < n; u++) {
            device[u] = placement.deviceOf(units.members(u)[0]);
        }
        device = SymmetryRelabel.canonical(device, devices);
        model.clearHints();
        for (int u = 0; u < n; u++) {
            for (int d = 0; d < devices.size(); d++) {
                if (x[u][d] != null) {
                    model.addHint(x[u][d], device[u] == d);
                }
            }
        }
        for (int gi = 0; gi < groups.size(); gi++) {
            TransferGroups.Group group = groups.get(gi);
            for (int d = 0; d < devices.size(); d++) {
                boolean here = device[group.source()] == d;
                boolean consumerHere = false;
                boolean consumerAway = false;
                for (int w : group.consumers()) {
                    consumerHere |= device[w] == d;
                    consumerAway |= device[w] != d;
                }
                BoolVar out = outgoing.get(key(gi, d));
                if (out != null) {
                    model.addHint(out, here && consumerAway);
                }
                BoolVar in = incoming.get(key(gi, d));
                if (in != null) {
                    model.addHint(in, !here && consumerHere);
                }
            }
        }
    }

    /** The placement of the solver's best solution. */
    Placement decode(CpSolver solver) {
        int[] deviceOf = new int[units.graph().size()];
        for (int u = 0; u < units.size(); u++) {
            int chosen = -1;
            for (int d = 0; d < devices.size() && chosen < 0; d++) {
                if (x[u][d] != null && solver.booleanValue(x[u][d])) {
                    chosen = d;
                }
            }
            for (int v : units.members(u)) {
                deviceOf[v] = chosen;
            }
        }
        return new Placement(deviceOf, devices.size());
    }
}
