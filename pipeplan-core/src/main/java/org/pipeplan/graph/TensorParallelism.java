package org.pipeplan.graph;

/**
 * How an operator's work divides among the GPUs of a tensor-parallel group, where the model says
 * so (the transformer models do, after Megatron-LM); for the others the cluster planner's split
 * rule decides. The backward operator of a forward operator has the same style.
 */
public enum TensorParallelism {
    /** Not declared: heavy operators are split and gather their output (the split rule). */
    UNSPECIFIED,
    /** Runs whole on every GPU of the group (norms, residual adds, the loss). */
    REPLICATED,
    /** Split, with its inputs already split: no communication (attention heads, the MLP activation). */
    SPLIT,
    /**
     * A column-parallel matrix product: its weights are split by output columns, its output stays
     * split; its input gradient is all-reduced in the backward pass.
     */
    COLUMN,
    /**
     * A row-parallel matrix product: its weights are split by input rows; its output is
     * all-reduced in the forward pass.
     */
    ROW
}
