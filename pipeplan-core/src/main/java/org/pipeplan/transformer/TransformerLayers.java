package org.pipeplan.transformer;

import static org.pipeplan.graph.TensorParallelism.COLUMN;
import static org.pipeplan.graph.TensorParallelism.REPLICATED;
import static org.pipeplan.graph.TensorParallelism.ROW;
import static org.pipeplan.graph.TensorParallelism.SPLIT;

import org.pipeplan.graph.TensorParallelism;

/**
 * Lays out the forward pass of a transformer as Megatron-LM runs it, per sample (one sequence of
 * s tokens), in 16-bit tensors and weights: its operators with their work and parameters, the
 * tensors between them, and the tensors kept for the backward pass (docs/training.md,
 * "Transformer models", states every figure).
 *
 * <p>Each norm also hands its input on to the residual add after its block (the residual branch
 * leaves the stream at the norm), so that one tensor enters a layer and one gradient leaves it, as
 * between the stages of a pipeline; a norm keeps that input for its backward operator on its own
 * stash (from the norm to its backward operator).
 *
 * <p>Kept tensors, per layer and sample, s h (34 + 5 a s / h) bytes for GPT with g = a (Korthikanti
 * et al., 2022): produced by replicated operators 10 s h (both norms' inputs and outputs,
 * both dropout masks), by split ones 24 s h (Q, K, V, the attention output, the MLP's
 * pre-activation and activation) and 5 a s^2 (the softmax output, the attention dropout's mask and
 * output). For LLaMA (no dropout, rotary positions, a gated MLP of width F, g key/value heads of
 * size h / a): replicated 8 s h; split 4 s h + 4 s g h / a + 6 s F and 2 a s^2 (the softmax output,
 * read by the softmax's and the context's backward operators, kept once).
 */
final class TransformerLayers {

    /** Bytes of one element of an activation or a weight (16-bit). */
    static final double E = 2;
    /** Bytes of one token id or label (int64, as Megatron-LM's data loader gives them). */
    static final double ID = 8;
    /** Bytes of one element of the loss's softmax, which Megatron-LM computes and keeps in 32 bits. */
    static final double LOSS_E = 4;
    /** One dropout mask element (a byte). */
    static final double MASK = 1;

    /** FLOPs per element of the elementwise operators. */
    static final double LAYER_NORM_FLOPS = 8;
    static final double RMS_NORM_FLOPS = 4;
    /** Scale, causal mask, max, exp, sum and divide, fused. */
    static final double SOFTMAX_FLOPS = 5;
    static final double DROPOUT_FLOPS = 2;
    static final double GELU_FLOPS = 8;
    /** silu(gate) * up, per output element. */
    static final double SILU_MUL_FLOPS = 5;
    /** Per element of the queries and keys: x cos + rotate(x) sin. */
    static final double ROTARY_FLOPS = 3;
    static final double ADD_FLOPS = 1;
    /** Per logit: softmax, and the log-probability of the label. */
    static final double CROSS_ENTROPY_FLOPS = 5;

    private final TransformerSpec spec;
    private final TransformerFamily family;
    private final ForwardGraph graph = new ForwardGraph();
    private final double s;
    private final double h;
    private final double a;
    private final double kv;
    private final double f;
    private final double v;

    private TransformerLayers(TransformerSpec spec) {
        this.spec = spec;
        this.family = spec.family();
        this.s = spec.seq();
        this.h = spec.hidden();
        this.a = spec.heads();
        this.kv = spec.kvWidth();
        this.f = spec.ffn();
        this.v = spec.vocab();
    }

    /** The forward pass of the model: the embedding (layer 0), layers 1..L, the head (L+1). */
    static ForwardGraph of(TransformerSpec spec) {
        TransformerLayers layout = new TransformerLayers(spec);
        int x = layout.embedding();
        for (int l = 1; l <= spec.layers(); l++) {
            x = layout.layer(l, x);
        }
        layout.head(x, spec.layers() + 1L);
        return layout.graph;
    }

