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
    private final BoolVar[][] y;
    private final BoolVar[] isAccelerator;
    private final int deviceCount;

    PipelineModel(PlacementProblem problem, UnitGraph units, Objective objective, ModelScale scale,
                  double lowerBound, double upperBound) {
        this.units = units;
        this.deviceCount = problem.devices().size();
        this.accelerators = problem.devices().all().stream().filter(Device::isAccelerator).toList();
        this.cpus = problem.devices().all().stream().filter(d -> !d.isAccelerator()).toList();
        DeviceKind accKind = accelerators.isEmpty() ? DeviceKind.ACCELERATOR : accelerators.get(0).kind();
        DeviceKind cpuKind = cpus.isEmpty() ? DeviceKind.CPU : cpus.get(0).kind();
        double memoryLimit = accelerators.isEmpty() ? Double.POSITIVE_INFINITY : accelerators.get(0).memoryLimit();
        int n = units.size();
        positions = accelerators.size() + cpus.size();
        boolean[] accOk = units.runsOn(accKind);
        double[] memory = units.memoryBytes();

        isAccelerator = new BoolVar[positions];
        List<Literal> accPositions = new ArrayList<>();
        List<Literal> cpuPositions = new ArrayList<>();
        for (int p = 0; p < positions; p++) {
            isAccelerator[p] = model.newBoolVar("acc_" + p);
            accPositions.add(isAccelerator[p]);
            cpuPositions.add(isAccelerator[p].not());
        }
        model.addEquality(LinearExpr.sum(accPositions.toArray(Literal[]::new)), accelerators.size());

        y = new BoolVar[n][positions];
        IntVar[] position = new IntVar[n];
        BoolVar[] used = new BoolVar[positions];
        for (int p = 0; p < positions; p++) {
            used[p] = model.newBoolVar("used_" + p);
        }
        for (int u = 0; u < n; u++) {
            LinearExprBuilder where = LinearExpr.newBuilder();
            for (int p = 0; p < positions; p++) {
                y[u][p] = model.newBoolVar("y_" + u + "_" + p);
                where.addTerm(y[u][p], p);
                model.addImplication(y[u][p], used[p]);
                if (!accOk[u] || memory[u] > memoryLimit) {
                    model.addImplication(y[u][p], isAccelerator[p].not());
                }
            }
            model.addExactlyOne(y[u]);
            position[u] = model.newIntVar(0, positions - 1, "pos_" + u);
            model.addEquality(position[u], where);
        }
        for (int p = 0; p < positions; p++) {
            List<Literal> here = new ArrayList<>();
            for (int u = 0; u < n; u++) {
                here.add(y[u][p]);
            }
            here.add(used[p].not());
            model.addBoolOr(here); // used[p] implies some unit is there
            if (p + 1 < positions) {
                model.addImplication(used[p + 1], used[p]);
            }
        }
        for (int u = 0; u < n; u++) {
            for (int w : units.successors(u)) {
                model.addLessOrEqual(position[u], position[w]);
            }
        }

        List<TransferGroups.Group> groups = TransferGroups.of(units);
        boolean split = objective == Objective.MAX_FORWARD_PLUS_MAX_BACKWARD;
        int terms = n + 2 * groups.size();
        long low = Math.max(0, scale.down(lowerBound) - terms - 1);
        long high = Double.isFinite(upperBound) ? scale.up(upperBound) + 1 : Long.MAX_VALUE / 4;
        IntVar load = model.newIntVar(low, high, "L");
        IntVar forwardMax = split ? model.newIntVar(0, high, "F") : null;
        IntVar backwardMax = split ? model.newIntVar(0, high, "B") : null;
        double[] accFw = UnitCosts.phase(units, accKind, false);
        double[] accBw = UnitCosts.phase(units, accKind, true);
        double[] cpuFw = UnitCosts.phase(units, cpuKind, false);
        double[] cpuBw = UnitCosts.phase(units, cpuKind, true);
        for (int p = 0; p < positions; p++) {
            LinearExprBuilder accForward = LinearExpr.newBuilder();
            LinearExprBuilder accBackward = LinearExpr.newBuilder();
            LinearExprBuilder cpuForward = LinearExpr.newBuilder();
            LinearExprBuilder cpuBackward = LinearExpr.newBuilder();
            LinearExprBuilder mem = LinearExpr.newBuilder();
            for (int u = 0; u < n; u++) {
                accForward.addTerm(y[u][p], scale.down(accFw[u]));
                accBackward.addTerm(y[u][p], scale.down(accBw[u]));
                cpuForward.addTerm(y[u][p], scale.down(cpuFw[u]));
                cpuBackward.addTerm(y[u][p], scale.down(cpuBw[u]));
                mem.addTerm(y[u][p], (long) Math.ceil(memory[u]));
            }
            if (Double.isFinite(memoryLimit)) {
                model.addLessOrEqual(mem, (long) Math.floor(memoryLimit)).onlyEnforceIf(isAccelerator[p]);
            }
            for (int gi = 0; gi < groups.size(); gi++) {
                TransferGroups.Group group = groups.get(gi);
                long cost = scale.down(group.cost(accKind));
                BoolVar out = model.newBoolVar("out_" + gi + "_" + p);
                BoolVar in = model.newBoolVar("in_" + gi + "_" + p);
                for (int w : group.consumers()) {
                    model.addBoolOr(new Literal[] {y[group.source()][p].not(), y[w][p], out});
                    model.addBoolOr(new Literal[] {y[w][p].not(), y[group.source()][p], in});
                }
                LinearExprBuilder phase = group.backward() ? accBackward : accForward;
                phase.addTerm(out, cost).addTerm(in, cost);
            }
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
        if (split) {
            model.minimize(LinearExpr.newBuilder().add(forwardMax).add(backwardMax));
        } else {
            model.minimize(load);
        }
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
