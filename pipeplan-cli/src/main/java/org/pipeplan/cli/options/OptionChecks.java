package org.pipeplan.cli.options;

/**
 * Range checks of option values that picocli cannot express: each failure is a usage error
 * (exit status 2) whose message names the option, the range and the value given.
 */
public final class OptionChecks {

    private OptionChecks() {
    }

    /** {@code value} must lie in [min, max]. */
    public static long range(String option, long value, long min, long max) {
        if (value < min || value > max) {
            throw new UsageError(option + " must be " + (max == Long.MAX_VALUE ? ">= " + min
                    : "from " + min + " to " + max) + ", got " + value);
        }
        return value;
    }

    public static int range(String option, int value, int min, int max) {
        return (int) range(option, (long) value, min, max);
    }

    /** {@code value} must be a finite number in [min, max] (NaN and infinities never are). */
    public static double finite(String option, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw new UsageError(option + " must be a number from " + plain(min) + " to " + plain(max) + ", got "
                    + plain(value));
        }
        return value;
    }

    private static String plain(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
