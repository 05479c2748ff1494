package org.pipeplan.cluster.training;

import java.util.ArrayList;
import java.util.List;
import org.pipeplan.cluster.ClusterProblem;
import org.pipeplan.cluster.GpuCluster;
import org.pipeplan.device.DeviceKind;
import org.pipeplan.device.DeviceSet;
import org.pipeplan.device.DeviceType;
import org.pipeplan.graph.Edge;
import org.pipeplan.graph.Operator;
import org.pipeplan.graph.OperatorGraph;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.graph.TensorParallelism;

/**
 * Synthetic training workloads for the tests: a chain of layers, each a column-parallel product,
 * an attention-core operator and a row-parallel product, with their backward operators colocated,
 * mirrored gradient edges and forward-to-backward stash edges, timed per sample (no work given).
 */
final class TrainingTestModels {

    static final double GIB = 1L << 30;
    static final double MB = 1e6;

    /** A GPU of 100 TFLOP/s and 2 TB/s (only its memory bandwidth matters: it prices the optimizer step). */
    static final DeviceType GPU = new DeviceType("test-gpu", false, 100e12, 2e12, 80 * GIB, 32e9, 0, 300e9, 0, 0.8);

    private TrainingTestModels() {
    }

    /**
     * The layers of a chain.
     *
     * @param weights    relative cost (time and parameters) of every layer
     * @param forwardMs  forward time of a weight-1 layer per sample, split 0.4 / 0.2 / 0.4 over its operators
     * @param cutBytes   activation (and gradient) bytes per sample between two layers
     * @param stashBytes bytes per sample each product keeps for its backward pass (at most the cut: the output
     *                   product's stash edge counts in the cut after it)
     * @param coreBytes  bytes per sample the attention core keeps
     * @param params     parameters of a weight-1 layer
     * @param tied       whether the last layer's output product is tied to the embedding (TiedLmHead)
     */
    record Chain(double[] weights, double forwardMs, double cutBytes, double stashBytes, double coreBytes, double params,
                 boolean tied) {

        static Chain uniform(int layers, double cutBytes) {
            double[] w = new double[layers];
            java.util.Arrays.fill(w, 1);
            return new Chain(w, 1.0, cutBytes, cutBytes, 16 * MB, 50e6, false);
        }

        /** Heavier first and last layers (an embedding and a head), the blocks between them alike. */
        static Chain transformerLike(int layers, boolean tied) {
            double[] w = new double[layers];
            java.util.Arrays.fill(w, 1);
            w[0] = 0.6;
            w[layers - 1] = 1.8;
            return new Chain(w, 1.0, 8 * MB, 8 * MB, 16 * MB, 50e6, tied);
        }

        int layers() {
            return weights.length;
        }
    }

    /** The placement problem of a chain: forward ops 6l, 6l+1, 6l+2, their backward ops 6l+3, 6l+4, 6l+5. */
    static PlacementProblem problem(Chain chain) {
        int n = chain.layers();
        List<Operator> ops = new ArrayList<>();
        List<Edge> edges = new ArrayList<>();
        String[] types = {"MatMul", "AttentionSoftmax", "MatMul"};
        TensorParallelism[] styles = {TensorParallelism.COLUMN, TensorParallelism.SPLIT, TensorParallelism.ROW};
        double[] share = {0.4, 0.2, 0.4};
        double[] paramShare = {0.5, 0, 0.5};
        for (int l = 0; l < n; l++) {
            double w = chain.weights()[l];
            for (int k = 0; k < 3; k++) {
                long id = 6L * l + k;
                String type = l == n - 1 && k == 2 && chain.tied() ? "TiedLmHead" : types[k];
                ops.add(Operator.builder(id).name("l" + l + "." + k).opType(type).layerId((long) l).colocationLabel(id)
                        .tensorParallelism(styles[k]).parameterCount(chain.params() * w * paramShare[k])
                        .computeTime(DeviceKind.ACCELERATOR, chain.forwardMs() * w * share[k]).build());
            }
            for (int k = 0; k < 3; k++) {
                long id = 6L * l + 3 + k;
                ops.add(Operator.builder(id).name("l" + l + "." + k + ".grad").opType(types[k] + "Grad").backward(true)
                        .layerId((long) l).colocationLabel(6L * l + k).tensorParallelism(styles[k])
                        .computeTime(DeviceKind.ACCELERATOR, 2 * chain.forwardMs() * w * share[k]).build());
            }
        }
        for (int l = 0; l < n; l++) {
            int f = 6 * l;
            int b = 6 * l + 3;
            edges.add(new Edge(f, f + 1, 0, chain.cutBytes()));
            edges.add(new Edge(f + 1, f + 2, 0, chain.cutBytes()));
            edges.add(new Edge(b + 2, b + 1, 0, chain.cutBytes()));
            edges.add(new Edge(b + 1, b, 0, chain.cutBytes()));
            if (l + 1 < n) {
                edges.add(new Edge(f + 2, f + 6, 0, chain.cutBytes()));   // activations to the next layer
                edges.add(new Edge(b + 6, b + 2, 0, chain.cutBytes()));   // gradients back from it
            }
            edges.add(new Edge(f, b, 0, chain.stashBytes()));
            edges.add(new Edge(f + 1, b + 1, 0, chain.coreBytes()));
            edges.add(new Edge(f + 2, b + 2, 0, l + 1 < n ? chain.stashBytes() : Math.max(chain.stashBytes(), 1)));
        }
        return new PlacementProblem("chain", OperatorGraph.of(ops, edges), DeviceSet.acceleratorsAndCpus(1, 80 * GIB, 0));
    }

    /** 64 GPUs in nodes of 8: NVLink within a node, a network between nodes; with or without the GPU type. */
    static GpuCluster cluster(boolean withDevice) {
        return new GpuCluster("test-gpu", 64, 8, 80 * GIB, 300e9, 25e9, 0.005, 0.01, withDevice ? GPU : null);
    }

    static TrainingWorkload workload(Chain chain, boolean withDevice) {
        return new TrainingWorkload(new ClusterProblem(problem(chain), cluster(withDevice), 1));
    }
}
