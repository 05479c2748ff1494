package org.pipeplan.placement;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/** Finds solvers by name among those registered with {@link ServiceLoader}. */
public final class PlacementSolvers {

    private PlacementSolvers() {
    }

    /** Every registered solver, by name, in registration order. */
    public static Map<String, PlacementSolver> all() {
        Map<String, PlacementSolver> byName = new LinkedHashMap<>();
        for (PlacementSolver s : ServiceLoader.load(PlacementSolver.class)) {
            byName.putIfAbsent(s.name(), s);
        }
        return byName;
    }

    public static List<String> names() {
        return new ArrayList<>(all().keySet());
    }

    /** Names of the solvers that minimise an objective. */
    public static List<String> supporting(org.pipeplan.placement.Objective objective) {
        return all().values().stream().filter(s -> s.objectives().contains(objective)).map(PlacementSolver::name).toList();
    }

    /** The solver of this name; the exception lists the known names. */
    public static PlacementSolver byName(String name) {
        PlacementSolver s = all().get(name);
        if (s == null) {
            throw new IllegalArgumentException("unknown solver '" + name + "'; known solvers: " + String.join(", ", names()));
        }
        return s;
    }
}
