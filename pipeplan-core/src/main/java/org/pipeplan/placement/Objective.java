package org.pipeplan.placement;

/** What a plan minimises. */
public enum Objective {
    /** Max-load: the largest device load, i.e. the pipeline's time per sample (throughput = 1 / it). */
    MAX_LOAD("max-load"),
    /** Largest forward load plus largest backward load, for training graphs (appendix C of the paper). */
    MAX_FORWARD_PLUS_MAX_BACKWARD("fw+bw"),
    /** Single-sample latency: time from input to the last output. */
    LATENCY("latency");

    private final String label;

    Objective(String label) {
        this.label = label;
    }

    /** The name used on the command line and in plan files. */
    public String label() {
        return label;
    }

    public static Objective fromLabel(String text) {
        for (Objective o : values()) {
            if (o.label.equals(text)) {
                return o;
            }
        }
        throw new IllegalArgumentException("unknown objective '" + text + "'; known: max-load, fw+bw, latency");
    }
}
