package org.pipeplan.cli;

import java.util.Iterator;
import org.pipeplan.solver.Solvers;

/** The names of the registered solvers, for --help. */
final class SolverNames implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
        return Solvers.names().iterator();
    }
}
