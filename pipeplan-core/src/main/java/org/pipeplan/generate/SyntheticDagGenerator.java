package org.pipeplan.generate;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.pipeplan.device.DeviceType;
import org.pipeplan.device.Roofline;
import org.pipeplan.io.DeviceFileReader;

/**
 * Random DAGs that look like DNN graphs, for training and testing the learned Edge TPU scheduler
 * and for large placement problems ({@link SyntheticProblems}). A graph
 * is a sequence of blocks, drawn with fixed odds:
 * <ul>
 *   <li>a chain of operators (convolution, activation, normalisation...);</li>
 *   <li>a residual block: a main path of two or three heavy operators with activations, and a skip
 *       connection that joins it at an add;</li>
 *   <li>an inception-like block: two to four parallel branches joined by a concatenation;</li>
 *   <li>an attention-like block: three projections of one input, two matrix products with a
 *       softmax between, an output projection and a residual add.</li>
 * </ul>
 * Every operator's FLOPs, parameter bytes and output bytes are drawn from the real models'
 * operators of its kind ({@link OpSamples}); its time is the roofline time on the generator's
 * device type (the catalog's Edge TPU by default). The same seed gives the same graph.
 */
public final class SyntheticDagGenerator {

    private final OpSamples samples;
    private final DeviceType device;

    /** Operators drawn from {@code samples}, timed on {@code device}. */
    public SyntheticDagGenerator(OpSamples samples, DeviceType device) {
        this.samples = samples;
        this.device = device;
    }

    /** With the bundled samples and the catalog's edge-tpu. */
    public static SyntheticDagGenerator standard() {
        return new SyntheticDagGenerator(OpSamples.bundled(), DeviceFileReader.bundledCatalog().get("edge-tpu"));
    }

    /** A graph of about {@code nodes} operators (never fewer). */
    public SyntheticDag generate(long seed, int nodes) {
        if (nodes < 2) {
            throw new IllegalArgumentException("a synthetic graph needs at least 2 nodes, got " + nodes);
        }
        Builder b = new Builder(new Random(seed));
        int last = b.add(OpSamples.Kind.HEAVY, -1);
        while (b.size() < nodes) {
            double r = b.random.nextDouble();
            if (r < 0.3) {
                last = b.chain(last, 2 + b.random.nextInt(4));
            } else if (r < 0.6) {
                last = b.residual(last);
            } else if (r < 0.8) {
                last = b.inception(last);
            } else {
                last = b.attention(last);
            }
        }
        return b.build("synthetic-" + seed + "-" + nodes);
    }

    private final class Builder {
        final Random random;
        final List<double[]> nodes = new ArrayList<>();
        final List<String> names = new ArrayList<>();
        final List<int[]> edges = new ArrayList<>();

        Builder(Random random) {
            this.random = random;
        }

        int size() {
            return nodes.size();
        }

        /** Adds an operator fed by the given nodes (-1 for none). */
        int add(OpSamples.Kind kind, int... inputs) {
            long[] op = samples.draw(kind, random);
            double bytes = op[1] + 2.0 * op[2];
            double ms = 1000 * Roofline.computeTime(device, op[0], bytes);
            int id = nodes.size();
            nodes.add(new double[] {ms, op[1], op[2]});
            names.add(kind.name().toLowerCase(java.util.Locale.ROOT) + id);
            for (int in : inputs) {
                if (in >= 0) {
                    edges.add(new int[] {in, id});
                }
            }
            return id;
        }

        int chain(int from, int length) {
            int last = from;
            for (int i = 0; i < length; i++) {
                last = add(i % 2 == 0 ? OpSamples.Kind.HEAVY : OpSamples.Kind.LIGHT, last);
            }
            return last;
        }

        int residual(int from) {
            int main = from;
            int depth = 2 + random.nextInt(2);
            for (int i = 0; i < depth; i++) {
                main = add(OpSamples.Kind.HEAVY, main);
                main = add(OpSamples.Kind.LIGHT, main);
            }
            int skip = random.nextBoolean() ? from : add(OpSamples.Kind.HEAVY, from); // projection shortcut
            return add(OpSamples.Kind.LIGHT, main, skip);
        }

        int inception(int from) {
            int branches = 2 + random.nextInt(3);
            int[] ends = new int[branches];
            for (int i = 0; i < branches; i++) {
                int end = from;
                int length = 1 + random.nextInt(3);
                for (int j = 0; j < length; j++) {
                    end = add(j == 0 && random.nextInt(3) == 0 ? OpSamples.Kind.LIGHT : OpSamples.Kind.HEAVY, end);
                }
                ends[i] = end;
            }
            return add(OpSamples.Kind.SHAPE, ends);
        }

        int attention(int from) {
            int q = add(OpSamples.Kind.HEAVY, from);
            int k = add(OpSamples.Kind.HEAVY, from);
            int v = add(OpSamples.Kind.HEAVY, from);
            int kt = add(OpSamples.Kind.SHAPE, k);
            int scores = add(OpSamples.Kind.HEAVY, q, kt);
            int soft = add(OpSamples.Kind.LIGHT, scores);
            int context = add(OpSamples.Kind.HEAVY, soft, v);
            int out = add(OpSamples.Kind.HEAVY, context);
            int sum = add(OpSamples.Kind.LIGHT, out, from);
            return add(OpSamples.Kind.LIGHT, sum);
        }

        SyntheticDag build(String name) {
            int n = nodes.size();
            double[] compute = new double[n];
            double[] params = new double[n];
            double[] output = new double[n];
            for (int i = 0; i < n; i++) {
                compute[i] = nodes.get(i)[0];
                params[i] = nodes.get(i)[1];
                output[i] = nodes.get(i)[2];
            }
            return new SyntheticDag(name, names, compute, params, output, edges);
        }
    }
}
