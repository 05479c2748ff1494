package org.pipeplan.placement;

import java.util.Set;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.planner.Planner;
import org.pipeplan.planner.UnsupportedProblemException;

/**
 * One placement algorithm. Implementations are stateless and found by name through
 * {@link PlacementSolvers} (and {@link java.util.ServiceLoader}, so other modules can add their own:
 * one class, and its name in {@code META-INF/services/org.pipeplan.placement.PlacementSolver}).
 */
public interface PlacementSolver extends Planner {

    /** The objectives this solver minimises; {@link PlacementOptions#objective()} picks one of them. */
    default Set<Objective> objectives() {
        return Set.of(Objective.MAX_LOAD);
    }

    /**
     * Places the problem's graph on its devices. Returns the best plan found within the options'
     * time limit, with its proven lower bound; never returns null.
     *
     * @throws UnsupportedProblemException when the problem is outside what this solver handles
     */
    Plan solve(PlacementProblem problem, PlacementOptions options);
}
