package org.pipeplan.solver.ideal;

/**
 * Which contractions to apply before the DP, beyond the mandatory ones (colocation classes,
 * artificial forward nodes for orphaned backward classes, fusion of forward cycles).
 *
 * @param fuseLayers      colocate operators that share a layerId (dp.exe -contractLayers)
 * @param pipeDreamFusion fuse biconnected components as the PipeDream-style baseline does
 * @param trivialMerges   merge zero-cost classes that touch a single other class into it
 */
public record ContractionOptions(boolean fuseLayers, boolean pipeDreamFusion, boolean trivialMerges) {

    /** What the exact DP does by default. */
    public static ContractionOptions exact() {
        return new ContractionOptions(false, false, true);
    }

    /** The PipeDream-style baseline's contraction. */
    public static ContractionOptions pipeDream() {
        return new ContractionOptions(false, true, true);
    }
}
