package org.pipeplan.edgetpu;

import java.util.List;
import java.util.Map;
import org.pipeplan.planner.PlannerRegistry;

/** The Edge TPU schedulers registered with {@link java.util.ServiceLoader}, by name. */
public final class EdgeTpuSchedulers {

    private static final PlannerRegistry<EdgeTpuScheduler> REGISTRY = new PlannerRegistry<>(EdgeTpuScheduler.class,
            "Edge TPU scheduler");

    private EdgeTpuSchedulers() {
    }

    /** Every registered scheduler, by name, in registration order. */
    public static Map<String, EdgeTpuScheduler> all() {
        return REGISTRY.all();
    }

    public static List<String> names() {
        return REGISTRY.names();
    }

    /** Whether a scheduler of this name is registered. */
    public static boolean contains(String name) {
        return REGISTRY.find(name).isPresent();
    }

    /** The scheduler of this name; the exception lists the known names. */
    public static EdgeTpuScheduler byName(String name) {
        return REGISTRY.byName(name);
    }
}
