package org.pipeplan.placement.ip;

import com.google.ortools.sat.BoolVar;
import com.google.ortools.sat.CpModel;
import com.google.ortools.sat.CpSolver;
import com.google.ortools.sat.IntVar;
import com.google.ortools.sat.LinearExpr;
import com.google.ortools.sat.LinearExprBuilder;
import com.google.ortools.sat.Literal;
import java.util.ArrayList;
import java.util.List;
import org.pipeplan.device.Device;
import org.pipeplan.device.DeviceKind;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.ortools.ModelScale;
import org.pipeplan.placement.Objective;
import org.pipeplan.placement.Placement;
import org.pipeplan.units.TransferGroups;
import org.pipeplan.units.UnitCosts;
import org.pipeplan.units.UnitGraph;

/**
 * The throughput integer program for contiguous splits: the devices form a pipeline of positions
 * 0..P-1, each an accelerator or a CPU core; unit u takes position pos(u), with pos(u) <= pos(w) for
 * every precedence u -> w of the units. The units at or before a position then form an ideal, so
 * every device gets the difference of two nested ideals: the plan space of the DP over ideals
 * (PLACEMENT_MODEL.md section 3), rather than the per-device convexity of ip.py, which admits
 * devices that feed each other.
 *
 * <p>y[u][p] places unit u at position p; isAcc[p] says what position p is. A position's load is
 * its accelerator load (compute and transfers) or its CPU load, whichever its kind. Used positions
 * come first, which removes the freedom of where empty ones go.
 */
final class PipelineModel {

    final CpModel model = new CpModel();
    private final UnitGraph units;
    private final List<Device> accelerators;
    private final List<Device> cpus;
    private final int positions;
    private final int deviceCount;
    private final DeviceKind accKind;
    private final DeviceKind cpuKind;
    private final double memoryLimit;
    private final double[] memory;
    private final List<TransferGroups.Group> groups;
    private final ModelScale scale;
    private final boolean split;

    // the variables, in the order the create* steps make them
    private BoolVar[] isAccelerator;
    private BoolVar[] used;
    private BoolVar[][] y;
    private IntVar[] position;
    private LoadObjective objective;
    private IntVar load;
    private IntVar forwardMax;
    private IntVar backwardMax;
    /** out[p][g], in[p][g]: group g's tensor leaves, enters position p. */
    private BoolVar[][] out;
    private BoolVar[][] in;

    PipelineModel(PlacementProblem problem, UnitGraph units, Objective objective, ModelScale scale,
                  double lowerBound, double upperBound) {
        this.units = units;
        this.deviceCount = problem.devices().size();
        this.accelerators = problem.devices().all().stream().filter(Device::isAccelerator).toList();
        this.cpus = problem.devices().all().stream().filter(d -> !d.isAccelerator()).toList();
        this.accKind = accelerators.isEmpty() ? DeviceKind.ACCELERATOR : accelerators.get(0).kind();
        this.cpuKind = cpus.isEmpty() ? DeviceKind.CPU : cpus.get(0).kind();
        this.memoryLimit = accelerators.isEmpty() ? Double.POSITIVE_INFINITY : accelerators.get(0).memoryLimit();
        this.positions = accelerators.size() + cpus.size();
        this.memory = units.memoryBytes();
        this.groups = TransferGroups.of(units);
        this.scale = scale;
        this.split = objective == Objective.MAX_FORWARD_PLUS_MAX_BACKWARD;

        // the steps' order is the order of the variables and constraints, which CP-SAT's search depends on
        createPositionVariables();
        createPlacementVariables();
        createLoadVariables(lowerBound, upperBound);
        createTransferVariables();
        addAcceleratorCount();
        addOnePositionPerUnit();
        addUsedPositionsFirst();
        addPrecedences();
        addPositionLoads();
        setObjective();
    }

    /** acc_p says whether position p is an accelerator; used_p whether it holds any unit. */
    private void createPositionVariables() {
        isAccelerator = new BoolVar[positions];
        for (int p = 0; p < positions; p++) {
            isAccelerator[p] = model.newBoolVar("acc_" + p);
        }
        used = new BoolVar[positions];
        for (int p = 0; p < positions; p++) {
            used[p] = model.newBoolVar("used_" + p);
        }
    }

    /** y_u_p places unit u at position p; pos_u is u's position as a number, for the precedences. */
    private void createPlacementVariables() {
        y = new BoolVar[units.size()][positions];
        position = new IntVar[units.size()];
        for (int u = 0; u < units.size(); u++) {
            for (int p = 0; p < positions; p++) {
                y[u][p] = model.newBoolVar("y_" + u + "_" + p);
            }
            position[u] = model.newIntVar(0, positions - 1, "pos_" + u);
        }
    }

