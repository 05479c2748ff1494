package org.pipeplan.cli;

import java.util.Iterator;
import org.pipeplan.placement.PlacementSolvers;

/** The names of the registered solvers, for --help. */
final class SolverNames implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
        return PlacementSolvers.names().iterator();
    }
}
