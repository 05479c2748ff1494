package org.pipeplan.edgetpu.learned;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.pipeplan.nn.DenseArrays;

/**
 * The scheduler's policy network, on DJL NDArrays (PyTorch engine).
 *
 * <p>Encoder: node features are embedded, then {@value #ROUNDS} rounds of message passing mix in
 * the mean of each node's predecessors and of its successors (with a residual connection), giving
 * one vector per node. Decoder (a pointer network without recurrence): the next node of the order
 * is chosen among the ready ones by the dot product of a query, made from the embedding of the
 * node placed last and the progress features of the partial order, with each node's key, plus a
 * per-node bias. The stage split of the finished order is then exact ({@code OrderDp}).
 *
 * <p>Parameters are plain named arrays, so the network saves as one small file.
 */
final class SchedulerNetwork implements AutoCloseable {

    /** Width of the node vectors of the bundled checkpoint. */
    static final int HIDDEN = 16;
    static final int ROUNDS = 3;
    private static final float MASKED = -1e4f;

    private final NDManager manager;
    private final Map<String, NDArray> parameters = new LinkedHashMap<>();
    private int hidden;

    private SchedulerNetwork(NDManager manager) {
        this.manager = manager;
    }

    /** A network with seeded random (Xavier-uniform) weights and node vectors of the given width. */
    static SchedulerNetwork create(NDManager manager, long seed, int hidden) {
        if (hidden < 1) {
            throw new IllegalArgumentException("the network width must be >= 1, got " + hidden);
        }
        SchedulerNetwork net = new SchedulerNetwork(manager);
        net.hidden = hidden;
        Random r = new Random(seed);
        int d = hidden;
        net.weight("embed.w", r, GraphFeatures.NODE_FEATURES, d);
        net.zeros("embed.b", d);
        for (int k = 0; k < ROUNDS; k++) {
            net.weight("round" + k + ".self", r, d, d);
            net.weight("round" + k + ".in", r, d, d);
            net.weight("round" + k + ".out", r, d, d);
            net.zeros("round" + k + ".b", d);
        }
        net.weight("query.w1", r, d + OrderState.PROGRESS_FEATURES, d);
        net.zeros("query.b1", d);
        net.weight("query.w2", r, d, d);
        net.weight("key.w", r, d, d);
        net.weight("bias.w", r, d, 1);
        net.weight("start", r, 1, d);
        return net;
    }

    static SchedulerNetwork load(NDManager manager, InputStream in) throws IOException {
        SchedulerNetwork net = new SchedulerNetwork(manager);
        NDList list = NDList.decode(manager, in);
        for (NDArray a : list) {
            net.parameters.put(a.getName(), a);
        }
        NDArray embed = net.parameters.get("embed.w");
        if (embed == null || embed.getShape().dimension() != 2) {
            throw new IOException("not a scheduler checkpoint: no embedding");
        }
        net.hidden = (int) embed.getShape().get(1);
        SchedulerNetwork reference = create(manager, 0, net.hidden);
        for (Map.Entry<String, NDArray> e : reference.parameters.entrySet()) {
            NDArray loaded = net.parameters.get(e.getKey());
            if (loaded == null || !loaded.getShape().equals(e.getValue().getShape())) {
                throw new IOException("not a scheduler checkpoint: parameter " + e.getKey() + " missing or of another shape");
            }
        }
        reference.close();
        return net;
    }

    void save(OutputStream out) throws IOException {
        NDList list = new NDList();
        parameters.forEach((name, a) -> {
            a.setName(name);
            list.add(a);
        });
        out.write(list.encode());
    }

    int hidden() {
        return hidden;
    }

    Map<String, NDArray> parameters() {
        return parameters;
    }

    void requireGradients() {
        parameters.values().forEach(a -> a.setRequiresGradient(true));
    }

    private void weight(String name, Random r, int rows, int cols) {
        float limit = (float) Math.sqrt(6.0 / (rows + cols));
        float[] data = new float[rows * cols];
        for (int i = 0; i < data.length; i++) {
            data[i] = (r.nextFloat() * 2 - 1) * limit;
        }
        parameters.put(name, manager.create(data, new Shape(rows, cols)));
    }

    private void zeros(String name, int size) {
        parameters.put(name, manager.zeros(new Shape(1, size)));
    }

    private NDArray p(String name) {
        return parameters.get(name);
    }

    /** One vector per node (N x width). */
    NDArray encode(NDManager m, GraphFeatures f) {
        NDArray x = m.create(f.nodes);
        NDArray in = m.create(f.adjacency(true));
        NDArray out = m.create(f.adjacency(false));
        NDArray h = x.matMul(p("embed.w")).add(p("embed.b")).maximum(0f);
        for (int k = 0; k < ROUNDS; k++) {
            NDArray mixed = h.matMul(p("round" + k + ".self")).add(in.matMul(h).matMul(p("round" + k + ".in")))
                    .add(out.matMul(h).matMul(p("round" + k + ".out"))).add(p("round" + k + ".b"));
            h = mixed.maximum(0f).add(h);
        }
        return h;
    }

    /**
     * Log-likelihood of a whole order under the policy, differentiable: the sum over steps of the
     * log-probability of the node chosen among the ready ones.
     *
     * @param steps the order replayed: progress features and ready sets before every step
     */
    NDArray logLikelihood(NDManager m, GraphFeatures f, OrderSteps steps) {
        int n = f.n;
        NDArray h = encode(m, f);
        float[][] previous = new float[n][n];
        float[][] chosen = new float[n][n];
        float[] first = new float[n];
        first[0] = 1;
        for (int t = 0; t < n; t++) {
            chosen[t][steps.order()[t]] = 1;
            if (t > 0) {
                previous[t][steps.order()[t - 1]] = 1;
            }
        }
        NDArray last = m.create(previous).matMul(h).add(m.create(first, new Shape(n, 1)).matMul(p("start")));
        NDArray query = last.concat(m.create(steps.progress()), 1).matMul(p("query.w1")).add(p("query.b1")).maximum(0f)
                .matMul(p("query.w2"));
        NDArray keys = h.matMul(p("key.w"));
        NDArray bias = h.matMul(p("bias.w")).transpose();
        NDArray scores = query.matMul(keys.transpose()).div((float) Math.sqrt(hidden)).add(bias);
        NDArray mask = m.create(steps.ready());
        NDArray logp = scores.add(mask.sub(1f).mul(-MASKED)).logSoftmax(1); // not ready: -1e4
        return logp.mul(m.create(chosen)).sum();
    }

    /** The decoder's weights and the graph's keys as plain arrays, for fast step-by-step decoding. */
    Decoder decoder(NDManager m, GraphFeatures f) {
        NDArray h = encode(m, f);
        float[][] hs = DenseArrays.matrix(h);
        float[][] keys = DenseArrays.matrix(h.matMul(p("key.w")).div((float) Math.sqrt(hidden)));
        float[] bias = h.matMul(p("bias.w")).toFloatArray();
        return new Decoder(hs, keys, bias, DenseArrays.matrix(p("query.w1")), p("query.b1").toFloatArray(),
                DenseArrays.matrix(p("query.w2")),
                p("start").toFloatArray());
    }


    @Override
    public void close() {
        parameters.values().forEach(NDArray::close);
    }
}
