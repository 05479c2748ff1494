package org.pipeplan.placement.ip;

import com.google.ortools.linearsolver.MPConstraint;
import com.google.ortools.linearsolver.MPObjective;
import com.google.ortools.linearsolver.MPSolver;
import com.google.ortools.linearsolver.MPVariable;
import java.util.ArrayList;
import java.util.List;
import org.pipeplan.device.Device;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.ortools.EngineStatus;
import org.pipeplan.ortools.StopWatchdog;
import org.pipeplan.placement.Objective;
import org.pipeplan.placement.Placement;
import org.pipeplan.planner.StopSignal;
import org.pipeplan.units.SymmetryRelabel;
import org.pipeplan.units.TransferGroups;
import org.pipeplan.units.UnitCosts;
import org.pipeplan.units.UnitGraph;

/**
 * The same program as {@link AssignmentModel}, as a mixed-integer program for SCIP. SCIP's cuts
 * and restarts often prove better bounds on these models than CP-SAT's LP, so the IP solver runs
 * both side by side. Times stay in doubles here.
 */
final class ScipAssignmentModel {

    /** What SCIP ended with. */
    record Result(Placement placement, double bound, EngineStatus status) {
    }

    /** Environment variable with extra SCIP parameters (SCIP's "NAME = VALUE" lines), for tuning. */
    static final String PARAMETERS_VARIABLE = "PIPEPLAN_SCIP_PARAMS";

    private final MPSolver solver;
    private final UnitGraph units;
    private final List<Device> devices;
    private final List<TransferGroups.Group> groups;
    private final double[] memory;
    private final boolean split;

    // the variables, in the order the create* steps make them
    /** x[u][d], null where unit u may not go on device d. */
    private MPVariable[][] x;
    private MPVariable load;
    private MPVariable forwardMax;
    private MPVariable backwardMax;
    /** out[d][g], in[d][g]: group g's tensor leaves, enters accelerator d; null where it cannot. */
    private MPVariable[][] out;
    private MPVariable[][] in;

    ScipAssignmentModel(PlacementProblem problem, UnitGraph units, Objective objective, double lowerBound,
                        double upperBound) {
        this.units = units;
        this.devices = problem.devices().all();
        this.solver = MPSolver.createSolver("SCIP");
        if (solver == null) {
            throw new IllegalStateException("OR-Tools was built without SCIP");
        }
        applyParameters(solver);
        this.groups = TransferGroups.of(units);
        this.memory = units.memoryBytes();
        this.split = objective == Objective.MAX_FORWARD_PLUS_MAX_BACKWARD;

        // the steps' order is the order of the variables and constraints, which SCIP's search depends on
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
        int[] rank = SymmetryRelabel.ranks(devices);
        x = new MPVariable[units.size()][devices.size()];
        boolean[][] runs = new boolean[devices.size()][];
        for (Device dev : devices) {
            runs[dev.index()] = units.runsOn(dev.kind());
        }
        for (int u = 0; u < units.size(); u++) {
            for (Device dev : devices) {
                if (runs[dev.index()][u] && memory[u] <= dev.memoryLimit() && rank[dev.index()] <= u) {
                    x[u][dev.index()] = solver.makeBoolVar("x_" + u + "_" + dev.index());
                }
            }
        }
    }

    /**
     * The loads to minimise: L between the bounds (widened by a relative 1e-9), and for fw+bw the
     * forward and backward maxima F and B.
     */
    private void createLoadVariables(double lowerBound, double upperBound) {
        double high = Double.isFinite(upperBound) ? upperBound * (1 + 1e-9) : MPSolver.infinity();
        load = solver.makeNumVar(split ? 0 : lowerBound * (1 - 1e-9), high, "L");
        forwardMax = split ? solver.makeNumVar(0, high, "F") : null;
        backwardMax = split ? solver.makeNumVar(0, high, "B") : null;
    }

