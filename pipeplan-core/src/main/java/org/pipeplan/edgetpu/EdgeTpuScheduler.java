package org.pipeplan.edgetpu;

import org.pipeplan.planner.Planner;

/**
 * One way to split a graph over a chain of Edge TPUs. Implementations are stateless and found by
 * name through {@link EdgeTpuSchedulers}; a module adds one with its class name in
 * {@code META-INF/services/org.pipeplan.edgetpu.EdgeTpuScheduler}.
 */
public interface EdgeTpuScheduler extends Planner {

    /** The split the scheduler finds within the options' limits; never null. */
    EdgeTpuPlan solve(EdgeTpuProblem problem, EdgeTpuOptions options);
}
