package org.pipeplan.sim;

import java.util.ArrayList;
import java.util.List;
import org.pipeplan.device.Device;
import org.pipeplan.graph.OperatorGraph;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.placement.Placement;

/**
 * Every task of one run, numbered: the tasks of {@link SampleTasks} once per sample (task t of
 * sample s is number {@code s * perSample + t}), then in training one flush per mini-batch and
 * device (mini-batch b on device d is {@code flushBase + b * devices + d}). One number per task
 * lets the event loop, the schedule policies and the statistics keep their state in flat arrays,
 * and it is the tie-breaker that makes runs deterministic.
 */
final class SimulatedTasks {

    final SampleTasks template;
    /** Tasks per sample. */
    final int perSample;
    final int samples;
    /** Samples per mini-batch (all of them when streaming). */
    final int perBatch;
    /** Mini-batches (1 when streaming). */
    final int batches;
    final int devices;
    /** Number of the first flush: every sample task is below it. */
    final int flushBase;
    /** Tasks in all, flushes included. */
    final int count;
    /** Template compute tasks per device, forward and backward. */
    final int[][] forwardOn;
    final int[][] backwardOn;
    /** Template tasks with no dependency within the sample. */
    final int[] roots;
    /** Time of every device's flush (its replicas' all-reduce), by device. */
    private final double[] flushTime;

    SimulatedTasks(SampleTasks template, PlacementProblem problem, Placement placement, SimulationOptions options) {
        this.template = template;
        List<Device> all = problem.devices().all();
        devices = all.size();
        perSample = template.size();
        samples = options.samples();
        boolean training = options.schedule().training();
        perBatch = training ? options.microBatches() : samples;
        batches = training ? options.miniBatches() : 1;
        flushBase = samples * perSample;
        count = flushBase + (training ? batches * devices : 0);

        List<List<Integer>> fw = new ArrayList<>();
        List<List<Integer>> bw = new ArrayList<>();
        for (int d = 0; d < devices; d++) {
            fw.add(new ArrayList<>());
            bw.add(new ArrayList<>());
        }
        List<Integer> rootList = new ArrayList<>();
        for (int t = 0; t < perSample; t++) {
            if (template.kind[t] == SampleTasks.Kind.COMPUTE) {
                (template.backward[t] ? bw : fw).get(template.device[t]).add(t);
            }
            if (template.dependencies[t] == 0) {
                rootList.add(t);
            }
        }
        forwardOn = fw.stream().map(l -> l.stream().mapToInt(Integer::intValue).toArray()).toArray(int[][]::new);
        backwardOn = bw.stream().map(l -> l.stream().mapToInt(Integer::intValue).toArray()).toArray(int[][]::new);
        roots = rootList.stream().mapToInt(Integer::intValue).toArray();
        flushTime = flushTimes(problem, placement, options);
    }

    /** Ring all-reduce of a replicated device's gradients at the end of a mini-batch. */
    private static double[] flushTimes(PlacementProblem problem, Placement placement, SimulationOptions options) {
        List<Device> all = problem.devices().all();
        double[] time = new double[all.size()];
        OperatorGraph g = problem.graph();
        for (Device dev : all) {
            int r = options.replicasOf(dev.index());
            if (r > 1 && options.schedule().training()) {
                double bytes = 0;
                for (int v = 0; v < g.size(); v++) {
                    if (placement.deviceOf(v) == dev.index()) {
                        bytes += g.operator(v).memoryBytes();
                    }
                }
                time[dev.index()] = 2.0 * (r - 1) / r * bytes * options.allReducePerByte();
            }
        }
        return time;
    }

    int id(int sample, int templateTask) {
        return sample * perSample + templateTask;
    }

    int sampleOf(int id) {
        return id / perSample;
    }

    int templateOf(int id) {
        return id % perSample;
    }

    int batchOf(int sample) {
        return sample / perBatch;
    }

    boolean isFlush(int id) {
        return id >= flushBase;
    }

    int flush(int batch, int device) {
        return flushBase + batch * devices + device;
    }

    int flushBatch(int id) {
        return (id - flushBase) / devices;
    }

    int flushDevice(int id) {
        return (id - flushBase) % devices;
    }

    /** The device whose engine or link does the task. */
    int deviceOf(int id) {
        return isFlush(id) ? flushDevice(id) : template.device[templateOf(id)];
    }

    /** A compute task of a sample (not a transfer, not a flush). */
    boolean isCompute(int id) {
        return !isFlush(id) && template.kind[templateOf(id)] == SampleTasks.Kind.COMPUTE;
    }

    /** True when the device computes something of a sample. */
    boolean computesOn(int device) {
        return forwardOn[device].length + backwardOn[device].length > 0;
    }

    double duration(int id) {
        return isFlush(id) ? flushTime[flushDevice(id)] : template.duration[templateOf(id)];
    }

    /** What a task shows as in the trace. */
    ActivityKind activity(int id) {
        if (isFlush(id)) {
            return ActivityKind.ALLREDUCE;
        }
        int t = templateOf(id);
        return switch (template.kind[t]) {
            case COMPUTE -> template.backward[t] ? ActivityKind.BACKWARD : ActivityKind.FORWARD;
            case SEND -> ActivityKind.SEND;
            case RECEIVE -> ActivityKind.RECEIVE;
        };
    }
}
