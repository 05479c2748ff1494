package org.pipeplan.solver;

/** A point in time after which a solver must stop and return its best plan. */
public final class Deadline {

    private final long endNanos;
    private final boolean unlimited;

    private Deadline(long endNanos, boolean unlimited) {
        this.endNanos = endNanos;
        this.unlimited = unlimited;
    }

    /** A deadline {@code seconds} from now; a non-positive or infinite value means none. */
    public static Deadline in(double seconds) {
        if (!(seconds > 0) || Double.isInfinite(seconds)) {
            return new Deadline(0, true);
        }
        return new Deadline(System.nanoTime() + (long) (seconds * 1e9), false);
    }

    public static Deadline none() {
        return new Deadline(0, true);
    }

    public boolean expired() {
        return !unlimited && System.nanoTime() - endNanos >= 0;
    }

    /** Seconds left, or +infinity. */
    public double remainingSeconds() {
        return unlimited ? Double.POSITIVE_INFINITY : Math.max(0, (endNanos - System.nanoTime()) / 1e9);
    }
}
