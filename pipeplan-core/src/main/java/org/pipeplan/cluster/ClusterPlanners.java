package org.pipeplan.cluster;

import java.util.List;
import java.util.Map;
import org.pipeplan.planner.PlannerRegistry;

/** The cluster planners registered with {@link java.util.ServiceLoader}, by name. */
public final class ClusterPlanners {

    private static final PlannerRegistry<ClusterPlanner> REGISTRY = new PlannerRegistry<>(ClusterPlanner.class,
            "cluster planner");

    private ClusterPlanners() {
    }

    /** Every registered planner, by name, in registration order. */
    public static Map<String, ClusterPlanner> all() {
        return REGISTRY.all();
    }

    public static List<String> names() {
        return REGISTRY.names();
    }

    /** Whether a planner of this name is registered. */
    public static boolean contains(String name) {
        return REGISTRY.find(name).isPresent();
    }

    /** The planner of this name; the exception lists the known names. */
    public static ClusterPlanner byName(String name) {
        return REGISTRY.byName(name);
    }
}
