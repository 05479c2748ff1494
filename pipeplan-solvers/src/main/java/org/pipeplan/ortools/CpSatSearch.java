package org.pipeplan.ortools;

import com.google.ortools.sat.CpModel;
import com.google.ortools.sat.CpSolver;
import com.google.ortools.sat.CpSolverStatus;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pipeplan.planner.Deadline;
import org.pipeplan.planner.RunSettings;

/**
 * Runs CP-SAT on a model within a deadline and on a number of workers, shows the incumbent and
 * the bound as they improve (parsed from the search log), and stops early when the stop signal is
 * raised (Ctrl-C); the solver then still holds the best solution found.
 */
public final class CpSatSearch {

    /** "#Bound 1.23s best:456 next:[400,455] ..." and "#12 2.5s best:456 next:[400,455] ...". */
    private static final Pattern PROGRESS = Pattern.compile("^#(\\w+)\\s+([0-9.]+)s\\s+best:(\\S+)\\s+next:\\[(\\S*?)[,\\]]");

    /** What the search ended with, in model units. */
    public record Result(CpSolver solver, CpSolverStatus status, double objective, double bound, double seconds) {
        public boolean hasSolution() {
            return status == CpSolverStatus.OPTIMAL || status == CpSolverStatus.FEASIBLE;
        }
    }

    /** Environment variable with extra CP-SAT parameters in protobuf text format, for tuning. */
    static final String PARAMETERS_VARIABLE = "PIPEPLAN_CPSAT_PARAMS";

    private CpSatSearch() {
    }

    /** Checks {@value #PARAMETERS_VARIABLE} before any work: a one-line error for what CP-SAT does not know. */
    public static void checkParameters() {
        applyExtraParameters(com.google.ortools.sat.SatParameters.newBuilder());
    }

    private static void applyExtraParameters(com.google.ortools.sat.SatParameters.Builder parameters) {
        String extra = System.getenv(PARAMETERS_VARIABLE);
        if (extra != null && !extra.isBlank()) {
            try {
                com.google.protobuf.TextFormat.merge(extra, parameters);
            } catch (com.google.protobuf.TextFormat.ParseException e) {
                throw new IllegalArgumentException(PARAMETERS_VARIABLE + ": not CP-SAT parameters: " + e.getMessage());
            }
        }
    }

    /**
     * Searches until the deadline passes or its stop signal is raised.
     *
     * @param workers CP-SAT worker threads
     */
    public static Result run(CpModel model, RunSettings run, Deadline deadline, int workers, String phase,
                      ModelScale scale) {
        CpSolver solver = new CpSolver();
        double limit = deadline.remainingSeconds();
        solver.getParameters()
                .setNumWorkers(workers)
                .setRandomSeed((int) run.seed())
                .setLogSearchProgress(true)
                .setLogToStdout(false)
                .setCatchSigintSignal(false) // Ctrl-C is handled by the caller through the stop signal
                // CP-SAT 9.15's inclusion presolve (ProcessAtMostOneAndLinear) can remove feasible
                // solutions: it declared resnet50_training's pipeline model INFEASIBLE although its
                // own hint satisfies it (or-tools issue 5293). Switching that step off keeps proofs sound.
                .setPresolveInclusionWorkLimit(0);
        if (Double.isFinite(limit)) {
            solver.getParameters().setMaxTimeInSeconds(Math.max(0.01, limit));
        }
        applyExtraParameters(solver.getParameters());
        long start = System.nanoTime();
        double budget = Double.isFinite(limit) ? limit : -1;
        run.progress().begin(phase, budget > 0 ? (long) Math.ceil(budget) : -1);
        solver.setLogCallback(line -> report(line, run, scale, start));
        CpSolverStatus status;
        // the deadline's stop also covers presolve of a large model, where CP-SAT checks its own limit too seldom
        try (StopWatchdog watchdog = new StopWatchdog("pipeplan-cp-sat-stop", deadline::expired, solver::stopSearch)) {
            status = solver.solve(model);
        } finally {
            run.progress().end();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        boolean found = status == CpSolverStatus.OPTIMAL || status == CpSolverStatus.FEASIBLE;
        return new Result(solver, status, found ? solver.objectiveValue() : Double.NaN, solver.bestObjectiveBound(),
                seconds);
    }

    private static void report(String line, RunSettings run, ModelScale scale, long start) {
        Matcher m = PROGRESS.matcher(line);
        if (!m.find()) {
            return;
        }
        run.progress().advance((long) ((System.nanoTime() - start) / 1e9));
        String best = m.group(3);
        String next = m.group(4);
        StringBuilder sb = new StringBuilder();
        sb.append("incumbent ").append(best.equals("inf") ? "none" : format(scale, best));
        if (!next.isEmpty()) {
            sb.append("  bound ").append(format(scale, next));
        }
        run.progress().message(sb.toString());
    }

    private static String format(ModelScale scale, String units) {
        try {
            return String.format("%.6g", scale.time(Double.parseDouble(units)));
        } catch (NumberFormatException e) {
            return units;
        }
    }
}