    /** The loads to minimise: L, and for fw+bw F and B ({@link LoadObjective}). */
    private void createLoadVariables(double lowerBound, double upperBound) {
        objective = new LoadObjective(model, scale, units.size() + 2 * groups.size(), lowerBound, upperBound, split);
        load = objective.load;
        forwardMax = objective.forwardMax;
        backwardMax = objective.backwardMax;
    }

    /** out and in of every transfer group at every position (only an accelerator position pays them). */
    private void createTransferVariables() {
        out = new BoolVar[positions][groups.size()];
        in = new BoolVar[positions][groups.size()];
        for (int p = 0; p < positions; p++) {
            for (int gi = 0; gi < groups.size(); gi++) {
                out[p][gi] = model.newBoolVar("out_" + gi + "_" + p);
                in[p][gi] = model.newBoolVar("in_" + gi + "_" + p);
            }
        }
    }

    /** As many accelerator positions as accelerators; the other positions are the CPU cores. */
    private void addAcceleratorCount() {
        List<Literal> accPositions = new ArrayList<>();
        for (int p = 0; p < positions; p++) {
            accPositions.add(isAccelerator[p]);
        }
        model.addEquality(LinearExpr.sum(accPositions.toArray(Literal[]::new)), accelerators.size());
    }

    /**
     * Every unit at exactly one position, which is then used, and a CPU one where the unit may not
     * run on or does not fit an accelerator; pos_u is that position.
     */
    private void addOnePositionPerUnit() {
        boolean[] accOk = units.runsOn(accKind);
        for (int u = 0; u < units.size(); u++) {
            LinearExprBuilder where = LinearExpr.newBuilder();
            for (int p = 0; p < positions; p++) {
                where.addTerm(y[u][p], p);
                model.addImplication(y[u][p], used[p]);
                if (!accOk[u] || memory[u] > memoryLimit) {
                    model.addImplication(y[u][p], isAccelerator[p].not());
                }
            }
            model.addExactlyOne(y[u]);
            model.addEquality(position[u], where);
        }
    }

    /** A used position holds a unit, and used positions come first: empty ones have no freedom. */
    private void addUsedPositionsFirst() {
        for (int p = 0; p < positions; p++) {
            List<Literal> here = new ArrayList<>();
            for (int u = 0; u < units.size(); u++) {
                here.add(y[u][p]);
            }
            here.add(used[p].not());
            model.addBoolOr(here); // used[p] implies some unit is there
            if (p + 1 < positions) {
                model.addImplication(used[p + 1], used[p]);
            }
        }
    }

    /** pos(u) <= pos(w) along every precedence, so the units up to any position form an ideal. */
    private void addPrecedences() {
        for (int u = 0; u < units.size(); u++) {
            for (int w : units.successors(u)) {
                model.addLessOrEqual(position[u], position[w]);
            }
        }
    }

    /**
     * Position by position (the constraints stay in that order): its memory, its transfers, and its
     * load, counted as an accelerator's or a CPU core's by the position's kind.
     */
    private void addPositionLoads() {
        double[] accFw = UnitCosts.phase(units, accKind, false);
        double[] accBw = UnitCosts.phase(units, accKind, true);
        double[] cpuFw = UnitCosts.phase(units, cpuKind, false);
        double[] cpuBw = UnitCosts.phase(units, cpuKind, true);
        for (int p = 0; p < positions; p++) {
            addMemoryLimit(p);
            LinearExprBuilder accForward = computeLoad(p, accFw);
            LinearExprBuilder accBackward = computeLoad(p, accBw);
            LinearExprBuilder cpuForward = computeLoad(p, cpuFw);
            LinearExprBuilder cpuBackward = computeLoad(p, cpuBw);
            addTransfers(p, accForward, accBackward);
            addLoadLimits(p, accForward, accBackward, cpuForward, cpuBackward);
        }
    }

    /** The scaled compute of the units at position p, with the given per-unit times. */
    private LinearExprBuilder computeLoad(int p, double[] time) {
        LinearExprBuilder sum = LinearExpr.newBuilder();
        for (int u = 0; u < units.size(); u++) {
            sum.addTerm(y[u][p], scale.down(time[u]));
        }
        return sum;
    }

