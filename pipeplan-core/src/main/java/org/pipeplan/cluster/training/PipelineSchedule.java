package org.pipeplan.cluster.training;

import java.util.Locale;

/** How the stages of a training pipeline interleave the micro-batches of an iteration. */
public enum PipelineSchedule {
    /** All forward passes of the iteration, then all backward passes (GPipe). */
    GPIPE("gpipe"),
    /** One forward, one backward in turn after a warm-up, flushing at the end (PipeDream-Flush). */
    ONE_F_ONE_B("1f1b"),
    /** 1F1B over v model chunks per GPU (Megatron-LM's interleaved schedule): a smaller bubble. */
    INTERLEAVED("interleaved");

    private final String label;

    PipelineSchedule(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static PipelineSchedule parse(String text) {
        for (PipelineSchedule s : values()) {
            if (s.label.equals(text.toLowerCase(Locale.ROOT))) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown schedule '" + text + "' (gpipe, 1f1b, interleaved)");
    }
}