    /** Token lookup; GPT adds the position table and drops out. Returns the operator whose output enters layer 1. */
    private int embedding() {
        double sh = s * h;
        // Megatron-LM's vocab-parallel embedding: the table split by rows, the output all-reduced
        int token = graph.add(new ForwardOperator("embedding.token", "Embedding", 0, ROW, v * h, 0,
                ID * s + 2 * E * sh, E * sh, E * sh, sh));
        graph.keep(token, token, ID * s); // the token ids, for the table's gradient
        int x = token;
        if (family.learnedPositions()) {
            int position = graph.add(new ForwardOperator("embedding.position", "PositionEmbedding", 0, REPLICATED, s * h,
                    ADD_FLOPS * sh, 3 * E * sh, E * sh, E * sh, ADD_FLOPS * sh));
            graph.flow(x, position, E * sh);
            x = position;
        }
        if (family.dropout()) {
            x = dropout("embedding.dropout", 0, "Dropout", REPLICATED, sh, x);
        }
        return x;
    }

    /** Transformer layer l on the output of operator {@code input}; returns its last operator. */
    private int layer(long l, int input) {
        String p = "layer" + l + ".";
        double sh = s * h;
        double scores = a * s * s;
        boolean bias = family.biases();

        // attention block
        int norm1 = norm(p + "attention.norm", l, input);
        int qkv = linear(p + "attention.qkv", "MatMul", l, COLUMN, h, h + 2 * kv, bias);
        double qk = E * s * (h + kv);
        graph.flow(norm1, qkv, E * sh);
        graph.keep(norm1, qkv, E * sh);
        int queriesKeys = qkv;
        if (!family.learnedPositions()) {
            double elements = s * (h + kv);
            queriesKeys = graph.add(new ForwardOperator(p + "attention.rotary", "RotaryEmbedding", l, SPLIT, 0,
                    ROTARY_FLOPS * elements, 2 * E * elements, E * elements, 0, ROTARY_FLOPS * elements));
            graph.flow(qkv, queriesKeys, qk);
        }
        double product = 2 * s * s * h; // Q K^T, and the probabilities times V: 2 s^2 d per head
        int qkT = graph.add(new ForwardOperator(p + "attention.scores", "AttentionScores", l, SPLIT, 0, product,
                qk + E * scores, E * scores, 0, 2 * product));
        graph.flow(queriesKeys, qkT, qk);
        graph.keep(queriesKeys, qkT, qk);
        int softmax = graph.add(new ForwardOperator(p + "attention.softmax", "AttentionSoftmax", l, SPLIT, 0,
                SOFTMAX_FLOPS * scores, 2 * E * scores, E * scores, 0, SOFTMAX_FLOPS * scores));
        graph.flow(qkT, softmax, E * scores);
        graph.keep(softmax, softmax, E * scores); // its output, for its own gradient
        int probabilities = softmax;
        if (family.dropout()) {
            probabilities = dropout(p + "attention.probs_dropout", l, "AttentionDropout", SPLIT, scores, softmax);
        }
        int context = graph.add(new ForwardOperator(p + "attention.context", "AttentionContext", l, SPLIT, 0, product,
                E * scores + E * s * kv + E * sh, E * sh, 0, 2 * product));
        graph.flow(probabilities, context, E * scores);
        graph.flow(qkv, context, E * s * kv);
        if (probabilities == softmax) {
            graph.reuse(softmax, context, E * scores); // kept for the softmax's gradient already
        } else {
            graph.keep(probabilities, context, E * scores); // the dropout's output
        }
        graph.keep(qkv, context, E * s * kv); // V
        int projection = linear(p + "attention.proj", "MatMul", l, ROW, h, h, bias);
        graph.flow(context, projection, E * sh);
        graph.keep(context, projection, E * sh);
        int attention = projection;
        if (family.dropout()) {
            attention = dropout(p + "attention.dropout", l, "Dropout", REPLICATED, sh, projection);
        }
        int residual1 = residual(p + "attention.residual", l, attention, norm1);

        // MLP block
        int norm2 = norm(p + "mlp.norm", l, residual1);
        int mlp;
        if (family.gatedMlp()) {
            int gateUp = linear(p + "mlp.gate_up", "MatMul", l, COLUMN, h, 2 * f, false);
            graph.flow(norm2, gateUp, E * sh);
            graph.keep(norm2, gateUp, E * sh);
            double sf = s * f;
            int act = graph.add(new ForwardOperator(p + "mlp.silu_mul", "SiluMul", l, SPLIT, 0, SILU_MUL_FLOPS * sf,
                    3 * E * sf, E * sf, 0, SILU_MUL_FLOPS * sf));
            graph.flow(gateUp, act, 2 * E * sf);
            graph.keep(gateUp, act, 2 * E * sf); // gate and up
            int down = linear(p + "mlp.down", "MatMul", l, ROW, f, h, false);
            graph.flow(act, down, E * sf);
            graph.keep(act, down, E * sf);
            mlp = down;
        } else {
            int fc1 = linear(p + "mlp.fc1", "MatMul", l, COLUMN, h, f, bias);
            graph.flow(norm2, fc1, E * sh);
            graph.keep(norm2, fc1, E * sh);
            double sf = s * f;
            int gelu = graph.add(new ForwardOperator(p + "mlp.gelu", "Gelu", l, SPLIT, 0, GELU_FLOPS * sf, 2 * E * sf,
                    E * sf, 0, GELU_FLOPS * sf));
            graph.flow(fc1, gelu, E * sf);
            graph.keep(fc1, gelu, E * sf);
            int fc2 = linear(p + "mlp.fc2", "MatMul", l, ROW, f, h, bias);
            graph.flow(gelu, fc2, E * sf);
            graph.keep(gelu, fc2, E * sf);
            mlp = fc2;
        }
        if (family.dropout()) {
            mlp = dropout(p + "mlp.dropout", l, "Dropout", REPLICATED, sh, mlp);
        }
        return residual(p + "mlp.residual", l, mlp, norm2);
    }

