package org.pipeplan.planner;

/**
 * When a solver must stop and return its best plan: a point in time, or earlier if its
 * {@link StopSignal} is raised.
 */
public final class Deadline {

    private final long endNanos;
    private final boolean unlimited;
    private final StopSignal stop;

    private Deadline(long endNanos, boolean unlimited, StopSignal stop) {
        this.endNanos = endNanos;
        this.unlimited = unlimited;
        this.stop = stop;
    }

    /** A deadline {@code seconds} from now; a non-positive or infinite value means none. */
    public static Deadline in(double seconds) {
        return in(seconds, new StopSignal());
    }

    public static Deadline in(double seconds, StopSignal stop) {
        if (!(seconds > 0) || Double.isInfinite(seconds)) {
            return new Deadline(0, true, stop);
        }
        return new Deadline(System.nanoTime() + (long) (seconds * 1e9), false, stop);
    }

    /**
     * A deadline for a part of the work: this one's remaining time times {@code fraction}, tied to
     * {@code signal}. Unlike {@link #in}, a deadline already reached stays reached (zero time left
     * must not turn into no limit).
     */
    public Deadline share(double fraction, StopSignal signal) {
        if (unlimited) {
            return new Deadline(0, true, signal);
        }
        return new Deadline(System.nanoTime() + (long) (remainingSeconds() * fraction * 1e9), false, signal);
    }

    public static Deadline none() {
        return new Deadline(0, true, new StopSignal());
    }

    public boolean expired() {
        return stop.isRequested() || (!unlimited && System.nanoTime() - endNanos >= 0);
    }

    /** Seconds left (0 once stopped), or +infinity. */
    public double remainingSeconds() {
        if (stop.isRequested()) {
            return 0;
        }
        return unlimited ? Double.POSITIVE_INFINITY : Math.max(0, (endNanos - System.nanoTime()) / 1e9);
    }

    /** Why a search stopped early: "interrupted" when its stop signal was raised, else "time limit reached". */
    public String reason() {
        return stop.isRequested() ? "interrupted" : "time limit reached";
    }

    public StopSignal stopSignal() {
        return stop;
    }
}
