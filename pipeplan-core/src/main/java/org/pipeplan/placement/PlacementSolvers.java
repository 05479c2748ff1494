package org.pipeplan.placement;

import java.util.List;
import java.util.Map;
import org.pipeplan.planner.PlannerRegistry;

/** The placement solvers registered with {@link java.util.ServiceLoader}, by name. */
public final class PlacementSolvers {

    private static final PlannerRegistry<PlacementSolver> REGISTRY = new PlannerRegistry<>(PlacementSolver.class, "solver");

    private PlacementSolvers() {
    }

    /** Every registered solver, by name, in registration order. */
    public static Map<String, PlacementSolver> all() {
        return REGISTRY.all();
    }

    public static List<String> names() {
        return REGISTRY.names();
    }

    /** Names of the solvers that minimise an objective. */
    public static List<String> supporting(Objective objective) {
        return all().values().stream().filter(s -> s.objectives().contains(objective)).map(PlacementSolver::name).toList();
    }

    /** Whether a solver of this name is registered. */
    public static boolean contains(String name) {
        return REGISTRY.find(name).isPresent();
    }

    /** The solver of this name; the exception lists the known names. */
    public static PlacementSolver byName(String name) {
        return REGISTRY.byName(name);
    }
}
