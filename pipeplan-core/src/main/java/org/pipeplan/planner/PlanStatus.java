package org.pipeplan.planner;

/** What a planner of any family can say about the plan it returns. */
public enum PlanStatus {
    /** Proven optimal within the solver's plan space (its lower bound equals the objective). */
    OPTIMAL,
    /** A valid plan without a proof of optimality; see the lower bound and gap. */
    FEASIBLE,
    /** The plan breaks a hard constraint (memory, unsupported operator): no feasible plan was found. */
    INFEASIBLE
}
