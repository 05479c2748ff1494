package org.pipeplan.sim;

import java.util.Locale;

/** The order in which the devices of a pipeline work through micro-batches. */
public enum Schedule {
    /** Inference: samples stream through; every device works on the oldest sample it can. */
    STREAMING,
    /**
     * Training as in GPipe: every micro-batch of a mini-batch runs forward, then every one runs
     * backward; the weights are updated (and replicas all-reduced) before the next mini-batch.
     */
    GPIPE,
    /**
     * Training as in PipeDream-Flush (1F1B): a device at pipeline position i of p keeps at most
     * p - i micro-batches in flight and runs a ready backward before any forward, so activations
     * of fewer micro-batches are stashed than in GPipe; the mini-batch ends with the same flush.
     */
    ONE_F_ONE_B;

    /** True for the training schedules (forward and backward passes, flushes). */
    public boolean training() {
        return this != STREAMING;
    }

    public String label() {
        return switch (this) {
            case STREAMING -> "streaming";
            case GPIPE -> "gpipe";
            case ONE_F_ONE_B -> "1f1b";
        };
    }

    public static Schedule parse(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "streaming", "stream", "inference" -> STREAMING;
            case "gpipe" -> GPIPE;
            case "1f1b", "one-f-one-b", "pipedream-flush" -> ONE_F_ONE_B;
            default -> throw new IllegalArgumentException("unknown schedule '" + text + "' (streaming, gpipe, 1f1b)");
        };
    }
}
