package org.pipeplan.placement.ideal;

import org.pipeplan.units.ContractionOptions;

/**
 * The PipeDream-style baseline: fuse biconnected components, linearise, then split the chain
 * optimally (dp.exe -pipeDream).
 */
public final class PipeDreamSolver extends IdealDpSolver {

    public PipeDreamSolver() {
        super(ContractionOptions.pipeDream(), true);
    }

    @Override
    public String name() {
        return "pipedream";
    }

    @Override
    public String description() {
        return "PipeDream-style baseline: fuse biconnected components, linearise, 1-D DP";
    }
}
