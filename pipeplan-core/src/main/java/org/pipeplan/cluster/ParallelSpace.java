package org.pipeplan.cluster;

import java.util.ArrayList;
import java.util.List;

/**
 * Which stage shapes a plan may use: up to {@code maxReplicas} data-parallel copies, each split
 * over a power-of-two number of GPUs up to {@code maxSplit}.
 */
public record ParallelSpace(int maxReplicas, int maxSplit) {

    public ParallelSpace {
        if (maxReplicas < 1 || maxSplit < 1) {
            throw new IllegalArgumentException("replicas and split degree must be >= 1");
        }
    }

    /** Replication up to every GPU, splitting within a node (the largest power of two that fits one). */
    public static ParallelSpace full(GpuCluster c) {
        return new ParallelSpace(c.gpus(), Integer.highestOneBit(Math.min(c.gpusPerNode(), c.gpus())));
    }

    /** One GPU per stage: a plain pipeline. */
    public static ParallelSpace pipelineOnly() {
        return new ParallelSpace(1, 1);
    }

    /** Replication, no operator splitting. */
    public static ParallelSpace replicationOnly(GpuCluster c) {
        return new ParallelSpace(c.gpus(), 1);
    }

    /** The (replicas, split) shapes that use at most {@code gpus} GPUs, by split then replicas. */
    public List<int[]> shapes(int gpus) {
        List<int[]> out = new ArrayList<>();
        for (int t = 1; t <= maxSplit && t <= gpus; t *= 2) {
            for (int r = 1; r <= maxReplicas && r * t <= gpus; r++) {
                out.add(new int[] {r, t});
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return maxReplicas == 1 && maxSplit == 1 ? "pipeline only"
                : "replicas up to " + maxReplicas + ", split up to " + maxSplit;
    }
}
