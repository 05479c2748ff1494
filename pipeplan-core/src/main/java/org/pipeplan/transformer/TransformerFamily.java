package org.pipeplan.transformer;

import java.util.Locale;

/**
 * The two decoder-only transformer designs a model can be built as. They differ only in the
 * choices listed here; the layer structure (pre-norm attention block, pre-norm MLP block, each with
 * a residual connection) is the same.
 */
public enum TransformerFamily {

    /** GPT-2/3 and Megatron-LM's GPT: learned positions, tied embeddings, LayerNorm, GeLU, biases, dropout. */
    GPT(true, true, false, true, true),

    /** LLaMA: rotary positions, untied output layer, RMSNorm, gated SiLU MLP, no biases, no dropout. */
    LLAMA(false, false, true, false, false);

    private final boolean learnedPositions;
    private final boolean tiedByDefault;
    private final boolean gatedMlp;
    private final boolean biases;
    private final boolean dropout;

    TransformerFamily(boolean learnedPositions, boolean tiedByDefault, boolean gatedMlp, boolean biases, boolean dropout) {
        this.learnedPositions = learnedPositions;
        this.tiedByDefault = tiedByDefault;
        this.gatedMlp = gatedMlp;
        this.biases = biases;
        this.dropout = dropout;
    }

    /** The name used in a model spec: "gpt", "llama". */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** A table of position embeddings (GPT) rather than rotary positions applied to queries and keys (LLaMA). */
    public boolean learnedPositions() {
        return learnedPositions;
    }

    /** Whether the output layer shares the input embedding's weights unless the spec says otherwise. */
    public boolean tiedByDefault() {
        return tiedByDefault;
    }

    /** A gated MLP, down(silu(gate(x)) * up(x)) (LLaMA), rather than fc2(gelu(fc1(x))) (GPT). */
    public boolean gatedMlp() {
        return gatedMlp;
    }

    /** Biases on the matrix products, and a bias (beside the weight) in every norm: LayerNorm rather than RMSNorm. */
    public boolean biases() {
        return biases;
    }

    /** Dropout on the embedding, the attention probabilities and both blocks' outputs. */
    public boolean dropout() {
        return dropout;
    }

    /** The norm's operator type. */
    public String normType() {
        return biases ? "LayerNorm" : "RMSNorm";
    }

    /** The MLP width a spec without {@code ffn} gets: 4h (GPT); LLaMA's 2/3 of 4h rounded up to a multiple of 256. */
    public long defaultFfn(long hidden) {
        if (!gatedMlp) {
            return 4 * hidden;
        }
        long twoThirds = (8 * hidden + 2) / 3;
        return (twoThirds + 255) / 256 * 256;
    }

    /** The family named in a spec, or an exception naming the known ones. */
    public static TransformerFamily parse(String key) {
        for (TransformerFamily f : values()) {
            if (f.key().equals(key.strip().toLowerCase(Locale.ROOT))) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown model family '" + key + "' (gpt, llama)");
    }
}
