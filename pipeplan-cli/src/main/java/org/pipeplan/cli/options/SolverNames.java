package org.pipeplan.cli.options;

import java.util.Iterator;
import org.pipeplan.placement.PlacementSolvers;

/** The names of the registered placement solvers, for --help. */
public final class SolverNames implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
        return PlacementSolvers.names().iterator();
    }
}
