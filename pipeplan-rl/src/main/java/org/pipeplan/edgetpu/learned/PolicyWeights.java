package org.pipeplan.edgetpu.learned;

import ai.djl.ndarray.NDArray;
import java.util.Map;
import org.pipeplan.nn.DenseArrays;

/**
 * The trained network's weights as plain arrays, for inference without PyTorch calls: the
 * encoder here aggregates over adjacency lists (O(edges) instead of the dense N x N products used
 * in training) and gives the same embeddings as {@link SchedulerNetwork#encode}.
 */
final class PolicyWeights {

    final float[][] embedW;
    final float[] embedB;
    final float[][][] self;
    final float[][][] in;
    final float[][][] out;
    final float[][] roundB;
    final float[][] keyW;
    final float[][] biasW;
    final float[][] queryW1;
    final float[] queryB1;
    final float[][] queryW2;
    final float[] start;
    /** Per round, the self, in and out matrices side by side (width 3d), for one product per node. */
    private final float[][][] fused;

    PolicyWeights(Map<String, NDArray> p) {
        embedW = DenseArrays.matrix(p.get("embed.w"));
        embedB = p.get("embed.b").toFloatArray();
        int rounds = SchedulerNetwork.ROUNDS;
        self = new float[rounds][][];
        in = new float[rounds][][];
        out = new float[rounds][][];
        roundB = new float[rounds][];
        for (int k = 0; k < rounds; k++) {
            self[k] = DenseArrays.matrix(p.get("round" + k + ".self"));
            in[k] = DenseArrays.matrix(p.get("round" + k + ".in"));
            out[k] = DenseArrays.matrix(p.get("round" + k + ".out"));
            roundB[k] = p.get("round" + k + ".b").toFloatArray();
        }
        keyW = DenseArrays.matrix(p.get("key.w"));
        biasW = DenseArrays.matrix(p.get("bias.w"));
        queryW1 = DenseArrays.matrix(p.get("query.w1"));
        queryB1 = p.get("query.b1").toFloatArray();
        queryW2 = DenseArrays.matrix(p.get("query.w2"));
        start = p.get("start").toFloatArray();
        fused = new float[rounds][][];
        for (int k = 0; k < rounds; k++) {
            int d = self[k].length;
            fused[k] = new float[d][3 * d];
            for (int i = 0; i < d; i++) {
                System.arraycopy(self[k][i], 0, fused[k][i], 0, d);
                System.arraycopy(in[k][i], 0, fused[k][i], d, d);
                System.arraycopy(out[k][i], 0, fused[k][i], 2 * d, d);
            }
        }
    }

    /** The decoder for one graph: embeddings, keys and biases computed here. */
    Decoder decoder(org.pipeplan.edgetpu.EdgeTpuGraph g, GraphFeatures f) {
        int n = f.n;
        int d = embedB.length;
        float[][] h = new float[n][];
        for (int v = 0; v < n; v++) {
            h[v] = DenseArrays.times(f.nodes[v], embedW);
            for (int j = 0; j < d; j++) {
                h[v][j] = Math.max(0, h[v][j] + embedB[j]);
            }
        }
        for (int k = 0; k < self.length; k++) {
            // mean over predecessors of h·W equals (mean of h)·W: transform every node once (by the
            // self, in and out matrices side by side), then average
            float[][] y = new float[n][];
            for (int v = 0; v < n; v++) {
                y[v] = DenseArrays.times(h[v], fused[k]);
            }
            float[][] next = new float[n][];
            for (int v = 0; v < n; v++) {
                float[] sum = java.util.Arrays.copyOf(y[v], d);
                float[] b = roundB[k];
                for (int j = 0; j < d; j++) {
                    sum[j] += b[j];
                }
                int preds = g.predecessorCount(v);
                for (int x = 0; x < preds; x++) {
                    float[] o = y[g.predecessor(v, x)];
                    for (int j = 0; j < d; j++) {
                        sum[j] += o[d + j] / preds;
                    }
                }
                int succs = g.successorCount(v);
                for (int x = 0; x < succs; x++) {
                    float[] o = y[g.successor(v, x)];
                    for (int j = 0; j < d; j++) {
                        sum[j] += o[2 * d + j] / succs;
                    }
                }
                for (int j = 0; j < d; j++) {
                    sum[j] = Math.max(0, sum[j]) + h[v][j];
                }
                next[v] = sum;
            }
            h = next;
        }
        float scale = (float) Math.sqrt(d);
        float[][] keys = new float[n][];
        float[] bias = new float[n];
        for (int v = 0; v < n; v++) {
            keys[v] = DenseArrays.times(h[v], keyW);
            for (int j = 0; j < d; j++) {
                keys[v][j] /= scale;
                bias[v] += h[v][j] * biasW[j][0];
            }
        }
        return new Decoder(h, keys, bias, queryW1, queryB1, queryW2, start);
    }
}
