package org.pipeplan.solver.ip;

import org.pipeplan.graph.DeviceKind;
import org.pipeplan.graph.OperatorGraph;
import org.pipeplan.solver.ideal.UnitGraph;

/** Per-unit compute time of the forward and backward members on a device kind. */
final class UnitCosts {

    private UnitCosts() {
    }

    /** Compute time of each unit's forward (backward = false) or backward members on a kind. */
    static double[] phase(UnitGraph units, DeviceKind kind, boolean backward) {
        OperatorGraph g = units.graph();
        double[] t = new double[units.size()];
        for (int u = 0; u < t.length; u++) {
            for (int v : units.members(u)) {
                double x = g.operator(v).computeTime(kind);
                if (g.operator(v).isBackward() == backward && !Double.isNaN(x)) {
                    t[u] += x;
                }
            }
        }
        return t;
    }
}
