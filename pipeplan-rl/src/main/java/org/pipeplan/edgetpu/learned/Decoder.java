package org.pipeplan.edgetpu.learned;

import java.util.Random;
import org.pipeplan.edgetpu.EdgeTpuGraph;
import org.pipeplan.edgetpu.EdgeTpuPipeline;
import org.pipeplan.nn.DenseArrays;

/**
 * The policy's decoder on plain arrays, for one encoded graph: builds an order step by step, the
 * next node greedily (highest score among the ready ones) or sampled from the softmax of the
 * scores. Mirrors {@link SchedulerNetwork#logLikelihood} exactly.
 */
final class Decoder {

    private final float[][] embeddings;
    private final float[][] keys;
    private final float[] bias;
    /** The rows of the query's first layer that read the progress features. */
    private final float[][] progressW;
    private final float[][] w2;
    /**
     * The query's first layer applied to each node's embedding, bias included (and to the start
     * vector): the part of the product that depends only on the node placed last, computed once
     * per graph instead of at every step of every decode.
     */
    private final float[][] fromNode;
    private final float[] fromStart;

    /**
     * @param embeddings node vectors from the encoder
     * @param keys       node keys, already divided by the square root of the width
     * @param bias       per-node score bias
     * @param w1         the query's first layer: rows for the last node's embedding, then for the
     *                   progress features
     * @param b1         its bias
     * @param w2         the query's second layer
     * @param start      the vector standing for "no node placed yet"
     */
    Decoder(float[][] embeddings, float[][] keys, float[] bias, float[][] w1, float[] b1, float[][] w2, float[] start) {
        this.embeddings = embeddings;
        this.keys = keys;
        this.bias = bias;
        this.w2 = w2;
        int width = start.length;
        float[][] embeddingW = java.util.Arrays.copyOfRange(w1, 0, width);
        this.progressW = java.util.Arrays.copyOfRange(w1, width, w1.length);
        this.fromNode = new float[embeddings.length][];
        for (int v = 0; v < embeddings.length; v++) {
            fromNode[v] = firstLayer(embeddings[v], embeddingW, b1);
        }
        this.fromStart = firstLayer(start, embeddingW, b1);
    }

    private static float[] firstLayer(float[] x, float[][] w, float[] b) {
        float[] y = DenseArrays.times(x, w);
        for (int j = 0; j < y.length; j++) {
            y[j] += b[j];
        }
        return y;
    }

    float[][] embeddings() {
        return embeddings;
    }

    /** An order of all nodes; {@code random} null decodes greedily. */
    int[] decode(EdgeTpuGraph g, EdgeTpuPipeline p, Random random) {
        int n = g.size();
        int d = fromStart.length;
        OrderState state = new OrderState(g, p);
        float[] progress = new float[OrderState.PROGRESS_FEATURES];
        float[] hidden = new float[d];
        float[] query = new float[d];
        double[] scores = new double[n];
        int[] order = new int[n];
        float[] last = fromStart;
        for (int t = 0; t < n; t++) {
            state.progress(progress);
            // row by row (saxpy form), which the JIT vectorises
            System.arraycopy(last, 0, hidden, 0, d);
            for (int i = 0; i < progress.length; i++) {
                float x = progress[i];
                float[] row = progressW[i];
                for (int j = 0; j < d; j++) {
                    hidden[j] += x * row[j];
                }
            }
            java.util.Arrays.fill(query, 0f);
            for (int i = 0; i < d; i++) {
                float x = Math.max(0, hidden[i]);
                if (x == 0) {
                    continue;
                }
                float[] row = w2[i];
                for (int j = 0; j < d; j++) {
                    query[j] += x * row[j];
                }
            }
            int best = -1;
            double max = Double.NEGATIVE_INFINITY;
            int choices = state.readyCount();
            for (int i = 0; i < choices; i++) {
                int v = state.readyNode(i);
                double s = bias[v];
                for (int j = 0; j < d; j++) {
                    s += query[j] * keys[v][j];
                }
                scores[i] = s;
                // ties go to the lower node number, whatever the order of the ready list
                if (s > max || (s == max && v < best)) {
                    max = s;
                    best = v;
                }
            }
            if (best < 0) { // no finite score (broken weights): the lowest-numbered ready node
                best = Integer.MAX_VALUE;
                for (int i = 0; i < choices; i++) {
                    best = Math.min(best, state.readyNode(i));
                }
            } else if (random != null) {
                double sum = 0;
                for (int i = 0; i < choices; i++) {
                    scores[i] = Math.exp(scores[i] - max);
                    sum += scores[i];
                }
                double pick = random.nextDouble() * sum;
                for (int i = 0; i < choices; i++) {
                    best = state.readyNode(i);
                    pick -= scores[i];
                    if (pick <= 0) {
                        break;
                    }
                }
            }
            order[t] = best;
            state.place(best);
            last = fromNode[best];
        }
        return order;
    }
}
