package org.pipeplan.cost;

import java.util.List;

/**
 * The single-sample latency of a placement.
 *
 * @param latency    time from the start to the last node's completion (infinite when the pieces
 *                   depend on each other in a cycle)
 * @param pieces     number of accelerator pieces (convex subgraphs) the schedule used
 * @param violations hard constraints the placement breaks; empty when feasible
 */
public record LatencyEvaluation(double latency, int pieces, List<String> violations) {

    public LatencyEvaluation {
        violations = List.copyOf(violations);
    }

    public boolean feasible() {
        return violations.isEmpty();
    }
}
