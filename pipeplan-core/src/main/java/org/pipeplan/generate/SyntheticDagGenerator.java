package org.pipeplan.generate;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.pipeplan.device.DeviceType;
import org.pipeplan.device.Roofline;
import org.pipeplan.io.DeviceFileReader;

/**
 * Random DAGs that look like DNN graphs, for training and testing the learned Edge TPU scheduler
 * and for large placement problems ({@link SyntheticProblems}). A graph is a sequence of blocks
 * drawn from a {@link BlockMix}: chains, residual and inception-like blocks and attention in the
 * standard mix; dense blocks, squeeze-and-excitation, inverted residuals, global and windowed
 * attention and decoder stacks besides in the others. Operators the Edge TPU cannot run are marked
 * where the real models have them (layer norms, GELU, transposes, products of two activations) and,
 * at the mix's rate, among the other light operators.
 * Every operator's FLOPs, parameter bytes and output bytes are drawn from the real models'
 * operators of its kind ({@link OpSamples}); its time is the roofline time on the generator's
 * device type (the catalog's Edge TPU by default), and on the host type where it falls back. The
 * same seed, size and mix give the same graph.
 */
public final class SyntheticDagGenerator {

    private final OpSamples samples;
    private final DeviceType device;
    private final DeviceType host;

    /** Operators drawn from {@code samples}, timed on {@code device} (and on it where they fall back). */
    public SyntheticDagGenerator(OpSamples samples, DeviceType device) {
        this(samples, device, device);
    }

    /** Operators timed on {@code device}, and on {@code host} for the host times of the operators that fall back. */
    public SyntheticDagGenerator(OpSamples samples, DeviceType device, DeviceType host) {
        this.samples = samples;
        this.device = device;
        this.host = host;
    }

    /** With the bundled samples, the catalog's edge-tpu, and its cpu-core as the host. */
    public static SyntheticDagGenerator standard() {
        var catalog = DeviceFileReader.bundledCatalog();
        return new SyntheticDagGenerator(OpSamples.bundled(), catalog.get("edge-tpu"), catalog.get("cpu-core"));
    }

    /** A graph of about {@code nodes} operators (never fewer) of the standard mix. */
    public SyntheticDag generate(long seed, int nodes) {
        return generate(seed, nodes, BlockMix.STANDARD);
    }

    /** A graph of about {@code nodes} operators (never fewer) of the given mix. */
    public SyntheticDag generate(long seed, int nodes, BlockMix mix) {
        if (nodes < 2) {
            throw new IllegalArgumentException("a synthetic graph needs at least 2 nodes, got " + nodes);
        }
        Builder b = new Builder(new Random(seed), mix.fallbackRate());
        int last = b.add(OpSamples.Kind.HEAVY, -1);
        while (b.size() < nodes) {
            last = switch (mix.pick(b.random.nextDouble())) {
                case CHAIN -> b.chain(last, 2 + b.random.nextInt(4));
                case RESIDUAL -> b.residual(last);
                case INCEPTION -> b.inception(last);
                case ATTENTION -> b.attention(last);
                case DENSE -> b.dense(last);
                case SQUEEZE_EXCITE -> b.squeezeExcite(last);
                case INVERTED_RESIDUAL -> b.invertedResidual(last);
                case GLOBAL_ATTENTION -> b.transformerLayer(last, -1, false);
                case WINDOWED_ATTENTION -> b.transformerLayer(last, -1, true);
                case DECODER -> b.decoderLayer(last);
            };
        }
        String suffix = mix.equals(BlockMix.STANDARD) ? "" : "-" + mix.name();
        return b.build("synthetic-" + seed + "-" + nodes + suffix);
    }

    private final class Builder {
        final Random random;
        final double fallbackRate;
        final List<double[]> nodes = new ArrayList<>();
        final List<String> names = new ArrayList<>();
        final List<Boolean> onTpu = new ArrayList<>();
        final List<int[]> edges = new ArrayList<>();
        int memory = -1; // the encoder output every decoder layer reads

        Builder(Random random, double fallbackRate) {
            this.random = random;
            this.fallbackRate = fallbackRate;
        }

        int size() {
            return nodes.size();
        }

        /** Adds an operator fed by the given nodes (-1 for none); light ones fall back at the mix's rate. */
        int add(OpSamples.Kind kind, int... inputs) {
            boolean falls = kind == OpSamples.Kind.LIGHT && fallbackRate > 0 && random.nextDouble() < fallbackRate;
            return add(kind, !falls, false, kind.name().toLowerCase(java.util.Locale.ROOT), inputs);
        }

        /** An operator the Edge TPU cannot run (a layer norm, GELU, transpose...). */
        int hostOnly(OpSamples.Kind kind, String what, int... inputs) {
            return add(kind, false, false, what, inputs);
        }

        /** A product of two activations: no parameters, and the Edge TPU cannot run it. */
        int activationProduct(int a, int b) {
            return add(OpSamples.Kind.HEAVY, false, true, "matmul", a, b);
        }

