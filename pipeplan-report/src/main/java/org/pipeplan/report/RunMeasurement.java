package org.pipeplan.report;

import java.util.List;

/**
 * What {@code pipeplan run} measured for a plan (its JSON output), for the predicted-against-
 * measured part of the report. Times in milliseconds, throughput in samples per second.
 */
public record RunMeasurement(String model, List<Stage> stages, double predictedThroughput, double measuredThroughput,
                             double predictedLatencyMs, double measuredLatencyMs, double speedup) {

    public RunMeasurement {
        stages = List.copyOf(stages);
    }

    /** One stage: its device, predicted and measured busy time per sample. */
    public record Stage(int index, String device, int nodes, double predictedMs, double measuredMs) {

        /** Relative error of the prediction (positive: predicted slower than measured). */
        public double error() {
            return (predictedMs - measuredMs) / measuredMs;
        }
    }
}