    /**
     * out and in of every transfer group on every accelerator, where they can be 1: out where the
     * producers may be on it, in where a consumer may. Continuous in [0, 1]: once x is integral,
     * their rows bound them below by 0 or 1.
     */
    private void createTransferVariables() {
        out = new MPVariable[devices.size()][groups.size()];
        in = new MPVariable[devices.size()][groups.size()];
        for (Device dev : devices) {
            if (!dev.isAccelerator()) {
                continue;
            }
            int di = dev.index();
            for (int gi = 0; gi < groups.size(); gi++) {
                TransferGroups.Group group = groups.get(gi);
                if (x[group.source()][di] != null) {
                    out[di][gi] = solver.makeNumVar(0, 1, "out");
                }
                boolean consumerMayBeHere = false;
                for (int w : group.consumers()) {
                    consumerMayBeHere |= x[w][di] != null;
                }
                if (consumerMayBeHere) {
                    in[di][gi] = solver.makeNumVar(0, 1, "in");
                }
            }
        }
    }

    /** Every unit on exactly one of its allowed devices. */
    private void addOneDevicePerUnit() {
        for (int u = 0; u < units.size(); u++) {
            MPConstraint one = solver.makeConstraint(1, 1);
            for (Device dev : devices) {
                if (x[u][dev.index()] != null) {
                    one.setCoefficient(x[u][dev.index()], 1);
                }
            }
        }
    }

    /** Every accelerator with a finite memory holds at most that memory. */
    private void addMemoryLimits() {
        for (Device dev : devices) {
            if (dev.isAccelerator() && Double.isFinite(dev.memoryLimit())) {
                MPConstraint used = solver.makeConstraint(-MPSolver.infinity(), dev.memoryLimit());
                for (int u = 0; u < units.size(); u++) {
                    if (x[u][dev.index()] != null) {
                        used.setCoefficient(x[u][dev.index()], memory[u]);
                    }
                }
            }
        }
    }

    /**
     * Device by device (the rows stay in that order): the device's compute plus transfers at most
     * L, or its forward and backward loads at most F and B, then an accelerator's transfer rows.
     */
    private void addDeviceLoads() {
        for (Device dev : devices) {
            int di = dev.index();
            MPConstraint forward = solver.makeConstraint(-MPSolver.infinity(), 0);
            MPConstraint backward = split ? solver.makeConstraint(-MPSolver.infinity(), 0) : forward;
            forward.setCoefficient(split ? forwardMax : load, -1);
            if (split) {
                backward.setCoefficient(backwardMax, -1);
            }
            double[] fw = UnitCosts.phase(units, dev.kind(), false);
            double[] bw = UnitCosts.phase(units, dev.kind(), true);
            for (int u = 0; u < units.size(); u++) {
                if (x[u][di] != null) {
                    forward.setCoefficient(x[u][di], split ? fw[u] : fw[u] + bw[u]);
                    if (split) {
                        backward.setCoefficient(x[u][di], bw[u]);
                    }
                }
            }
            if (dev.isAccelerator()) {
                addTransfers(dev, forward, backward);
            }
        }
    }

    /**
     * On accelerator dev: out >= 1 when a group's producers are on it and a consumer is not, in
     * >= 1 when a consumer is on it and the producers are not; both cost the group's transfer in
     * the load row of the producers' phase.
     */
    private void addTransfers(Device dev, MPConstraint forward, MPConstraint backward) {
        int di = dev.index();
        for (int gi = 0; gi < groups.size(); gi++) {
            TransferGroups.Group group = groups.get(gi);
            MPConstraint phase = group.backward() ? backward : forward;
            MPVariable here = x[group.source()][di];
            MPVariable sent = out[di][gi];
            if (sent != null) {
                phase.setCoefficient(sent, group.cost(dev.kind()));
                for (int w : group.consumers()) {
                    MPConstraint c = solver.makeConstraint(-MPSolver.infinity(), 0);
                    c.setCoefficient(here, 1);
                    c.setCoefficient(sent, -1);
                    if (x[w][di] != null) {
                        c.setCoefficient(x[w][di], -1);
                    }
                }
            }
            MPVariable received = in[di][gi];
            if (received != null) {
                phase.setCoefficient(received, group.cost(dev.kind()));
                for (int w : group.consumers()) {
                    if (x[w][di] == null) {
                        continue;
                    }
                    MPConstraint c = solver.makeConstraint(-MPSolver.infinity(), 0);
                    c.setCoefficient(x[w][di], 1);
                    c.setCoefficient(received, -1);
                    if (here != null) {
                        c.setCoefficient(here, -1);
                    }
                }
            }
        }
    }

