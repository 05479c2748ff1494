package org.pipeplan.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;
import org.pipeplan.device.Device;
import org.pipeplan.graph.OperatorGraph;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.placement.Placement;
import org.pipeplan.placement.evaluate.Evaluation;
import org.pipeplan.placement.evaluate.MaxLoadEvaluator;

/** TEMPORARY: the simulator as it was before the split, to compare the split against. Delete with the comparison test.
 *
 * A discrete-event simulator of a placement running as a pipeline.
 *
 * <p>Every sample (micro-batch) makes the tasks of {@link SampleTasks}. Resources are the compute
 * engine of every device replica, its link (the engine itself unless transfers overlap), and an
 * optional shared host link. Whenever a resource is free it starts its most urgent ready task: the
 * oldest sample first when streaming; in GPipe all forwards of a mini-batch before its backwards;
 * in 1F1B backwards first, with at most p - i micro-batches in flight at pipeline position i.
 * Training mini-batches end with a flush per device (an all-reduce when it is replicated); the
 * next mini-batch starts when every device is flushed, as a training loop's step does. Replica r of a device takes samples r, r + R, r + 2R...
 *
 * <p>Deterministic: ties are broken by task number. Tensors are held in memory from the end of
 * the task that makes or receives them until every local user is done.
 */
final class LegacySimulatorForComparison {

    /** Segments kept in a trace at most; longer schedules are cut (the figures stay exact). */
    static final int MAX_TRACE_SEGMENTS = 200_000;
    private static final double EPS = 1e-9;

    private final PlacementProblem problem;
    private final Placement placement;
    private final SimulationOptions options;
    /** The placement in the max-load model: its loads and its pipeline order. */
    private final Evaluation loads;

    // --- the instance: template, samples, resources
    private final SampleTasks tpl;
    private final int taskCount;
    private final int samples;
    private final int perBatch;
    private final int batches;
    private final int deviceCount;
    private final int flushBase;
    private final int[][] engine;
    private final int[][] port;
    private final int bus;
    private final int resourceCount;
    private final List<String> lanes = new ArrayList<>();
    private final double[] flushTime;
    /** Template compute tasks per device, forward and backward. */
    private final int[][] forwardOn;
    private final int[][] backwardOn;
    private final int[][] localInputs;
    private final int[] roots;
    private final int[] cap;

    // --- the state
    private final int[] waiting;
    private final double[] start;
    private final double[] end;
    private final boolean[] busy;
    private final int[] runningOn;
    private final List<PriorityQueue<Integer>> ready = new ArrayList<>();
    private final PriorityQueue<double[]> events = new PriorityQueue<>((a, b) -> a[0] != b[0]
            ? Double.compare(a[0], b[0]) : Double.compare(a[1], b[1]));
    private long eventSeq;
    private final int[] sampleLeft;
    private final double[] admitted;
    private final double[] firstStart;
    private final double[] finished;
    private final int[][] forwardLeft;
    private final int[][] computeLeft;
    private final boolean[][] open;
    private final int[] openCount;
    private final int[] usersLeft;
    private final int[] flushesDone;
    private final double[] memory;
    private final double[] memoryPeak;
    private final double[] stashed;
    private final double[] stashedPeak;
    private final List<TraceSegment> trace = new ArrayList<>();
    private final int[] lastSegment;
    private boolean traceComplete = true;
    private int capBoost;
    private int done;

