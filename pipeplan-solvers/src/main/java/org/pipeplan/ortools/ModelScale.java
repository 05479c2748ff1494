package org.pipeplan.ortools;

/**
 * CP-SAT works on integers: times are multiplied by a power of two and rounded DOWN. Every load
 * in the model is then at most the true load, so a bound the solver proves on the scaled model,
 * divided by the factor, is a valid lower bound on the true optimum; plans are always re-scored
 * exactly by the evaluators.
 */
public final class ModelScale {

    /** Scaled values of loads stay around this size: fine resolution, far from overflow. */
    private static final double TARGET = 1L << 30;

    private final double factor;

    private ModelScale(double factor) {
        this.factor = factor;
    }

    /** A scale for loads up to about {@code largest}. */
    public static ModelScale forMaximum(double largest) {
        if (!(largest > 0) || Double.isInfinite(largest)) {
            return new ModelScale(1);
        }
        return new ModelScale(Math.scalb(1.0, Math.getExponent(TARGET / largest)));
    }

    /** A time in model units, rounded down. */
    public long down(double time) {
        return (long) Math.floor(time * factor);
    }

    /** A time in model units, rounded up. */
    public long up(double time) {
        return (long) Math.ceil(time * factor);
    }

    /** Model units back to time. */
    public double time(double units) {
        return units / factor;
    }
}
