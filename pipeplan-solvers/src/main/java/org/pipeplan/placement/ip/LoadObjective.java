package org.pipeplan.placement.ip;

import com.google.ortools.sat.CpModel;
import com.google.ortools.sat.IntVar;
import com.google.ortools.sat.LinearExpr;
import org.pipeplan.ortools.ModelScale;

/**
 * The objective of the CP-SAT throughput models (the assignment and the pipeline model): the
 * largest load L for max-load, or the largest forward load F plus the largest backward load B for
 * fw+bw. Each model bounds them by its loads; this class makes the variables and the objective.
 */
final class LoadObjective {

    /** L: between the bounds, the lower one less a unit per rounded-down term. */
    final IntVar load;
    /** F, or null for max-load. */
    final IntVar forwardMax;
    /** B, or null for max-load. */
    final IntVar backwardMax;
    private final boolean split;

    /**
     * Creates L, then F and B for fw+bw ({@code split}), in the model.
     *
     * @param terms the terms rounded down in a load (units and transfer groups)
     */
    LoadObjective(CpModel model, ModelScale scale, int terms, double lowerBound, double upperBound, boolean split) {
        this.split = split;
        long low = Math.max(0, scale.down(lowerBound) - terms - 1);
        long high = Double.isFinite(upperBound) ? scale.up(upperBound) + 1 : Long.MAX_VALUE / 4;
        load = model.newIntVar(low, high, "L");
        forwardMax = split ? model.newIntVar(0, high, "F") : null;
        backwardMax = split ? model.newIntVar(0, high, "B") : null;
    }

    /** Whether the objective is fw+bw (forward and backward loads bounded apart). */
    boolean split() {
        return split;
    }

    /** Minimise L, or F + B. */
    void minimize(CpModel model) {
        if (split) {
            model.minimize(LinearExpr.newBuilder().add(forwardMax).add(backwardMax));
        } else {
            model.minimize(load);
        }
    }
}
