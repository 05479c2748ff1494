package org.pipeplan.placement.ip;

import com.google.ortools.linearsolver.MPConstraint;
import com.google.ortools.linearsolver.MPObjective;
import com.google.ortools.linearsolver.MPSolver;
import com.google.ortools.linearsolver.MPVariable;
import java.util.ArrayList;
import java.util.List;
import org.pipeplan.device.Device;
import org.pipeplan.graph.PlacementProblem;
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
    record Result(Placement placement, double bound, String status) {
    }

    /** Environment variable with extra SCIP parameters (SCIP's "NAME = VALUE" lines), for tuning. */
    static final String PARAMETERS_VARIABLE = "PIPEPLAN_SCIP_PARAMS";

    private final MPSolver solver;
    private final UnitGraph units;
    private final List<Device> devices;
    private final MPVariable[][] x;

    ScipAssignmentModel(PlacementProblem problem, UnitGraph units, Objective objective, double lowerBound,
                        double upperBound) {
        this.units = units;
        this.devices = problem.devices().all();
        this.solver = MPSolver.createSolver("SCIP");
        if (solver == null) {
            throw new IllegalStateException("OR-Tools was built without SCIP");
        }
        applyParameters(solver);
        int n = units.size();
        int d = devices.size();
        double[] memory = units.memoryBytes();
        int[] rank = SymmetryRelabel.ranks(devices);
        x = new MPVariable[n][d];
        boolean[][] runs = new boolean[d][];
        for (Device dev : devices) {
            runs[dev.index()] = units.runsOn(dev.kind());
        }
        for (int u = 0; u < n; u++) {
            MPConstraint one = solver.makeConstraint(1, 1);
            for (Device dev : devices) {
                if (runs[dev.index()][u] && memory[u] <= dev.memoryLimit() && rank[dev.index()] <= u) {
                    x[u][dev.index()] = solver.makeBoolVar("x_" + u + "_" + dev.index());
                    one.setCoefficient(x[u][dev.index()], 1);
                }
            }
        }
        for (Device dev : devices) {
            if (dev.isAccelerator() && Double.isFinite(dev.memoryLimit())) {
                MPConstraint used = solver.makeConstraint(-MPSolver.infinity(), dev.memoryLimit());
                for (int u = 0; u < n; u++) {
                    if (x[u][dev.index()] != null) {
                        used.setCoefficient(x[u][dev.index()], memory[u]);
                    }
                }
            }
        }
        boolean split = objective == Objective.MAX_FORWARD_PLUS_MAX_BACKWARD;
        double high = Double.isFinite(upperBound) ? upperBound * (1 + 1e-9) : MPSolver.infinity();
        MPVariable load = solver.makeNumVar(split ? 0 : lowerBound * (1 - 1e-9), high, "L");
        MPVariable forwardMax = split ? solver.makeNumVar(0, high, "F") : null;
        MPVariable backwardMax = split ? solver.makeNumVar(0, high, "B") : null;
        List<TransferGroups.Group> groups = TransferGroups.of(units);
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
            for (int u = 0; u < n; u++) {
                if (x[u][di] != null) {
                    forward.setCoefficient(x[u][di], split ? fw[u] : fw[u] + bw[u]);
                    if (split) {
                        backward.setCoefficient(x[u][di], bw[u]);
                    }
                }
            }
            if (!dev.isAccelerator()) {
                continue;
            }
            for (TransferGroups.Group group : groups) {
                MPConstraint phase = group.backward() ? backward : forward;
                MPVariable here = x[group.source()][di];
                if (here != null) {
                    MPVariable out = solver.makeNumVar(0, 1, "out");
                    phase.setCoefficient(out, group.cost(dev.kind()));
                    for (int w : group.consumers()) {
                        MPConstraint c = solver.makeConstraint(-MPSolver.infinity(), 0);
                        c.setCoefficient(here, 1);
                        c.setCoefficient(out, -1);
                        if (x[w][di] != null) {
                            c.setCoefficient(x[w][di], -1);
                        }
                    }
                }
                MPVariable in = null;
                for (int w : group.consumers()) {
                    if (x[w][di] == null) {
                        continue;
                    }
                    if (in == null) {
                        in = solver.makeNumVar(0, 1, "in");
                        phase.setCoefficient(in, group.cost(dev.kind()));
                    }
                    MPConstraint c = solver.makeConstraint(-MPSolver.infinity(), 0);
                    c.setCoefficient(x[w][di], 1);
                    c.setCoefficient(in, -1);
                    if (here != null) {
                        c.setCoefficient(here, -1);
                    }
                }
            }
        }
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
        return new Result(placement, bound, status.name());
    }

}
