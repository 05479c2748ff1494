package org.pipeplan.ortools;

import com.google.ortools.linearsolver.MPSolver;
import com.google.ortools.sat.CpSolverStatus;

/**
 * What a search engine of OR-Tools said when it stopped, in one vocabulary for CP-SAT and SCIP
 * (through MPSolver).
 */
public enum EngineStatus {
    /** The engine proved its best solution optimal. */
    OPTIMAL,
    /** It has a solution, without a proof. */
    FEASIBLE,
    /** It proved that no solution exists (below the cutoff it was given, for our models). */
    INFEASIBLE,
    /** It stopped (time limit, interrupt) before finding a solution or a proof. */
    UNKNOWN,
    /** The model was rejected. */
    MODEL_INVALID,
    /** SCIP: the objective is unbounded. */
    UNBOUNDED,
    /** SCIP: the solve failed. */
    ABNORMAL,
    /** SCIP: it did not run. */
    NOT_SOLVED;

    public static EngineStatus of(CpSolverStatus status) {
        return switch (status) {
            case OPTIMAL -> OPTIMAL;
            case FEASIBLE -> FEASIBLE;
            case INFEASIBLE -> INFEASIBLE;
            case MODEL_INVALID -> MODEL_INVALID;
            default -> UNKNOWN;
        };
    }

    public static EngineStatus of(MPSolver.ResultStatus status) {
        return switch (status) {
            case OPTIMAL -> OPTIMAL;
            case FEASIBLE -> FEASIBLE;
            case INFEASIBLE -> INFEASIBLE;
            case UNBOUNDED -> UNBOUNDED;
            case ABNORMAL -> ABNORMAL;
            case MODEL_INVALID -> MODEL_INVALID;
            default -> NOT_SOLVED;
        };
    }

    /** The search is settled: optimal, or nothing better exists below the cutoff. */
    public boolean settled() {
        return this == OPTIMAL || this == INFEASIBLE;
    }

    /** A solution can be read from the engine. */
    public boolean hasSolution() {
        return this == OPTIMAL || this == FEASIBLE;
    }
}
