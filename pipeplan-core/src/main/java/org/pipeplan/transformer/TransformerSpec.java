package org.pipeplan.transformer;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A decoder-only transformer given by its hyperparameters, as in
 * {@code gpt:layers=96,hidden=12288,heads=96,seq=2048,vocab=51200} or
 * {@code llama:layers=32,hidden=4096,heads=32,kv-heads=8,ffn=14336,seq=4096,vocab=128256}.
 *
 * @param family   GPT or LLaMA (see {@link TransformerFamily})
 * @param layers   transformer layers L
 * @param hidden   hidden size h
 * @param heads    attention heads a (h / a is the head size)
 * @param kvHeads  key/value heads g (grouped-query attention; g = a is plain multi-head attention)
 * @param ffn      MLP width F
 * @param seq      tokens per sample s (the sequence length)
 * @param vocab    vocabulary size V
 * @param tied     whether the output layer shares the input embedding's weights
 */
public record TransformerSpec(TransformerFamily family, int layers, int hidden, int heads, int kvHeads, int ffn, int seq,
                              int vocab, boolean tied) {

    /** More layers than this would make an operator graph too large to plan. */
    public static final int MAX_LAYERS = 10_000;

    private static final List<String> REQUIRED = List.of("layers", "hidden", "heads", "seq", "vocab");
    private static final List<String> OPTIONAL = List.of("ffn", "kv-heads", "tied");

    public TransformerSpec {
        java.util.Objects.requireNonNull(family, "family");
        positive("layers", layers);
        positive("hidden", hidden);
        positive("heads", heads);
        positive("kv-heads", kvHeads);
        positive("ffn", ffn);
        positive("seq", seq);
        positive("vocab", vocab);
        if (layers > MAX_LAYERS) {
            throw invalid("layers must be at most " + MAX_LAYERS + ", got " + layers);
        }
        if (hidden % heads != 0) {
            throw invalid("hidden " + hidden + " is not divisible by heads " + heads);
        }
        if (heads % kvHeads != 0) {
            throw invalid("heads " + heads + " is not divisible by kv-heads " + kvHeads);
        }
        try {
            exactParameterCount(family, layers, hidden, heads, kvHeads, ffn, seq, vocab, tied);
        } catch (ArithmeticException e) {
            throw invalid("too large: its parameter count does not fit in 64 bits");
        }
    }

    /**
     * Reads {@code FAMILY:KEY=VALUE,...}. Required keys: layers, hidden, heads, seq, vocab; optional:
     * ffn (default 4h for GPT, LLaMA's 2/3 of 4h rounded up to 256), kv-heads (default heads) and
     * tied (default true for GPT, false for LLaMA).
     */
    public static TransformerSpec parse(String text) {
        int colon = text.indexOf(':');
        if (colon < 0) {
            throw invalid("'" + text + "': expected FAMILY:KEY=VALUE,... such as gpt:layers=12,hidden=768,heads=12,"
                    + "seq=1024,vocab=50257");
        }
        TransformerFamily family = TransformerFamily.parse(text.substring(0, colon));
        Map<String, String> values = new LinkedHashMap<>();
        for (String part : text.substring(colon + 1).split(",", -1)) {
            String p = part.strip();
            int eq = p.indexOf('=');
            if (eq < 0) {
                throw invalid("'" + p + "': expected KEY=VALUE");
            }
            String key = p.substring(0, eq).strip().toLowerCase(java.util.Locale.ROOT);
            if (!REQUIRED.contains(key) && !OPTIONAL.contains(key)) {
                throw invalid("unknown key '" + key + "' (keys: " + String.join(", ", REQUIRED) + ", "
                        + String.join(", ", OPTIONAL) + ")");
            }
            if (values.put(key, p.substring(eq + 1).strip()) != null) {
                throw invalid("key '" + key + "' given twice");
            }
        }
        for (String key : REQUIRED) {
            if (!values.containsKey(key)) {
                throw invalid("missing key '" + key + "' (a " + family.key() + " model needs " + String.join(", ", REQUIRED)
                        + ")");
            }
        }
        int hidden = number(values, "hidden");
        int heads = number(values, "heads");
        int ffn = values.containsKey("ffn") ? number(values, "ffn") : defaultFfn(family, hidden);
        int kvHeads = values.containsKey("kv-heads") ? number(values, "kv-heads") : heads;
        boolean tied = values.containsKey("tied") ? bool(values, "tied") : family.tiedByDefault();
        return new TransformerSpec(family, number(values, "layers"), hidden, heads, kvHeads, ffn, number(values, "seq"),
                number(values, "vocab"), tied);
    }

    /** The size of one attention head, h / a. */
    public int headSize() {
        return hidden / heads;
    }

    /** The width of the keys (and of the values) of one token: g h / a. */
    public long kvWidth() {
        return (long) kvHeads * headSize();
    }

    /** A short name for tables and plan files: "gpt-96x12288", "llama-32x4096". */
    public String name() {
        return family.key() + "-" + layers + "x" + hidden;
    }

    /** The model's spec in the form {@link #parse} reads, with every key. */
    public String text() {
        return family.key() + ":layers=" + layers + ",hidden=" + hidden + ",heads=" + heads + ",kv-heads=" + kvHeads
                + ",ffn=" + ffn + ",seq=" + seq + ",vocab=" + vocab + ",tied=" + tied;
    }

    /** Parameters of the whole model, the shared embedding counted once when tied. */
    public long parameterCount() {
        return exactParameterCount(family, layers, hidden, heads, kvHeads, ffn, seq, vocab, tied);
    }

    /** Parameters of one transformer layer (attention and MLP blocks with their norms). */
    public long layerParameterCount() {
        return layerParameters(family, hidden, heads, kvHeads, ffn);
    }

    private static long exactParameterCount(TransformerFamily family, long layers, long hidden, int heads, int kvHeads,
                                            long ffn, long seq, long vocab, boolean tied) {
        long embedding = Math.multiplyExact(vocab, hidden) + (family.learnedPositions() ? Math.multiplyExact(seq, hidden) : 0);
        long finalNorm = normParameters(family, hidden);
        long output = tied ? 0 : Math.multiplyExact(vocab, hidden);
        long allLayers = Math.multiplyExact(layers, layerParameters(family, hidden, heads, kvHeads, ffn));
        return Math.addExact(Math.addExact(embedding, allLayers), Math.addExact(finalNorm, output));
    }

    private static long layerParameters(TransformerFamily family, long hidden, int heads, int kvHeads, long ffn) {
        long kv = hidden / heads * kvHeads;
        long qkv = Math.multiplyExact(hidden, hidden + 2 * kv) + (family.biases() ? hidden + 2 * kv : 0);
        long projection = Math.multiplyExact(hidden, hidden) + (family.biases() ? hidden : 0);
        long mlp = family.gatedMlp()
                ? Math.multiplyExact(3, Math.multiplyExact(hidden, ffn))
                : Math.multiplyExact(2, Math.multiplyExact(hidden, ffn)) + (family.biases() ? ffn + hidden : 0);
        return Math.addExact(Math.addExact(qkv, projection), mlp) + 2 * normParameters(family, hidden);
    }

    /** A norm's parameters: weight and bias (LayerNorm) or a weight alone (RMSNorm). */
    static long normParameters(TransformerFamily family, long hidden) {
        return family.biases() ? 2 * hidden : hidden;
    }

    private static int defaultFfn(TransformerFamily family, int hidden) {
        long ffn = family.defaultFfn(hidden);
        if (ffn > Integer.MAX_VALUE) {
            throw invalid("hidden " + hidden + " is too large for the default ffn; give ffn");
        }
        return (int) ffn;
    }

    private static int number(Map<String, String> values, String key) {
        String v = values.get(key);
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw invalid(key + " must be a positive whole number, got '" + v + "'");
        }
    }

    private static boolean bool(Map<String, String> values, String key) {
        return switch (values.get(key).toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw invalid(key + " must be true or false, got '" + values.get(key) + "'");
        };
    }

    private static void positive(String key, int value) {
        if (value < 1) {
            throw invalid(key + " must be positive, got " + value);
        }
    }

    private static IllegalArgumentException invalid(String problem) {
        return new IllegalArgumentException("model spec: " + problem);
    }
}
