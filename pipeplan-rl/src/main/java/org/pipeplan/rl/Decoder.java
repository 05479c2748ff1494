package org.pipeplan.rl;

import java.util.Random;
import org.pipeplan.edgetpu.EdgeTpuGraph;
import org.pipeplan.edgetpu.EdgeTpuPipeline;

/**
 * The policy's decoder on plain arrays, for one encoded graph: builds an order step by step, the
 * next node greedily (highest score among the ready ones) or sampled from the softmax of the
 * scores. Mirrors {@link SchedulerNetwork#logLikelihood} exactly.
 *
 * @param embeddings node vectors from the encoder
 * @param keys       node keys, already divided by the square root of the width
 * @param bias       per-node score bias
 */
record Decoder(float[][] embeddings, float[][] keys, float[] bias, float[][] w1, float[] b1, float[][] w2, float[] start) {

    /** An order of all nodes; {@code random} null decodes greedily. */
    int[] decode(EdgeTpuGraph g, EdgeTpuPipeline p, Random random) {
        int n = g.size();
        int d = start.length;
        OrderState state = new OrderState(g, p);
        float[] progress = new float[OrderState.PROGRESS_FEATURES];
        float[] input = new float[d + progress.length];
        float[] hidden = new float[d];
        float[] query = new float[d];
        double[] scores = new double[n];
        int[] order = new int[n];
        float[] last = start;
        for (int t = 0; t < n; t++) {
            state.progress(progress);
            System.arraycopy(last, 0, input, 0, d);
            System.arraycopy(progress, 0, input, d, progress.length);
            // row by row (saxpy form), which the JIT vectorises
            System.arraycopy(b1, 0, hidden, 0, d);
            for (int i = 0; i < input.length; i++) {
                float x = input[i];
                float[] row = w1[i];
                for (int j = 0; j < d; j++) {
                    hidden[j] += x * row[j];
                }
            }
            java.util.Arrays.fill(query, 0f);
            for (int i = 0; i < d; i++) {
                float x = Math.max(0, hidden[i]);
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
                    sum += Math.exp(scores[i] - max);
                }
                double pick = random.nextDouble() * sum;
                for (int i = 0; i < choices; i++) {
                    best = state.readyNode(i);
                    pick -= Math.exp(scores[i] - max);
                    if (pick <= 0) {
                        break;
                    }
                }
            }
            order[t] = best;
            state.place(best);
            last = embeddings[best];
        }
        return order;
    }
}
