package org.pipeplan.cli.options;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.pipeplan.cluster.ClusterPlanners;
import org.pipeplan.edgetpu.EdgeTpuSchedulers;
import org.pipeplan.placement.PlacementSolvers;

/**
 * The names of every registered planner of every family, for the help of {@code plan --solver}:
 * placement solvers first, then cluster planners, then Edge TPU schedulers.
 */
public final class PlannerNames implements Iterable<String> {

    @Override
    public Iterator<String> iterator() {
        return all().iterator();
    }

    public static List<String> all() {
        List<String> names = new ArrayList<>(PlacementSolvers.names());
        names.addAll(ClusterPlanners.names());
        names.addAll(EdgeTpuSchedulers.names());
        return names;
    }

    /** The error for a name no family knows (a usage error, exit 2): every family's names. */
    public static UsageError unknown(String name) {
        return new UsageError("unknown solver '" + name + "' (--solver); known solvers: "
                + String.join(", ", PlacementSolvers.names()) + "; cluster planners: " + String.join(", ", ClusterPlanners.names())
                + "; Edge TPU schedulers: " + String.join(", ", EdgeTpuSchedulers.names()));
    }
}