        int add(OpSamples.Kind kind, boolean tpu, boolean noParams, String what, int... inputs) {
            long[] op = samples.draw(kind, random);
            double params = noParams ? 0 : op[1];
            double bytes = params + 2.0 * op[2];
            double ms = 1000 * Roofline.computeTime(device, op[0], bytes);
            double hostMs = 1000 * Roofline.computeTime(host, op[0], bytes);
            int id = nodes.size();
            nodes.add(new double[] {ms, params, op[2], hostMs});
            names.add(what + id);
            onTpu.add(tpu);
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

        /** Four to eight layers, each a bottleneck convolution pair over the concatenation of everything before it. */
        int dense(int from) {
            List<Integer> features = new ArrayList<>(List.of(from));
            int layers = 4 + random.nextInt(5);
            for (int i = 0; i < layers; i++) {
                int in = features.size() == 1 ? from
                        : add(OpSamples.Kind.SHAPE, features.stream().mapToInt(Integer::intValue).toArray()); // concat
                int a = add(OpSamples.Kind.LIGHT, in);
                int narrow = add(OpSamples.Kind.HEAVY, a);
                int b = add(OpSamples.Kind.LIGHT, narrow);
                features.add(add(OpSamples.Kind.HEAVY, b));
            }
            int all = add(OpSamples.Kind.SHAPE, features.stream().mapToInt(Integer::intValue).toArray());
            int transition = add(OpSamples.Kind.HEAVY, all);
            return add(OpSamples.Kind.LIGHT, transition); // pooling
        }

        int squeezeExcite(int from) {
            int main = add(OpSamples.Kind.HEAVY, from);
            int pooled = add(OpSamples.Kind.LIGHT, main);
            int squeeze = add(OpSamples.Kind.HEAVY, pooled);
            int act = add(OpSamples.Kind.LIGHT, squeeze);
            int excite = add(OpSamples.Kind.HEAVY, act);
            int gate = add(OpSamples.Kind.LIGHT, excite);
            int scaled = add(OpSamples.Kind.LIGHT, main, gate);
            return random.nextBoolean() ? add(OpSamples.Kind.LIGHT, scaled, from) : scaled;
        }

        int invertedResidual(int from) {
            int expand = add(OpSamples.Kind.HEAVY, from);
            int a = add(OpSamples.Kind.LIGHT, expand);
            int depthwise = add(OpSamples.Kind.HEAVY, a);
            int b = add(OpSamples.Kind.LIGHT, depthwise);
            int project = add(OpSamples.Kind.HEAVY, b);
            return random.nextInt(3) > 0 ? add(OpSamples.Kind.LIGHT, project, from) : project;
        }

        /**
         * A pre-norm transformer layer: layer norm, attention (its queries from the stream, keys and
         * values from {@code kv}, or the stream itself when -1), residual add, layer norm, GELU MLP,
         * residual add. Windowed: transposes partition the sequence into windows and merge them back.
         */
        int transformerLayer(int from, int kv, boolean windowed) {
            int norm = hostOnly(OpSamples.Kind.LIGHT, "layernorm", from);
            int x = windowed ? hostOnly(OpSamples.Kind.SHAPE, "transpose", norm) : norm;
            int attended = attentionCore(x, kv < 0 ? x : kv);
            if (windowed) {
                attended = hostOnly(OpSamples.Kind.SHAPE, "transpose", attended);
            }
            int sum = add(OpSamples.Kind.LIGHT, attended, from);
            int norm2 = hostOnly(OpSamples.Kind.LIGHT, "layernorm", sum);
            int up = add(OpSamples.Kind.HEAVY, norm2);
            int gelu = hostOnly(OpSamples.Kind.LIGHT, "gelu", up);
            int down = add(OpSamples.Kind.HEAVY, gelu);
            return add(OpSamples.Kind.LIGHT, down, sum);
        }

        /** Projections, scores and context as products of activations (on the host), a softmax and an output projection. */
        int attentionCore(int x, int kv) {
            int q = add(OpSamples.Kind.HEAVY, x);
            int k = add(OpSamples.Kind.HEAVY, kv);
            int v = add(OpSamples.Kind.HEAVY, kv);
            int kt = hostOnly(OpSamples.Kind.SHAPE, "transpose", k);
            int scores = activationProduct(q, kt);
            int soft = add(OpSamples.Kind.LIGHT, scores);
            int context = activationProduct(soft, v);
            return add(OpSamples.Kind.HEAVY, context);
        }

        /** Self-attention, then cross-attention to the encoder memory (the stream where the first decoder layer began). */
        int decoderLayer(int from) {
            if (memory < 0) {
                memory = from;
            }
            int self = transformerLayer(from, -1, false);
            return transformerLayer(self, memory, false);
        }

        SyntheticDag build(String name) {
            int n = nodes.size();
            double[] compute = new double[n];
            double[] params = new double[n];
            double[] output = new double[n];
            double[] hostCompute = new double[n];
            boolean[] tpu = new boolean[n];
            for (int i = 0; i < n; i++) {
                compute[i] = nodes.get(i)[0];
                params[i] = nodes.get(i)[1];
                output[i] = nodes.get(i)[2];
                hostCompute[i] = nodes.get(i)[3];
                tpu[i] = onTpu.get(i);
            }
            return new SyntheticDag(name, names, compute, params, output, edges, tpu, hostCompute);
        }
    }
}
