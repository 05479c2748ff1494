package org.pipeplan.cluster.dqn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.pipeplan.nn.DenseArrays;

/**
 * The action-value network Q(state, action): a multilayer perceptron over the features of a state
 * and one candidate action (two hidden ReLU layers), so that it scores any number of actions. It
 * trains on DJL (PyTorch); acting and the targets use a copy of its weights on plain arrays
 * ({@link Weights}), which for one small input is much faster than a PyTorch call.
 */
final class QNetwork implements AutoCloseable {

    static final int HIDDEN = 64;

    private final Map<String, NDArray> parameters = new LinkedHashMap<>();

    /** Seeded Xavier-uniform weights, zero biases, over the features of the cluster plan environment. */
    QNetwork(NDManager manager, long seed) {
        this(manager, seed, PlanEnvironment.FEATURES);
    }

    /** Seeded Xavier-uniform weights, zero biases, over {@code inputs} features of a state and an action. */
    QNetwork(NDManager manager, long seed, int inputs) {
        if (inputs < 1) {
            throw new IllegalArgumentException("the Q-network needs at least one input feature, got " + inputs);
        }
        Random r = new Random(seed);
        weight(manager, "w1", r, inputs, HIDDEN);
        parameters.put("b1", manager.zeros(new Shape(1, HIDDEN)));
        weight(manager, "w2", r, HIDDEN, HIDDEN);
        parameters.put("b2", manager.zeros(new Shape(1, HIDDEN)));
        weight(manager, "w3", r, HIDDEN, 1);
        parameters.put("b3", manager.zeros(new Shape(1, 1)));
        parameters.values().forEach(a -> a.setRequiresGradient(true));
    }

    private void weight(NDManager manager, String name, Random r, int rows, int cols) {
        float limit = (float) Math.sqrt(6.0 / (rows + cols));
        float[] data = new float[rows * cols];
        for (int i = 0; i < data.length; i++) {
            data[i] = (r.nextFloat() * 2 - 1) * limit;
        }
        parameters.put(name, manager.create(data, new Shape(rows, cols)));
    }

    Map<String, NDArray> parameters() {
        return parameters;
    }

    /** Q for a batch of feature rows (B x features), as B x 1. */
    NDArray forward(NDArray x) {
        NDArray h = x.matMul(parameters.get("w1")).add(parameters.get("b1")).maximum(0f);
        h = h.matMul(parameters.get("w2")).add(parameters.get("b2")).maximum(0f);
        return h.matMul(parameters.get("w3")).add(parameters.get("b3"));
    }

    /** The current weights as plain arrays. */
    Weights snapshot() {
        return new Weights(DenseArrays.matrix(parameters.get("w1")), parameters.get("b1").toFloatArray(),
                DenseArrays.matrix(parameters.get("w2")), parameters.get("b2").toFloatArray(),
                parameters.get("w3").toFloatArray(), parameters.get("b3").toFloatArray()[0]);
    }

    /** A frozen copy of the network on plain arrays: the online copy for acting, or the target network. */
    record Weights(float[][] w1, float[] b1, float[][] w2, float[] b2, float[] w3, float b3) {

        double q(float[] x) {
            float[] h1 = layer(x, w1, b1);
            float[] h2 = layer(h1, w2, b2);
            double q = b3;
            for (int j = 0; j < h2.length; j++) {
                q += h2[j] * w3[j];
            }
            return q;
        }

        private static float[] layer(float[] x, float[][] w, float[] b) {
            float[] y = b.clone();
            DenseArrays.addTimes(y, x, w);
            for (int j = 0; j < y.length; j++) {
                y[j] = Math.max(0, y[j]);
            }
            return y;
        }
    }

    @Override
    public void close() {
        parameters.values().forEach(NDArray::close);
    }
}
