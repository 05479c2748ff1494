package org.pipeplan.planner;

import java.util.Objects;

/**
 * How one planner run goes, whatever the family: how long it may take, how it draws its random
 * choices, how many threads it may use, what stops it early and where its progress goes.
 * Immutable: the {@code with...} methods return changed copies.
 *
 * @param timeLimitSeconds wall-clock limit; non-positive means none
 * @param seed             seed of every random choice, so that runs are repeatable
 * @param workers          threads a planner may use (exact planners' results do not depend on it)
 * @param stop             raised to make a running planner return its best plan at once
 * @param progress         where progress goes
 */
public record RunSettings(double timeLimitSeconds, long seed, int workers, StopSignal stop, ProgressListener progress) {

    public RunSettings {
        Objects.requireNonNull(stop, "stop");
        Objects.requireNonNull(progress, "progress");
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be >= 1");
        }
    }

    /** No time limit, seed 1, every core, a fresh stop signal, no progress. */
    public static RunSettings defaults() {
        return new RunSettings(0, 1, Runtime.getRuntime().availableProcessors(), new StopSignal(), ProgressListener.NONE);
    }

    public RunSettings withTimeLimit(double seconds) {
        return new RunSettings(seconds, seed, workers, stop, progress);
    }

    public RunSettings withSeed(long value) {
        return new RunSettings(timeLimitSeconds, value, workers, stop, progress);
    }

    public RunSettings withWorkers(int value) {
        return new RunSettings(timeLimitSeconds, seed, value, stop, progress);
    }

    public RunSettings withStop(StopSignal value) {
        return new RunSettings(timeLimitSeconds, seed, workers, value, progress);
    }

    public RunSettings withProgress(ProgressListener value) {
        return new RunSettings(timeLimitSeconds, seed, workers, stop, value);
    }

    /** A fresh deadline from now, tied to the stop signal. */
    public Deadline deadline() {
        return Deadline.in(timeLimitSeconds, stop);
    }
}
