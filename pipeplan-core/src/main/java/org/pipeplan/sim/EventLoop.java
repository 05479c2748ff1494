package org.pipeplan.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The discrete-event run. A task waits for its dependencies, then queues at its primary resource
 * in the policy's order; whenever a resource is free it starts the first queued task it may.
 * Events (a task ends, or a dependency is met a link's latency after its producer ended) are
 * handled in time order, ties in the order they were made, and all of one instant before
 * resources look for work again. Deterministic: queues break ties by task number.
 */
final class EventLoop implements SchedulePolicy.Run {

    /** A task ends, or one of its dependencies is met; seq orders events of the same time. */
    private record Event(double time, long seq, int task, boolean dependencyMet) {
    }

    private final SimulatedTasks tasks;
    private final ResourceLayout resources;
    private final SchedulePolicy policy;
    private final MemoryTracker memory;
    private final TraceRecorder trace;

    /** Dependencies left, per task. */
    private final int[] waiting;
    private final double[] start;
    private final double[] end;
    private final boolean[] busy;
    /** Ready tasks per resource (their primary one), most urgent first. */
    private final List<PriorityQueue<Integer>> ready = new ArrayList<>();
    private final PriorityQueue<Event> events = new PriorityQueue<>((a, b) -> a.time() != b.time()
            ? Double.compare(a.time(), b.time()) : Long.compare(a.seq(), b.seq()));
    private long eventSeq;
    /** Tasks left, per sample. */
    private final int[] sampleLeft;
    private final double[] admitted;
    private final double[] firstStart;
    private final double[] finished;
    private int done;

    EventLoop(SimulatedTasks tasks, ResourceLayout resources, SchedulePolicy policy, MemoryTracker memory,
              TraceRecorder trace) {
        this.tasks = tasks;
        this.resources = resources;
        this.policy = policy;
        this.memory = memory;
        this.trace = trace;
        waiting = new int[tasks.count];
        start = new double[tasks.count];
        end = new double[tasks.count];
        Arrays.fill(start, Double.NaN);
        busy = new boolean[resources.count()];
        for (int r = 0; r < resources.count(); r++) {
            ready.add(new PriorityQueue<>(this::compareUrgency));
        }
        sampleLeft = new int[tasks.samples];
        admitted = new double[tasks.samples];
        firstStart = new double[tasks.samples];
        finished = new double[tasks.samples];
        Arrays.fill(firstStart, Double.NaN);
    }

    /** Urgency: lower first. Ties break by task number, so runs are deterministic. */
    private int compareUrgency(Integer a, Integer b) {
        int c = Long.compare(policy.urgency(a), policy.urgency(b));
        return c != 0 ? c : Integer.compare(a, b);
    }

    /** Runs every task; throws when tasks are left that nothing can start. */
    Timeline run() {
        for (int id = 0; id < tasks.count; id++) {
            int inSample = tasks.isFlush(id) ? 0 : tasks.template.dependencies[tasks.templateOf(id)];
            waiting[id] = inSample + policy.gates(id);
        }
        Arrays.fill(sampleLeft, tasks.perSample);
        for (int id = 0; id < waiting.length; id++) {
            if (waiting[id] == 0) {
                ready.get(resources.heldBy(tasks, id)[0]).add(id);
            }
        }
        double now = 0;
        dispatch(now);
        int total = waiting.length;
        while (done < total) {
            if (events.isEmpty()) {
                if (policy.relax()) {
                    dispatch(now);
                    continue;
                }
                throw new IllegalStateException("simulation stalled with " + (total - done) + " tasks left");
            }
            now = events.peek().time();
            while (!events.isEmpty() && events.peek().time() <= now) {
                Event e = events.poll();
                if (e.dependencyMet()) {
                    release(e.task());
                } else {
                    complete(e.task(), now);
                }
            }
            dispatch(now);
        }
        return new Timeline(start, end, admitted, firstStart, finished, now);
    }

    private void schedule(double time, int id, boolean dependencyMet) {
        events.add(new Event(time, eventSeq++, id, dependencyMet));
    }

    /** One dependency of a task is met. */
    @Override
    public void release(int id) {
        if (--waiting[id] == 0) {
            ready.get(resources.heldBy(tasks, id)[0]).add(id);
        }
    }

    @Override
    public void admitted(int sample, double now) {
        admitted[sample] = now;
    }

    private void dispatch(double now) {
        for (int r = 0; r < resources.count(); r++) {
            if (busy[r] || ready.get(r).isEmpty()) {
                continue;
            }
            PriorityQueue<Integer> queue = ready.get(r);
            List<Integer> skipped = null;
            while (!queue.isEmpty()) {
                int id = queue.peek();
                if (!policy.mayStart(id)) {
                    // 1F1B: a forward of a micro-batch that would exceed the in-flight limit waits
                    if (skipped == null) {
                        skipped = new ArrayList<>();
                    }
                    skipped.add(queue.poll());
                    continue;
                }
                int[] needs = resources.heldBy(tasks, id);
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

    private void begin(int id, int[] needs, double now) {
        for (int r : needs) {
            busy[r] = true;
        }
        start[id] = now;
        if (!tasks.isFlush(id)) {
            int s = tasks.sampleOf(id);
            if (Double.isNaN(firstStart[s])) {
                firstStart[s] = now;
            }
        }
        policy.started(id);
        schedule(now + tasks.duration(id), id, false);
    }

    private void complete(int id, double now) {
        end[id] = now;
        done++;
        for (int r : resources.heldBy(tasks, id)) {
            busy[r] = false;
            record(r, id, now);
        }
        if (tasks.isFlush(id)) {
            policy.taskDone(id, this);
            return;
        }
        int s = tasks.sampleOf(id);
        int t = tasks.templateOf(id);
        SampleTasks tpl = tasks.template;
        memory.taskDone(s, t, resources.engineOf(tpl.device[t], s));
        for (int succ : tpl.successors[t]) {
            int next = tasks.id(s, succ);
            if (tpl.delayAfter[t] > 0) {
                schedule(now + tpl.delayAfter[t], next, true);
            } else {
                release(next);
            }
        }
        policy.taskDone(id, this);
        if (--sampleLeft[s] == 0) {
            finished[s] = now;
            policy.sampleDone(s, now, this);
        }
    }

    /** A task that took time leaves a segment on every lane it held. */
    private void record(int lane, int id, double now) {
        if (tasks.duration(id) <= 0) {
            return;
        }
        trace.record(lane, tasks.activity(id), tasks.isFlush(id) ? -1 : tasks.sampleOf(id), start[id], now);
    }
}