    /** An accelerator position holds at most an accelerator's memory. */
    private void addMemoryLimit(int p) {
        if (!Double.isFinite(memoryLimit)) {
            return;
        }
        LinearExprBuilder mem = LinearExpr.newBuilder();
        for (int u = 0; u < units.size(); u++) {
            mem.addTerm(y[u][p], (long) Math.ceil(memory[u]));
        }
        model.addLessOrEqual(mem, (long) Math.floor(memoryLimit)).onlyEnforceIf(isAccelerator[p]);
    }

    /**
     * out = 1 when a group's producer is at p and a consumer is not, in = 1 when a consumer is at p
     * and the producer is not; both cost the group's transfer in the accelerator load of its phase.
     */
    private void addTransfers(int p, LinearExprBuilder accForward, LinearExprBuilder accBackward) {
        for (int gi = 0; gi < groups.size(); gi++) {
            TransferGroups.Group group = groups.get(gi);
            long cost = scale.down(group.cost(accKind));
            for (int w : group.consumers()) {
                model.addBoolOr(new Literal[] {y[group.source()][p].not(), y[w][p], out[p][gi]});
                model.addBoolOr(new Literal[] {y[w][p].not(), y[group.source()][p], in[p][gi]});
            }
            LinearExprBuilder phase = group.backward() ? accBackward : accForward;
            phase.addTerm(out[p][gi], cost).addTerm(in[p][gi], cost);
        }
    }

    /**
     * The position's load, an accelerator's or a CPU core's by its kind, at most L; for fw+bw its
     * forward and backward loads at most F and B.
     */
    private void addLoadLimits(int p, LinearExprBuilder accForward, LinearExprBuilder accBackward,
                               LinearExprBuilder cpuForward, LinearExprBuilder cpuBackward) {
        if (split) {
            model.addLessOrEqual(accForward, forwardMax).onlyEnforceIf(isAccelerator[p]);
            model.addLessOrEqual(accBackward, backwardMax).onlyEnforceIf(isAccelerator[p]);
            model.addLessOrEqual(cpuForward, forwardMax).onlyEnforceIf(isAccelerator[p].not());
            model.addLessOrEqual(cpuBackward, backwardMax).onlyEnforceIf(isAccelerator[p].not());
        } else {
            model.addLessOrEqual(accForward.add(accBackward.build()), load).onlyEnforceIf(isAccelerator[p]);
            model.addLessOrEqual(cpuForward.add(cpuBackward.build()), load).onlyEnforceIf(isAccelerator[p].not());
        }
    }

    /** Minimise L, or F + B. */
    private void setObjective() {
        objective.minimize(model);
    }

    /**
     * Hints a contiguous placement given with its pipeline order (device indices); the devices
     * outside the order take the remaining positions.
     */
    void hint(Placement placement, List<Integer> pipelineOrder) {
        List<Integer> order = new ArrayList<>(pipelineOrder);
        int accLeft = accelerators.size();
        int cpuLeft = cpus.size();
        List<Boolean> kinds = new ArrayList<>();
        for (int d : order) {
            boolean acc = accelerators.stream().anyMatch(a -> a.index() == d);
            kinds.add(acc);
            if (acc) {
                accLeft--;
            } else {
                cpuLeft--;
            }
        }
        while (kinds.size() < positions) {
            kinds.add(accLeft-- > 0);
        }
        model.clearHints();
        for (int p = 0; p < positions; p++) {
            model.addHint(isAccelerator[p], kinds.get(p));
        }
        for (int u = 0; u < units.size(); u++) {
            int p = order.indexOf(placement.deviceOf(units.members(u)[0]));
            for (int q = 0; q < positions; q++) {
                model.addHint(y[u][q], q == p);
            }
        }
    }

    /** The placement of the solver's best solution, and its pipeline order (device indices). */
    Placement decode(CpSolver solver, List<Integer> orderOut) {
        int[] deviceAt = new int[positions];
        int nextAcc = 0;
        int nextCpu = 0;
        for (int p = 0; p < positions; p++) {
            deviceAt[p] = solver.booleanValue(isAccelerator[p]) ? accelerators.get(nextAcc++).index()
                    : cpus.get(nextCpu++).index();
        }
        int[] deviceOf = new int[units.graph().size()];
        boolean[] used = new boolean[positions];
        for (int u = 0; u < units.size(); u++) {
            for (int p = 0; p < positions; p++) {
                if (solver.booleanValue(y[u][p])) {
                    used[p] = true;
                    for (int v : units.members(u)) {
                        deviceOf[v] = deviceAt[p];
                    }
                }
            }
        }
        for (int p = 0; p < positions; p++) {
            if (used[p]) {
                orderOut.add(deviceAt[p]);
            }
        }
        return new Placement(deviceOf, deviceCount);
    }
}
