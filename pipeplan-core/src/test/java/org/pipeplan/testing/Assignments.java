package org.pipeplan.testing;

import java.util.function.Consumer;
import org.pipeplan.graph.OperatorGraph;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.placement.Placement;

/** Exhaustive search for the brute-force tests: every assignment of colocation classes to devices. */
public final class Assignments {

    private Assignments() {
    }

    /** Visits every placement that puts each colocation class, whole, on one device. */
    public static void forEach(PlacementProblem p, Consumer<Placement> visit) {
        OperatorGraph g = p.graph();
        int groups = g.colocationGroupCount();
        int devices = p.devices().size();
        long combinations = (long) Math.pow(devices, groups);
        for (long code = 0; code < combinations; code++) {
            long c = code;
            int[] groupDevice = new int[groups];
            for (int i = 0; i < groups; i++) {
                groupDevice[i] = (int) (c % devices);
                c /= devices;
            }
            int[] deviceOf = new int[g.size()];
            for (int v = 0; v < g.size(); v++) {
                deviceOf[v] = groupDevice[g.colocationGroup(v)];
            }
            visit.accept(new Placement(deviceOf, devices));
        }
    }
}
