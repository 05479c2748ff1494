package org.pipeplan.placement.ideal;

import org.pipeplan.units.ContractionOptions;

/** The provably optimal contiguous split: DP over all ideals of the forward graph. */
public final class ExactDpSolver extends IdealDpSolver {

    public ExactDpSolver() {
        super(ContractionOptions.exact(), false);
    }

    @Override
    public String name() {
        return "dp";
    }

    @Override
    public String description() {
        return "exact DP over ideals: the optimal contiguous split";
    }
}
