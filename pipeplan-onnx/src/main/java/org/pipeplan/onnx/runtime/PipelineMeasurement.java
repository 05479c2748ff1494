package org.pipeplan.onnx.runtime;

import java.util.List;

/**
 * What a pipeline run measured.
 *
 * @param samples              samples timed (after the warm-up)
 * @param seconds              wall time from the first sample entering to the last leaving
 * @param latencyMeanMs        mean time of a sample from entering the first stage to leaving the last
 * @param latencyP50Ms         median of that time
 * @param latencyP95Ms         95th percentile of that time
 * @param busyMsPerSample      per stage, time spent computing per sample
 */
public record PipelineMeasurement(int samples, double seconds, double latencyMeanMs, double latencyP50Ms,
                                  double latencyP95Ms, List<Double> busyMsPerSample) {

    public PipelineMeasurement {
        busyMsPerSample = List.copyOf(busyMsPerSample);
    }

    /** Samples per second. */
    public double throughput() {
        return samples / seconds;
    }

    /** Per stage, the share of the wall time it was computing. */
    public double utilisation(int stage) {
        return busyMsPerSample.get(stage) * samples / (seconds * 1000);
    }
}
