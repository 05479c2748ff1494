package org.pipeplan.edgetpu;

import java.nio.file.Path;
import java.util.Objects;
import org.pipeplan.planner.RunSettings;

/**
 * Settings of the Edge TPU schedulers: the run's limits, and what the family adds.
 *
 * @param run        time limit, seed, workers, stop signal and progress
 * @param checkpoint the learned scheduler's checkpoint, or null for the bundled one
 */
public record EdgeTpuOptions(RunSettings run, Path checkpoint) {

    public EdgeTpuOptions {
        Objects.requireNonNull(run, "run");
    }

    public static EdgeTpuOptions defaults() {
        return new EdgeTpuOptions(RunSettings.defaults(), null);
    }

    public EdgeTpuOptions withRun(RunSettings value) {
        return new EdgeTpuOptions(value, checkpoint);
    }

    public EdgeTpuOptions withCheckpoint(Path value) {
        return new EdgeTpuOptions(run, value);
    }
}