    /** Minimise L, or F + B. */
    private void setObjective() {
        MPObjective goal = solver.objective();
        if (split) {
            goal.setCoefficient(forwardMax, 1);
            goal.setCoefficient(backwardMax, 1);
        } else {
            goal.setCoefficient(load, 1);
        }
        goal.setMinimization();
    }

    /** Checks the tuning parameters of {@link #PARAMETERS_VARIABLE} before a search relies on SCIP. */
    static void checkParameters() {
        MPSolver probe = MPSolver.createSolver("SCIP");
        if (probe != null) {
            try {
                applyParameters(probe);
            } finally {
                probe.delete();
            }
        }
    }

    /** SCIP would take Ctrl-C for itself (the caller handles it through the stop signal); then the user's tuning. */
    private static void applyParameters(MPSolver solver) {
        String extra = System.getenv(PARAMETERS_VARIABLE);
        String parameters = "misc/catchctrlc = FALSE" + (extra == null || extra.isBlank() ? "" : "\n" + extra);
        if (!solver.setSolverSpecificParametersAsString(parameters)) {
            throw new IllegalArgumentException(PARAMETERS_VARIABLE + ": not SCIP parameters (NAME = VALUE, one per line): "
                    + String.valueOf(extra).replace('\n', ';'));
        }
    }

    /** Hints a placement (its unit devices; SCIP repairs or drops it if needed). */
    void hint(Placement placement) {
        List<MPVariable> vars = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        int[] device = new int[units.size()];
        for (int u = 0; u < units.size(); u++) {
            device[u] = placement.deviceOf(units.members(u)[0]);
        }
        device = SymmetryRelabel.canonical(device, devices);
        for (int u = 0; u < units.size(); u++) {
            for (int d = 0; d < devices.size(); d++) {
                if (x[u][d] != null) {
                    vars.add(x[u][d]);
                    values.add(device[u] == d ? 1.0 : 0.0);
                }
            }
        }
        solver.setHint(vars.toArray(MPVariable[]::new), values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /**
     * Solves within the time, or until the stop signal is raised; returns the best placement found
     * (or null) and the proven bound.
     */
    Result solve(double seconds, StopSignal stop) {
        solver.setTimeLimit(Math.max(1, (long) (seconds * 1000)));
        MPSolver.ResultStatus status;
        try (StopWatchdog watchdog = new StopWatchdog("pipeplan-scip-stop", stop::isRequested, solver::interruptSolve)) {
            status = solver.solve();
        }
        boolean found = status == MPSolver.ResultStatus.OPTIMAL || status == MPSolver.ResultStatus.FEASIBLE;
        Placement placement = null;
        if (found) {
            int[] deviceOf = new int[units.graph().size()];
            for (int u = 0; u < units.size(); u++) {
                for (int d = 0; d < devices.size(); d++) {
                    if (x[u][d] != null && x[u][d].solutionValue() > 0.5) {
                        for (int v : units.members(u)) {
                            deviceOf[v] = d;
                        }
                    }
                }
            }
            placement = new Placement(deviceOf, devices.size());
        }
        double bound = status == MPSolver.ResultStatus.INFEASIBLE ? Double.POSITIVE_INFINITY
                : solver.objective().bestBound();
        return new Result(placement, bound, EngineStatus.of(status));
    }

}
