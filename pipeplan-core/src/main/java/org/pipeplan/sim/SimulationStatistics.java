package org.pipeplan.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.pipeplan.device.Device;
import org.pipeplan.placement.evaluate.Evaluation;

/**
 * The figures of a finished run. They are measured in a steady-state window: the last mini-batch
 * in training (from the end of the one before); when streaming, the middle half of the samples by
 * finish time, if they finish apart, else the whole run. Throughput, every device's busy times
 * and utilisation, and the engines' bubble are in that window; latencies are over every sample.
 */
final class SimulationStatistics {

    /** Shortest window: a run of tasks that take no time still has a finite throughput. */
    private static final double MIN_WINDOW = 1e-9;

    /** The measured window and the samples it counts. */
    private record Window(double from, double to, double samples) {

        double length() {
            return Math.max(to - from, MIN_WINDOW);
        }
    }

    private final SimulationOptions options;
    private final List<Device> devices;
    private final Evaluation loads;
    private final SimulatedTasks tasks;
    private final ResourceLayout resources;
    private final MemoryTracker memory;
    private final Timeline timeline;

    private SimulationStatistics(SimulationOptions options, List<Device> devices, Evaluation loads,
                                 SimulatedTasks tasks, ResourceLayout resources, MemoryTracker memory, Timeline timeline) {
        this.options = options;
        this.devices = devices;
        this.loads = loads;
        this.tasks = tasks;
        this.resources = resources;
        this.memory = memory;
        this.timeline = timeline;
    }

    /**
     * The result of a run. Its latencyAlone is the loaded latency; the simulator puts in the one
     * of a sample through an empty pipeline.
     */
    static SimulationResult of(SimulationOptions options, List<Device> devices, Evaluation loads, SimulatedTasks tasks,
                               ResourceLayout resources, MemoryTracker memory, TraceRecorder trace, Timeline timeline,
                               String note) {
        return new SimulationStatistics(options, devices, loads, tasks, resources, memory, timeline)
                .result(trace, note);
    }

    private SimulationResult result(TraceRecorder trace, String note) {
        Window window = window();
        double length = window.length();
        double throughput = window.samples() / length;

        // busy time of every task within the window, by device (compute or transfer) and by resource
        double[] compute = new double[tasks.devices];
        double[] transfer = new double[tasks.devices];
        double[] resourceBusy = new double[resources.count()];
        double[] start = timeline.start();
        double[] end = timeline.end();
        for (int id = 0; id < end.length; id++) {
            double overlap = Math.max(0, Math.min(end[id], window.to()) - Math.max(start[id], window.from()));
            if (overlap <= 0) {
                continue;
            }
            (tasks.isCompute(id) ? compute : transfer)[tasks.deviceOf(id)] += overlap;
            for (int r : resources.heldBy(tasks, id)) {
                resourceBusy[r] += overlap;
            }
        }

        List<DeviceActivity> activity = new ArrayList<>();
        double worst = 0;
        for (Device dev : devices) {
            int d = dev.index();
            int r = resources.replicas(d);
            double utilisation = 0;
            double peak = 0;
            double peakStash = 0;
            for (int k = 0; k < r; k++) {
                int engine = resources.engine(d, k);
                utilisation += Math.max(resourceBusy[engine], resourceBusy[resources.port(d, k)]) / length / r;
                peak = Math.max(peak, memory.peak(engine));
                peakStash = Math.max(peakStash, memory.peakStashed(engine));
            }
            activity.add(new DeviceActivity(dev, r, compute[d] / window.samples(), transfer[d] / window.samples(),
                    utilisation, loads.devices().get(d).memory(), peak, peakStash));
            worst = Math.max(worst, loads.devices().get(d).load() / r);
        }
        double bubble = bubble(resourceBusy, length);

        double[] latency = latencies();
        double mean = Arrays.stream(latency).average().orElse(0);
        double[] sortedLatency = latency.clone();
        Arrays.sort(sortedLatency);
        int samples = tasks.samples;
        double p95 = sortedLatency[Math.min(samples - 1, (int) Math.ceil(0.95 * samples) - 1)];
        return new SimulationResult(options, throughput, worst > 0 ? 1 / worst : Double.POSITIVE_INFINITY,
                mean, mean, p95, bubble, window.from(), window.to(), timeline.makespan(), activity, resources.lanes(),
                trace.segments(), trace.complete(), note);
    }

    private Window window() {
        if (options.schedule().training()) {
            double[] batchEnd = new double[tasks.batches];
            for (int b = 0; b < tasks.batches; b++) {
                for (int d = 0; d < tasks.devices; d++) {
                    batchEnd[b] = Math.max(batchEnd[b], timeline.end()[tasks.flush(b, d)]);
                }
            }
            return new Window(tasks.batches >= 2 ? batchEnd[tasks.batches - 2] : 0, batchEnd[tasks.batches - 1],
                    tasks.perBatch);
        }
        int samples = tasks.samples;
        double[] sorted = timeline.finished().clone();
        Arrays.sort(sorted);
        int lo = lastTied(sorted, samples / 4);
        int hi = lastTied(sorted, samples - 1 - samples / 4);
        // the samples that finish after the window's start and by its end: replicas finish several
        // samples at the same instant, and all of those at the window's start belong before it
        if (samples >= 4 && sorted[hi] > sorted[lo]) {
            return new Window(sorted[lo], sorted[hi], hi - lo);
        }
        return new Window(0, timeline.makespan(), samples);
    }

    /** The last index of the run of equal finish times that index i is in (sorted ascending). */
    private static int lastTied(double[] sorted, int i) {
        int j = i;
        while (j + 1 < sorted.length && sorted[j + 1] - sorted[i] <= 1e-12 * Math.max(1, Math.abs(sorted[i]))) {
            j++;
        }
        return j;
    }

    /** Share of the window the engines of the devices that compute sat idle. */
    private double bubble(double[] resourceBusy, double length) {
        double engineBusy = 0;
        int engines = 0;
        for (Device dev : devices) {
            int d = dev.index();
            for (int k = 0; k < resources.replicas(d); k++) {
                if (tasks.computesOn(d)) {
                    engineBusy += resourceBusy[resources.engine(d, k)];
                    engines++;
                }
            }
        }
        return engines == 0 ? 0 : Math.max(0, 1 - engineBusy / (engines * length));
    }

    /** Per sample: admission to finish when streaming, first start to finish in training. */
    private double[] latencies() {
        boolean training = options.schedule().training();
        double[] latency = new double[tasks.samples];
        for (int s = 0; s < tasks.samples; s++) {
            latency[s] = timeline.finished()[s] - (training ? timeline.firstStart()[s] : timeline.admitted()[s]);
        }
        return latency;
    }
}