    /** Final norm, output projection to the vocabulary, softmax cross-entropy. */
    private void head(int input, long l) {
        double sh = s * h;
        double sv = s * v;
        int norm = graph.add(normOperator("head.norm", l));
        graph.flow(input, norm, E * sh);
        graph.keep(norm, norm, E * sh);
        // tied: a copy of the embedding's table, counted as its own parameters ("TiedLmHead")
        int output = linear("head.output", spec.tied() ? "TiedLmHead" : "MatMul", l, COLUMN, h, v, false);
        graph.flow(norm, output, E * sh);
        graph.keep(norm, output, E * sh);
        // Megatron-LM's vocab-parallel cross-entropy: each GPU of a tensor group works on its logits
        int loss = graph.add(new ForwardOperator("head.loss", "SoftmaxCrossEntropy", l, SPLIT, 0,
                CROSS_ENTROPY_FLOPS * sv, E * sv + ID * s + LOSS_E * sv + LOSS_E * s, LOSS_E * s, 0,
                CROSS_ENTROPY_FLOPS * sv));
        graph.flow(output, loss, E * sv);
        graph.keep(loss, loss, LOSS_E * sv + ID * s); // its softmax (32-bit) and the labels
    }

    /** A matrix product of the s tokens: in -> out features, weights (and a bias) owned. */
    private int linear(String name, String type, long l, TensorParallelism style, double in, double out, boolean bias) {
        double params = in * out + (bias ? out : 0);
        double flops = 2 * s * in * out;
        return graph.add(new ForwardOperator(name, type, l, style, params, flops, E * s * in + E * s * out + E * params,
                E * s * out, E * params, 2 * flops));
    }

    /** A norm of the stream from {@code input}; it keeps its input (passed on to the residual add). */
    private int norm(String name, long l, int input) {
        int norm = graph.add(normOperator(name, l));
        graph.flow(input, norm, E * s * h);
        graph.keep(norm, norm, E * s * h);
        return norm;
    }

    private ForwardOperator normOperator(String name, long l) {
        double sh = s * h;
        double params = TransformerSpec.normParameters(family, spec.hidden());
        double flops = (family.biases() ? LAYER_NORM_FLOPS : RMS_NORM_FLOPS) * sh;
        return new ForwardOperator(name, family.normType(), l, REPLICATED, params, flops, 2 * E * sh + E * params, E * sh,
                E * params, flops);
    }

    /** Dropout of {@code elements} elements from {@code input}; it keeps its mask. */
    private int dropout(String name, long l, String type, TensorParallelism style, double elements, int input) {
        int d = graph.add(new ForwardOperator(name, type, l, style, 0, DROPOUT_FLOPS * elements,
                (2 * E + MASK) * elements, E * elements, 0, DROPOUT_FLOPS * elements));
        graph.flow(input, d, E * elements);
        graph.keep(d, d, MASK * elements);
        return d;
    }

    /** The residual add of a block's output and the stream handed on by the block's norm. */
    private int residual(String name, long l, int block, int norm) {
        double sh = s * h;
        int add = graph.add(new ForwardOperator(name, "Add", l, REPLICATED, 0, ADD_FLOPS * sh, 3 * E * sh, E * sh, 0,
                ADD_FLOPS * sh));
        graph.flow(block, add, E * sh);
        graph.flow(norm, add, E * sh);
        return add;
    }
}
