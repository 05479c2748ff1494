package org.pipeplan.sim;

import java.util.List;

/**
 * What a simulated plan did. Times are in the problem's time unit; throughput is samples per unit.
 *
 * @param options            how it was simulated
 * @param throughput         samples per time unit in the measured steady-state window
 * @param analyticThroughput what the max-load model predicts: 1 / max over devices of load / replicas
 * @param latencyAlone       time one sample takes through an empty pipeline
 * @param latencyMean        mean time per sample under load (admission to completion when
 *                           streaming, first to last task in training)
 * @param latencyP95         95th percentile of the same
 * @param bubbleFraction     share of the window the used devices' engines sat idle
 * @param windowStart        start of the measured window
 * @param windowEnd          end of the measured window
 * @param makespan           time the last task ended
 * @param devices            per device (used or not), in device-set order
 * @param lanes              names of the trace lanes: one per device replica engine, one per
 *                           separate link when transfers overlap, the shared link if any
 * @param trace              the schedule, merged into segments; may stop early (see traceComplete)
 * @param traceComplete      false when the trace was cut to keep it small
 * @param note               remarks ("1F1B in-flight limits raised to 3 to avoid a stall"), or ""
 */
public record SimulationResult(SimulationOptions options, double throughput, double analyticThroughput,
                               double latencyAlone, double latencyMean, double latencyP95, double bubbleFraction,
                               double windowStart, double windowEnd, double makespan, List<DeviceActivity> devices,
                               List<String> lanes, List<TraceSegment> trace, boolean traceComplete, String note) {

    public SimulationResult {
        devices = List.copyOf(devices);
        lanes = List.copyOf(lanes);
        trace = List.copyOf(trace);
        note = note == null ? "" : note;
    }

    /** Simulated over analytic throughput: 1 where the model's assumptions hold. */
    public double agreement() {
        return throughput / analyticThroughput;
    }

    /** Time per sample in steady state. */
    public double timePerSample() {
        return 1.0 / throughput;
    }
}
