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
        int devices = p.devices().size();
        everyMap(g.colocationGroupCount(), devices, groupDevice -> {
            int[] deviceOf = new int[g.size()];
            for (int v = 0; v < g.size(); v++) {
                deviceOf[v] = groupDevice[g.colocationGroup(v)];
            }
            visit.accept(new Placement(deviceOf, devices));
        });
    }

    /**
     * Visits every map of {@code n} items to the values 0..k-1 (k^n of them), as an array indexed
     * by item; the array is reused from one visit to the next.
     */
    public static void everyMap(int n, int k, Consumer<int[]> visit) {
        int[] valueOf = new int[n];
        long maps = (long) Math.pow(k, n);
        for (long code = 0; code < maps; code++) {
            long c = code;
            for (int i = 0; i < n; i++) {
                valueOf[i] = (int) (c % k);
                c /= k;
            }
            visit.accept(valueOf);
        }
    }
}
