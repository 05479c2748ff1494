package org.pipeplan.placement.ideal;

import org.pipeplan.units.ContractionOptions;

/** The best split into consecutive intervals of one topological order (dp.exe -linearize). */
public final class LinearDpSolver extends IdealDpSolver {

    public LinearDpSolver() {
        super(ContractionOptions.exact(), true);
    }

    @Override
    public String name() {
        return "linear";
    }

    @Override
    public String description() {
        return "DP along one topological order (intervals of a fixed linearisation)";
    }
}