    private LegacySimulatorForComparison(PlacementProblem problem, Placement placement, SimulationOptions options) {
        this.problem = problem;
        this.placement = placement;
        this.options = options;
        List<Device> devices = problem.devices().all();
        if (placement.nodeCount() != problem.graph().size() || placement.deviceCount() != devices.size()) {
            throw new IllegalArgumentException("placement of " + placement.nodeCount() + " nodes on "
                    + placement.deviceCount() + " devices does not fit " + problem.name());
        }
        if (options.replicas() != null && options.replicas().length != devices.size()) {
            throw new IllegalArgumentException("replicas given for " + options.replicas().length + " of "
                    + devices.size() + " devices");
        }
        deviceCount = devices.size();
        loads = MaxLoadEvaluator.evaluate(problem, placement);
        tpl = SampleTasks.of(problem, placement, options.linkLatency());
        taskCount = tpl.size();
        samples = options.samples();
        boolean training = options.schedule().training();
        perBatch = training ? options.microBatches() : samples;
        batches = training ? options.miniBatches() : 1;
        flushBase = samples * taskCount;

        engine = new int[deviceCount][];
        port = new int[deviceCount][];
        int next = 0;
        for (Device dev : devices) {
            int r = options.replicasOf(dev.index());
            engine[dev.index()] = new int[r];
            port[dev.index()] = new int[r];
            for (int k = 0; k < r; k++) {
                engine[dev.index()][k] = next++;
                lanes.add(r == 1 ? dev.name() : dev.name() + "#" + k);
            }
        }
        for (Device dev : devices) {
            for (int k = 0; k < port[dev.index()].length; k++) {
                if (options.overlapTransfers() && dev.isAccelerator()) {
                    port[dev.index()][k] = next++;
                    lanes.add(lanes.get(engine[dev.index()][k]) + " link");
                } else {
                    port[dev.index()][k] = engine[dev.index()][k];
                }
            }
        }
        bus = options.sharedLink() ? next++ : -1;
        if (bus >= 0) {
            lanes.add("shared link");
        }
        resourceCount = next;

        List<List<Integer>> fw = new ArrayList<>();
        List<List<Integer>> bw = new ArrayList<>();
        for (int d = 0; d < deviceCount; d++) {
            fw.add(new ArrayList<>());
            bw.add(new ArrayList<>());
        }
        List<List<Integer>> inputs = new ArrayList<>();
        List<Integer> rootList = new ArrayList<>();
        for (int t = 0; t < taskCount; t++) {
            inputs.add(new ArrayList<>(2));
        }
        for (int t = 0; t < taskCount; t++) {
            if (tpl.kind[t] == SampleTasks.Kind.COMPUTE) {
                (tpl.backward[t] ? bw : fw).get(tpl.device[t]).add(t);
            }
            for (int user : tpl.localUsers[t]) {
                inputs.get(user).add(t);
            }
            if (tpl.dependencies[t] == 0) {
                rootList.add(t);
            }
        }
        forwardOn = fw.stream().map(l -> l.stream().mapToInt(Integer::intValue).toArray()).toArray(int[][]::new);
        backwardOn = bw.stream().map(l -> l.stream().mapToInt(Integer::intValue).toArray()).toArray(int[][]::new);
        localInputs = inputs.stream().map(l -> l.stream().mapToInt(Integer::intValue).toArray()).toArray(int[][]::new);
        roots = rootList.stream().mapToInt(Integer::intValue).toArray();
        flushTime = flushTimes(devices);
        cap = pipelineCaps();

        int all = flushBase + (training ? batches * deviceCount : 0);
        waiting = new int[all];
        start = new double[all];
        end = new double[all];
        Arrays.fill(start, Double.NaN);
        busy = new boolean[resourceCount];
        runningOn = new int[resourceCount];
        for (int r = 0; r < resourceCount; r++) {
            ready.add(new PriorityQueue<>(this::compareUrgency));
        }
        sampleLeft = new int[samples];
        admitted = new double[samples];
        firstStart = new double[samples];
        finished = new double[samples];
        Arrays.fill(firstStart, Double.NaN);
        forwardLeft = new int[deviceCount][batches];
        computeLeft = new int[deviceCount][samples];
        open = new boolean[deviceCount][samples];
        openCount = new int[resourceCount];
        usersLeft = new int[flushBase];
        flushesDone = new int[batches];
        memory = new double[resourceCount];
        memoryPeak = new double[resourceCount];
        stashed = new double[resourceCount];
        stashedPeak = new double[resourceCount];
        lastSegment = new int[resourceCount];
        Arrays.fill(lastSegment, -1);
    }

    /** Simulates a placement; the placement must be feasible in device kinds. */
    public static SimulationResult simulate(PlacementProblem problem, Placement placement, SimulationOptions options) {
        SimulationResult loaded = new LegacySimulatorForComparison(problem, placement, options).run();
        double alone = options.samples() == 1 && !options.schedule().training() ? loaded.latencyMean()
                : new LegacySimulatorForComparison(problem, placement, options.schedule().training()
                        ? options.withMicroBatches(1).withMiniBatches(1)
                        : options.withMicroBatches(1)).run().latencyMean();
        return new SimulationResult(options, loaded.throughput(), loaded.analyticThroughput(), alone,
                loaded.latencyMean(), loaded.latencyP95(), loaded.bubbleFraction(), loaded.windowStart(),
                loaded.windowEnd(), loaded.makespan(), loaded.devices(), loaded.lanes(), loaded.trace(),
                loaded.traceComplete(), loaded.note());
    }

