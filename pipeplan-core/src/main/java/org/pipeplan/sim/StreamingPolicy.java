package org.pipeplan.sim;

/**
 * Streaming inference: every resource works on the oldest sample it can, and at most a fixed
 * number of samples are in the pipeline; a sample's roots wait for a free slot, which the end of
 * an older sample makes.
 */
final class StreamingPolicy implements SchedulePolicy {

    private final SimulatedTasks tasks;
    /** Samples admitted and not yet finished, at most. */
    private final int inFlight;

    /** @param inFlight the option: 0 means two per device used (as with double buffering), at least 4 */
    StreamingPolicy(SimulatedTasks tasks, int inFlight) {
        this.tasks = tasks;
        this.inFlight = inFlight > 0 ? inFlight : Math.max(4, 2 * usedDevices(tasks));
    }

    private static int usedDevices(SimulatedTasks tasks) {
        int used = 0;
        for (int d = 0; d < tasks.devices; d++) {
            used += tasks.computesOn(d) ? 1 : 0;
        }
        return Math.max(1, used);
    }

    /** The oldest sample first, then the template's topological order: the task number itself. */
    @Override
    public long urgency(int id) {
        return (long) tasks.sampleOf(id) * tasks.perSample + tasks.templateOf(id);
    }

    @Override
    public int gates(int id) {
        // beyond the first samples, a root waits for a free slot in the pipeline
        return tasks.sampleOf(id) >= inFlight && tasks.template.dependencies[tasks.templateOf(id)] == 0 ? 1 : 0;
    }

    @Override
    public void taskDone(int id, Run run) {
    }

    @Override
    public void sampleDone(int sample, double now, Run run) {
        int later = sample + inFlight;
        if (later < tasks.samples) {
            run.admitted(later, now);
            for (int root : tasks.roots) {
                run.release(tasks.id(later, root));
            }
        }
    }
}
