package org.pipeplan.generate;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * Which blocks a {@link SyntheticDagGenerator} graph is made of, with what odds, and how often an
 * ordinary operator is one the Edge TPU cannot run.
 *
 * @param name         what to call it ("standard", "rich"...)
 * @param weights      relative odds of each block
 * @param fallbackRate chance that a light operator outside the blocks' own unsupported ones (layer
 *                     norms, GELU, transposes, products of two activations) is one the Edge TPU
 *                     cannot run, like an exotic activation
 */
public record BlockMix(String name, Map<Block, Double> weights, double fallbackRate) {

    /** The blocks a graph is made of. */
    public enum Block {
        /** two to five operators in a row */
        CHAIN,
        /** two or three heavy operators with activations and a skip connection, ResNet-like */
        RESIDUAL,
        /** two to four parallel branches joined by a concatenation */
        INCEPTION,
        /** projections, two products, a softmax, a residual add (every operator runs on an Edge TPU) */
        ATTENTION,
        /** DenseNet-like: every layer reads the concatenation of all earlier layers' outputs */
        DENSE,
        /** a convolution scaled per channel by pooled, squeezed and excited weights */
        SQUEEZE_EXCITE,
        /** MobileNet-v2-like: expand, depthwise, project, with a residual add */
        INVERTED_RESIDUAL,
        /** a transformer layer over the whole sequence: layer norms, attention, GELU MLP */
        GLOBAL_ATTENTION,
        /** a Swin-like layer: windows partitioned and merged back by transposes around the attention */
        WINDOWED_ATTENTION,
        /** a transformer decoder layer: self-attention, cross-attention to one encoder memory, MLP */
        DECODER
    }

    /** The mix of earlier releases: chains, residual, inception-like and attention-like blocks, every operator on the Edge TPU. */
    public static final BlockMix STANDARD = new BlockMix("standard", Map.of(Block.CHAIN, 0.3, Block.RESIDUAL, 0.3,
            Block.INCEPTION, 0.2, Block.ATTENTION, 0.2), 0);

    /**
     * Every block, with the Edge TPU's unsupported operators where real models have them (the
     * transformer blocks) and a light operator in 300 falling back elsewhere: the training mix.
     */
    public static final BlockMix RICH = new BlockMix("rich", weights(Block.CHAIN, 0.06, Block.RESIDUAL, 0.12,
            Block.INCEPTION, 0.1, Block.DENSE, 0.12, Block.SQUEEZE_EXCITE, 0.12, Block.INVERTED_RESIDUAL, 0.12,
            Block.GLOBAL_ATTENTION, 0.1, Block.WINDOWED_ATTENTION, 0.1, Block.DECODER, 0.06), 1.0 / 300);

    /**
     * The convolutional blocks (residual, inception, dense, squeeze-and-excitation, inverted
     * residual, chains) with a light operator in 300 the Edge TPU cannot run: graphs a Coral
     * pipeline suits, where the few fallbacks and the long skips land decides the split.
     */
    public static final BlockMix CNN = new BlockMix("cnn", weights(Block.CHAIN, 0.1, Block.RESIDUAL, 0.2,
            Block.INCEPTION, 0.15, Block.DENSE, 0.15, Block.SQUEEZE_EXCITE, 0.2, Block.INVERTED_RESIDUAL, 0.2), 1.0 / 300);

    /** Dense blocks and inception cells: many long skip links, every tensor passed through several stages. */
    public static final BlockMix DENSE_SKIPS = new BlockMix("dense", weights(Block.DENSE, 0.6, Block.INCEPTION, 0.2,
            Block.SQUEEZE_EXCITE, 0.2), 1.0 / 300);

    /** Transformer stacks: global and windowed attention, and decoders that read one encoder memory. */
    public static final BlockMix TRANSFORMER = new BlockMix("transformer", weights(Block.GLOBAL_ATTENTION, 0.3,
            Block.WINDOWED_ATTENTION, 0.3, Block.DECODER, 0.4), 0);

    private static final BlockMix[] NAMED = {STANDARD, RICH, CNN, DENSE_SKIPS, TRANSFORMER};

    public BlockMix {
        weights = new EnumMap<>(weights);
        if (weights.isEmpty() || weights.values().stream().anyMatch(w -> !(w >= 0) || Double.isInfinite(w))
                || weights.values().stream().mapToDouble(Double::doubleValue).sum() <= 0) {
            throw new IllegalArgumentException("block weights must be finite, >= 0 and not all 0");
        }
        if (!(fallbackRate >= 0 && fallbackRate <= 1)) {
            throw new IllegalArgumentException("fallback rate must be in [0, 1], got " + fallbackRate);
        }
        weights = java.util.Collections.unmodifiableMap(weights);
    }

    /** standard, rich, cnn, dense or transformer; anything else is an error naming them. */
    public static BlockMix named(String name) {
        for (BlockMix m : NAMED) {
            if (m.name.equals(name.toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown block mix '" + name + "' ("
                + String.join(", ", Arrays.stream(NAMED).map(BlockMix::name).toList()) + ")");
    }

    /** The block for a uniform draw in [0, 1): blocks in declaration order, each over its share. */
    Block pick(double uniform) {
        double total = weights.values().stream().mapToDouble(Double::doubleValue).sum();
        double cumulative = 0;
        Block last = null;
        for (Map.Entry<Block, Double> e : weights.entrySet()) {
            if (e.getValue() <= 0) {
                continue;
            }
            cumulative += e.getValue() / total;
            last = e.getKey();
            if (uniform < cumulative) {
                return last;
            }
        }
        return last;
    }

    private static Map<Block, Double> weights(Object... pairs) {
        Map<Block, Double> m = new EnumMap<>(Block.class);
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((Block) pairs[i], (Double) pairs[i + 1]);
        }
        return m;
    }
}
