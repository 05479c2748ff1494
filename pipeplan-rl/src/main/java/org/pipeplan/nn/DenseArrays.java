package org.pipeplan.nn;

import ai.djl.ndarray.NDArray;

/**
 * Matrix products on plain arrays, for the small networks that act at every step (the scheduler's
 * decoder, the DQN's Q-network): there a PyTorch call per product costs more than the product.
 */
public final class DenseArrays {

    private DenseArrays() {
    }

    /** A two-dimensional array as rows of floats. */
    public static float[][] matrix(NDArray a) {
        long[] shape = a.getShape().getShape();
        float[] flat = a.toFloatArray();
        float[][] m = new float[(int) shape[0]][(int) shape[1]];
        for (int i = 0; i < m.length; i++) {
            System.arraycopy(flat, i * m[i].length, m[i], 0, m[i].length);
        }
        return m;
    }

    /** x w, for a row vector x. */
    public static float[] times(float[] x, float[][] w) {
        float[] y = new float[w[0].length];
        addTimes(y, x, w);
        return y;
    }

    /** y += x w; zero entries of x (sparse features) are skipped. */
    public static void addTimes(float[] y, float[] x, float[][] w) {
        for (int i = 0; i < x.length; i++) {
            float xi = x[i];
            if (xi == 0) {
                continue;
            }
            float[] row = w[i];
            for (int j = 0; j < y.length; j++) {
                y[j] += xi * row[j];
            }
        }
    }
}
