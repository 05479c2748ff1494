package org.pipeplan.cluster;

import java.util.Arrays;

/**
 * One stage of a parallel plan: its operators, run on {@code replicas} data-parallel copies, each
 * split over {@code split} GPUs, on the GPUs firstGpu .. firstGpu + replicas * split - 1.
 *
 * @param nodes operator indices, ascending
 */
public record ClusterStage(int[] nodes, int replicas, int split, int firstGpu) {

    public ClusterStage {
        if (replicas < 1 || split < 1) {
            throw new IllegalArgumentException("replicas and split degree must be >= 1, got " + replicas + " and " + split);
        }
        if (firstGpu < 0) {
            throw new IllegalArgumentException("first GPU must be >= 0, got " + firstGpu);
        }
        nodes = nodes.clone();
    }

    public int gpus() {
        return replicas * split;
    }

    @Override
    public int[] nodes() {
        return nodes.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClusterStage s && s.replicas == replicas && s.split == split && s.firstGpu == firstGpu
                && Arrays.equals(s.nodes, nodes);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(nodes) + 7 * replicas + 3 * split + firstGpu;
    }

    @Override
    public String toString() {
        return "stage[" + nodes.length + " nodes, " + replicas + " x " + split + " GPUs from " + firstGpu + "]";
    }
}
