package org.pipeplan.placement.evaluate;

import java.util.List;

/**
 * The single-sample latency of a placement.
 *
 * @param latency     time from the start to the last node's completion (infinite when not
 *                    schedulable)
 * @param pieces      number of accelerator pieces (convex subgraphs) the schedule used
 * @param schedulable false when pieces depend on each other in a cycle, so that no piece can
 *                    start first: fine for a pipeline's throughput, fatal for a single sample
 * @param violations  hard constraints the placement breaks (memory, device kinds); empty when feasible
 */
public record LatencyEvaluation(double latency, int pieces, boolean schedulable, List<String> violations) {

    public LatencyEvaluation {
        violations = List.copyOf(violations);
    }

    /** Feasible as a single-sample schedule: no violation, and schedulable. */
    public boolean feasible() {
        return violations.isEmpty() && schedulable;
    }
}
