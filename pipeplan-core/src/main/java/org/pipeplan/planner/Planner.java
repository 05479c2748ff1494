package org.pipeplan.planner;

/**
 * What every planner of every family has: the name it is found by on the command line, and a line
 * for --help and tables. Each family adds its own solve method ({@code PlacementSolver},
 * {@code ClusterPlanner}, {@code EdgeTpuScheduler}) and is looked up in a {@link PlannerRegistry}.
 */
public interface Planner {

    /** The name used on the command line ("dp", "dqn", "learned"...). */
    String name();

    /** One line for --help and tables. */
    String description();
}
