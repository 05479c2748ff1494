package org.pipeplan.units;

/**
 * Which contractions to apply to the colocation classes.
 *
 * @param fuseLayers      colocate operators that share a layerId (dp.exe -contractLayers)
 * @param pipeDreamFusion fuse biconnected components as the PipeDream-style baseline does
 * @param trivialMerges   merge zero-cost classes that touch a single other class into it
 * @param contiguous      prepare for contiguous splits: give classes with only backward operators a
 *                        forward position, and fuse forward parts that reach each other
 */
public record ContractionOptions(boolean fuseLayers, boolean pipeDreamFusion, boolean trivialMerges,
                                 boolean contiguous) {

    /** What the exact DP does by default. */
    public static ContractionOptions exact() {
        return new ContractionOptions(false, false, true, true);
    }

    /** The PipeDream-style baseline's contraction. */
    public static ContractionOptions pipeDream() {
        return new ContractionOptions(false, true, true, true);
    }

    /** Units for splits that need not be contiguous: colocation classes, with the safe merges. */
    public static ContractionOptions nonContiguous() {
        return new ContractionOptions(false, false, true, false);
    }

    /** The colocation classes alone. */
    public static ContractionOptions classesOnly() {
        return new ContractionOptions(false, false, false, false);
    }
}
