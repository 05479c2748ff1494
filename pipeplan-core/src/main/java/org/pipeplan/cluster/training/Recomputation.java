package org.pipeplan.cluster.training;

import java.util.Locale;

/** Which activations the backward pass computes again instead of keeping them. */
public enum Recomputation {
    /** Keep every activation the backward pass needs. */
    NONE("none"),
    /**
     * Recompute the attention core (scores, softmax, dropout, context): drops its activations,
     * which grow with the square of the sequence, for little compute (Korthikanti et al., 2022).
     */
    SELECTIVE("selective"),
    /** Keep only each layer's input and run the forward pass again before the backward pass. */
    FULL("full");

    private final String label;

    Recomputation(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static Recomputation parse(String text) {
        for (Recomputation r : values()) {
            if (r.label.equals(text.toLowerCase(Locale.ROOT))) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown recomputation '" + text + "' (none, selective, full)");
    }
}
