package org.pipeplan.cluster.training;

import java.util.Locale;

/**
 * The shapes a training search may give a plan (docs/training.md, "Search"): the full 3D space,
 * or one of the two baselines the full space is compared with.
 */
public enum TrainingSpace {
    /** Tensor, pipeline and data parallelism together (Megatron-LM's 3D parallelism). */
    FULL,
    /** A plain pipeline: one GPU per stage, no tensor or data parallelism (t = d = 1). */
    PIPELINE,
    /** Pure data parallelism: every GPU holds the whole model (t = p = 1). */
    DATA;

    /** Whether the degrees are in the space. */
    public boolean admits(int tensor, int pipeline, int data) {
        return switch (this) {
            case FULL -> true;
            case PIPELINE -> tensor == 1 && data == 1;
            case DATA -> tensor == 1 && pipeline == 1;
        };
    }

    /** "3D (tensor, pipeline, data)", "plain pipeline", "pure data parallelism". */
    public String description() {
        return switch (this) {
            case FULL -> "tensor, pipeline and data parallelism";
            case PIPELINE -> "plain pipelines (t = d = 1)";
            case DATA -> "pure data parallelism (t = p = 1)";
        };
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