    // ------------------------------------------------------------------ set-up

    /** Ring all-reduce of a replicated device's gradients at the end of a mini-batch. */
    private double[] flushTimes(List<Device> devices) {
        double[] time = new double[deviceCount];
        OperatorGraph g = problem.graph();
        for (Device dev : devices) {
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

    /**
     * 1F1B in-flight limits: p - i micro-batches at pipeline position i. A contiguous plan's
     * positions are its pipeline order; otherwise devices are ranked by the mean topological
     * position of their forward operators (a device holding only a weight that is read early is
     * not the first stage for that).
     */
    private int[] pipelineCaps() {
        List<Integer> order = loads.contiguity().pipelineOrder();
        if (order.isEmpty()) {
            int[] topo = problem.graph().topologicalOrder();
            int[] rank = new int[topo.length];
            for (int i = 0; i < topo.length; i++) {
                rank[topo[i]] = i;
            }
            double[] mean = new double[deviceCount];
            for (int d = 0; d < deviceCount; d++) {
                for (int t : forwardOn[d]) {
                    mean[d] += (double) rank[tpl.node[t]] / forwardOn[d].length;
                }
            }
            order = java.util.stream.IntStream.range(0, deviceCount).filter(d -> forwardOn[d].length > 0).boxed()
                    .sorted((a, b) -> Double.compare(mean[a], mean[b])).toList();
        }
        int[] caps = new int[deviceCount];
        Arrays.fill(caps, 1);
        for (int i = 0; i < order.size(); i++) {
            caps[order.get(i)] = order.size() - i;
        }
        return caps;
    }

    // ------------------------------------------------------------------ task numbering

    private int sampleOf(int id) {
        return id / taskCount;
    }

    private int templateOf(int id) {
        return id % taskCount;
    }

    private boolean isFlush(int id) {
        return id >= flushBase;
    }

    private int replicaOf(int device, int sample) {
        return sample % engine[device].length;
    }

    /** Urgency: lower first. Ties break by task number, so runs are deterministic. */
    private int compareUrgency(Integer a, Integer b) {
        int c = Long.compare(urgency(a), urgency(b));
        return c != 0 ? c : Integer.compare(a, b);
    }

    private long urgency(int id) {
        long total = (long) samples * taskCount;
        if (isFlush(id)) {
            int batch = (id - flushBase) / deviceCount;
            return (batch * 2L + 2) * total - 1;
        }
        int s = sampleOf(id);
        int t = templateOf(id);
        long inSample = (long) s * taskCount + t;
        boolean bw = tpl.backward[t];
        return switch (options.schedule()) {
            case STREAMING -> inSample;
            case GPIPE -> (s / perBatch * 2L + (bw ? 1 : 0)) * total + inSample;
            case ONE_F_ONE_B -> (s / perBatch * 2L + (bw ? 0 : 1)) * total + inSample;
        };
    }

    /** Resources a task holds while it runs: primary first. */
    private int[] resourcesOf(int id) {
        if (isFlush(id)) {
            return engine[(id - flushBase) % deviceCount];
        }
        int t = templateOf(id);
        int d = tpl.device[t];
        int r = replicaOf(d, sampleOf(id));
        if (tpl.kind[t] == SampleTasks.Kind.COMPUTE) {
            return new int[] {engine[d][r]};
        }
        return bus >= 0 ? new int[] {port[d][r], bus} : new int[] {port[d][r]};
    }

    private double durationOf(int id) {
        return isFlush(id) ? flushTime[(id - flushBase) % deviceCount] : tpl.duration[templateOf(id)];
    }

    // ------------------------------------------------------------------ the run

    private SimulationResult run() {
        boolean training = options.schedule().training();
        int inFlight = inFlightLimit();
        for (int s = 0; s < samples; s++) {
            sampleLeft[s] = taskCount;
            int batch = s / perBatch;
            for (int t = 0; t < taskCount; t++) {
                waiting[s * taskCount + t] = tpl.dependencies[t];
                usersLeft[s * taskCount + t] = tpl.localUsers[t].length;
            }
            for (int d = 0; d < deviceCount; d++) {
                computeLeft[d][s] = forwardOn[d].length + backwardOn[d].length;
                if (training && batch > 0) {
                    // waits for the flush of the last mini-batch (backward roots too, such as a loss seed)
                    for (int t : forwardOn[d]) {
                        waiting[s * taskCount + t]++;
                    }
                    for (int t : backwardOn[d]) {
                        waiting[s * taskCount + t]++;
                    }
                }
                if (options.schedule() == Schedule.GPIPE && forwardOn[d].length > 0) {
                    for (int t : backwardOn[d]) {
                        waiting[s * taskCount + t]++; // waits for every forward of its mini-batch here
                    }
                }
            }
            if (!training && s >= inFlight) {
                for (int t : roots) {
                    waiting[s * taskCount + t]++; // waits for a free slot in the pipeline
                }
            }
        }
        if (training) {
            for (int b = 0; b < batches; b++) {
                for (int d = 0; d < deviceCount; d++) {
                    forwardLeft[d][b] = perBatch * forwardOn[d].length;
                    waiting[flushBase + b * deviceCount + d] = perBatch * (forwardOn[d].length + backwardOn[d].length);
                }
            }
        }
        for (int id = 0; id < waiting.length; id++) {
            if (waiting[id] == 0) {
                ready.get(resourcesOf(id)[0]).add(id);
            }
        }
        double now = 0;
        dispatch(now);
        int total = waiting.length;
        while (done < total) {
            if (events.isEmpty()) {
                if (options.schedule() == Schedule.ONE_F_ONE_B && capBoost < samples) {
                    capBoost++; // a non-contiguous plan can stall the 1F1B limits: relax them
                    dispatch(now);
                    continue;
                }
                throw new IllegalStateException("simulation stalled with " + (total - done) + " tasks left");
            }
            now = events.peek()[0];
            while (!events.isEmpty() && events.peek()[0] <= now) {
                double[] e = events.poll();
                int id = (int) e[2];
                if (e[3] == 0) {
                    complete(id, now);
                } else {
                    release(id, now);
                }
            }
            dispatch(now);
        }
        return result(now);
    }

    /** Streaming: samples admitted at once (the option, else two per device used, as with double buffering). */
    private int inFlightLimit() {
        return options.inFlight() > 0 ? options.inFlight() : Math.max(4, 2 * usedDevices());
    }

    private int usedDevices() {
        int used = 0;
        for (int d = 0; d < deviceCount; d++) {
            used += forwardOn[d].length + backwardOn[d].length > 0 ? 1 : 0;
        }
        return Math.max(1, used);
    }

    private void schedule(double time, int id, boolean isRelease) {
        events.add(new double[] {time, eventSeq++, id, isRelease ? 1 : 0});
    }

    /** One dependency of a task is met. */
    private void release(int id, double now) {
        if (--waiting[id] == 0) {
            ready.get(resourcesOf(id)[0]).add(id);
        }
    }

    private void dispatch(double now) {
        for (int r = 0; r < resourceCount; r++) {
            if (busy[r] || ready.get(r).isEmpty()) {
                continue;
            }
            PriorityQueue<Integer> queue = ready.get(r);
            List<Integer> skipped = null;
            while (!queue.isEmpty()) {
                int id = queue.peek();
                if (!slotFree(id)) {
                    // 1F1B: a forward of a micro-batch that would exceed the in-flight limit waits
                    if (skipped == null) {
                        skipped = new ArrayList<>();
                    }
                    skipped.add(queue.poll());
                    continue;
                }
                int[] needs = resourcesOf(id);
                boolean free = true;
                for (int k = 1; k < needs.length; k++) {
                    free &= !busy[needs[k]];
                }
                if (free) {
                    queue.poll();
                    begin(id, needs, now);
                }
                break; // a device issues its work in order: it waits for a busy shared link
            }
            if (skipped != null) {
                queue.addAll(skipped);
            }
        }
    }

    private boolean slotFree(int id) {
        if (options.schedule() != Schedule.ONE_F_ONE_B || isFlush(id)) {
            return true;
        }
        int t = templateOf(id);
        if (tpl.kind[t] != SampleTasks.Kind.COMPUTE || tpl.backward[t]) {
            return true;
        }
        int d = tpl.device[t];
        int s = sampleOf(id);
        return open[d][s] || openCount[engine[d][replicaOf(d, s)]] < cap[d] + capBoost;
    }

    private void begin(int id, int[] needs, double now) {
        for (int r : needs) {
            busy[r] = true;
            runningOn[r] = id;
        }
        start[id] = now;
        if (!isFlush(id)) {
            int s = sampleOf(id);
            int t = templateOf(id);
            if (Double.isNaN(firstStart[s])) {
                firstStart[s] = now;
            }
            if (tpl.kind[t] == SampleTasks.Kind.COMPUTE && !open[tpl.device[t]][s]) {
                open[tpl.device[t]][s] = true;
                openCount[engine[tpl.device[t]][replicaOf(tpl.device[t], s)]]++;
            }
        }
        schedule(now + durationOf(id), id, false);
    }

    private void complete(int id, double now) {
        end[id] = now;
        done++;
        int[] held = resourcesOf(id);
        for (int r : held) {
            busy[r] = false;
            record(r, id, now);
        }
        if (isFlush(id)) {
            // the training loop's step: the next mini-batch starts once every device is flushed
            int b = (id - flushBase) / deviceCount;
            if (++flushesDone[b] == deviceCount && b + 1 < batches) {
                for (int s = (b + 1) * perBatch; s < (b + 2) * perBatch; s++) {
                    for (int d = 0; d < deviceCount; d++) {
                        for (int t : forwardOn[d]) {
                            release(s * taskCount + t, now);
                        }
                        for (int t : backwardOn[d]) {
                            release(s * taskCount + t, now);
                        }
                    }
                }
            }
            return;
        }
        int s = sampleOf(id);
        int t = templateOf(id);
        int d = tpl.device[t];
        int mem = engine[d][replicaOf(d, s)];
        if (tpl.bytes[t] > 0 && tpl.localUsers[t].length > 0) {
            memory[mem] += tpl.bytes[t];
            memoryPeak[mem] = Math.max(memoryPeak[mem], memory[mem]);
            if (isStashed(t)) {
                stashed[mem] += tpl.bytes[t];
                stashedPeak[mem] = Math.max(stashedPeak[mem], stashed[mem]);
            }
        }
        for (int input : localInputs[t]) {
            int producer = s * taskCount + input;
            if (--usersLeft[producer] == 0 && tpl.bytes[input] > 0) {
                memory[mem] -= tpl.bytes[input];
                if (isStashed(input)) {
                    stashed[mem] -= tpl.bytes[input];
                }
            }
        }
        for (int succ : tpl.successors[t]) {
            int next = s * taskCount + succ;
            if (tpl.delayAfter[t] > 0) {
                schedule(now + tpl.delayAfter[t], next, true);
            } else {
                release(next, now);
            }
        }
        if (tpl.kind[t] == SampleTasks.Kind.COMPUTE) {
            computeFinished(d, s, t, now);
        }
        if (--sampleLeft[s] == 0) {
            finished[s] = now;
            int later = s + inFlightLimit();
            if (!options.schedule().training() && later < samples) {
                admitted[later] = now;
                for (int root : roots) {
                    release(later * taskCount + root, now);
                }
            }
        }
    }

    /** Forward outputs used by the backward pass on the same device are the stashed activations. */
    private boolean isStashed(int t) {
        if (tpl.kind[t] != SampleTasks.Kind.COMPUTE || tpl.backward[t]) {
            return false;
        }
        for (int user : tpl.localUsers[t]) {
            if (tpl.backward[user]) {
                return true;
            }
        }
        return false;
    }

    private void computeFinished(int d, int s, int t, double now) {
        int batch = s / perBatch;
        if (options.schedule().training()) {
            if (!tpl.backward[t] && --forwardLeft[d][batch] == 0 && options.schedule() == Schedule.GPIPE) {
                for (int k = batch * perBatch; k < (batch + 1) * perBatch; k++) {
                    for (int b : backwardOn[d]) {
                        release(k * taskCount + b, now);
                    }
                }
            }
            release(flushBase + batch * deviceCount + d, now);
        }
        if (--computeLeft[d][s] == 0 && open[d][s]) {
            open[d][s] = false;
            openCount[engine[d][replicaOf(d, s)]]--;
        }
    }

    /** Adds a finished task to the trace of a lane, merged with the segment before when they touch. */
    private void record(int lane, int id, double now) {
        if (durationOf(id) <= 0) {
            return;
        }
        ActivityKind kind;
        int sample;
        if (isFlush(id)) {
            kind = ActivityKind.ALLREDUCE;
            sample = -1;
        } else {
            int t = templateOf(id);
            sample = sampleOf(id);
            kind = switch (tpl.kind[t]) {
                case COMPUTE -> tpl.backward[t] ? ActivityKind.BACKWARD : ActivityKind.FORWARD;
                case SEND -> ActivityKind.SEND;
                case RECEIVE -> ActivityKind.RECEIVE;
            };
        }
        int last = lastSegment[lane];
        if (last >= 0) {
            TraceSegment prev = trace.get(last);
            if (prev.kind() == kind && prev.sample() == sample && Math.abs(prev.end() - start[id]) <= EPS) {
                trace.set(last, new TraceSegment(lane, kind, sample, prev.start(), now));
                return;
            }
        }
        if (trace.size() >= MAX_TRACE_SEGMENTS) {
            traceComplete = false;
            return;
        }
        lastSegment[lane] = trace.size();
        trace.add(new TraceSegment(lane, kind, sample, start[id], now));
    }

    // ------------------------------------------------------------------ figures

    private SimulationResult result(double makespan) {
        boolean training = options.schedule().training();
        double from;
        double to;
        double measuredSamples;
        if (training) {
            double[] batchEnd = new double[batches];
            for (int b = 0; b < batches; b++) {
                for (int d = 0; d < deviceCount; d++) {
                    batchEnd[b] = Math.max(batchEnd[b], end[flushBase + b * deviceCount + d]);
                }
            }
            from = batches >= 2 ? batchEnd[batches - 2] : 0;
            to = batchEnd[batches - 1];
            measuredSamples = perBatch;
        } else {
            double[] sorted = finished.clone();
            Arrays.sort(sorted);
            int lo = samples / 4;
            int hi = samples - 1 - samples / 4;
            if (samples >= 4 && sorted[hi] > sorted[lo]) {
                from = sorted[lo];
                to = sorted[hi];
                measuredSamples = hi - lo;
            } else {
                from = 0;
                to = makespan;
                measuredSamples = samples;
            }
        }
        double window = Math.max(to - from, EPS);
        double throughput = measuredSamples / window;

        double[] compute = new double[deviceCount];
        double[] transfer = new double[deviceCount];
        double[] resourceBusy = new double[resourceCount];
        for (int id = 0; id < end.length; id++) {
            double overlap = Math.max(0, Math.min(end[id], to) - Math.max(start[id], from));
            if (overlap <= 0) {
                continue;
            }
            int d = isFlush(id) ? (id - flushBase) % deviceCount : tpl.device[templateOf(id)];
            boolean isCompute = !isFlush(id) && tpl.kind[templateOf(id)] == SampleTasks.Kind.COMPUTE;
            (isCompute ? compute : transfer)[d] += overlap;
            for (int r : resourcesOf(id)) {
                resourceBusy[r] += overlap;
            }
        }
        List<Device> devices = problem.devices().all();
        List<DeviceActivity> activity = new ArrayList<>();
        double worst = 0;
        double engineBusy = 0;
        int engines = 0;
        for (Device dev : devices) {
            int d = dev.index();
            int r = engine[d].length;
            double utilisation = 0;
            double peak = 0;
            double peakStash = 0;
            for (int k = 0; k < r; k++) {
                utilisation += Math.max(resourceBusy[engine[d][k]], resourceBusy[port[d][k]]) / window / r;
                peak = Math.max(peak, memoryPeak[engine[d][k]]);
                peakStash = Math.max(peakStash, stashedPeak[engine[d][k]]);
                if (forwardOn[d].length + backwardOn[d].length > 0) {
                    engineBusy += resourceBusy[engine[d][k]];
                    engines++;
                }
            }
            activity.add(new DeviceActivity(dev, r, compute[d] / measuredSamples, transfer[d] / measuredSamples,
                    utilisation, loads.devices().get(d).memory(), peak, peakStash));
            worst = Math.max(worst, loads.devices().get(d).load() / r);
        }
        double bubble = engines == 0 ? 0 : Math.max(0, 1 - engineBusy / (engines * window));

        double[] latency = new double[samples];
        for (int s = 0; s < samples; s++) {
            latency[s] = finished[s] - (training ? firstStart[s] : admitted[s]);
        }
        double mean = Arrays.stream(latency).average().orElse(0);
        double[] sortedLatency = latency.clone();
        Arrays.sort(sortedLatency);
        double p95 = sortedLatency[Math.min(samples - 1, (int) Math.ceil(0.95 * samples) - 1)];
        String note = capBoost > 0 ? "1F1B in-flight limits raised by " + capBoost + " to avoid a stall of this non-contiguous plan" : "";
        return new SimulationResult(options, throughput, worst > 0 ? 1 / worst : Double.POSITIVE_INFINITY,
                mean, mean, p95, bubble, from, to, makespan, activity, lanes, trace, traceComplete, note);
    }
}
