package org.pipeplan.generate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Random;

/**
 * Operator statistics of the real models (ResNet, MobileNet, Inception, GoogLeNet, SqueezeNet,
 * ViT, BERT): FLOPs, parameter bytes and output bytes of up to 400 operators of each kind (heavy:
 * Conv, Gemm, MatMul; light: activations, norms, pooling, arithmetic; shape: reshapes, gathers,
 * constants), written by tools/edge-tpu-op-samples.py. The generator draws operators from them.
 */
public final class OpSamples {

    /** Kinds of operators, as the samples group them. */
    public enum Kind { HEAVY, LIGHT, SHAPE }

    private final long[][][] samples = new long[Kind.values().length][][];

    private OpSamples(JsonNode root) {
        for (Kind k : Kind.values()) {
            JsonNode list = root.path("samples").path(k.name().toLowerCase(java.util.Locale.ROOT));
            samples[k.ordinal()] = new long[list.size()][3];
            for (int i = 0; i < list.size(); i++) {
                for (int j = 0; j < 3; j++) {
                    samples[k.ordinal()][i][j] = list.get(i).get(j).asLong();
                }
            }
            if (list.isEmpty()) {
                throw new IllegalStateException("no samples of kind " + k);
            }
        }
    }

    /** The bundled samples. */
    public static OpSamples bundled() {
        try (InputStream in = OpSamples.class.getResourceAsStream("op-samples.json")) {
            if (in == null) {
                throw new IllegalStateException("op-samples.json missing from the class path");
            }
            return new OpSamples(new ObjectMapper().readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One operator of a kind: {flops, parameter bytes, output bytes}. */
    public long[] draw(Kind kind, Random random) {
        long[][] list = samples[kind.ordinal()];
        return list[random.nextInt(list.length)].clone();
    }
}
