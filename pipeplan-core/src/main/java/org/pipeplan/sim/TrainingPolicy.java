package org.pipeplan.sim;

/**
 * What the training schedules share: mini-batches of micro-batches, each ending with a flush per
 * device (an all-reduce when it is replicated) once every compute task of the mini-batch there is
 * done; the next mini-batch starts when every device is flushed, as a training loop's step does.
 * Within a mini-batch the subclass orders the forward and backward phases.
 */
abstract class TrainingPolicy implements SchedulePolicy {

    protected final SimulatedTasks tasks;
    /** Devices flushed, per mini-batch. */
    private final int[] flushesDone;

    TrainingPolicy(SimulatedTasks tasks) {
        this.tasks = tasks;
        flushesDone = new int[tasks.batches];
    }

    /** Which phase of a mini-batch goes first: 0 for the one that does, 1 for the other. */
    protected abstract int phase(boolean backward);

    /**
     * Mini-batch by mini-batch; within one, the phases in the subclass's order, then the oldest
     * sample first; a flush after every task of its mini-batch.
     */
    @Override
    public long urgency(int id) {
        long total = (long) tasks.samples * tasks.perSample;
        if (tasks.isFlush(id)) {
            return (tasks.flushBatch(id) * 2L + 2) * total - 1;
        }
        int s = tasks.sampleOf(id);
        int t = tasks.templateOf(id);
        long inSample = (long) s * tasks.perSample + t;
        return (tasks.batchOf(s) * 2L + phase(tasks.template.backward[t])) * total + inSample;
    }

    @Override
    public int gates(int id) {
        if (tasks.isFlush(id)) {
            int d = tasks.flushDevice(id);
            return tasks.perBatch * (tasks.forwardOn[d].length + tasks.backwardOn[d].length);
        }
        // after the first mini-batch, compute waits for the last one's flush (backward roots
        // too, such as a loss seed)
        return tasks.isCompute(id) && tasks.batchOf(tasks.sampleOf(id)) > 0 ? 1 : 0;
    }

    @Override
    public void taskDone(int id, Run run) {
        if (tasks.isFlush(id)) {
            flushDone(tasks.flushBatch(id), run);
            return;
        }
        if (tasks.isCompute(id)) {
            computeDone(tasks.template.device[tasks.templateOf(id)], tasks.sampleOf(id), tasks.templateOf(id), run);
        }
    }

    /** The training loop's step: the next mini-batch starts once every device is flushed. */
    private void flushDone(int b, Run run) {
        if (++flushesDone[b] == tasks.devices && b + 1 < tasks.batches) {
            for (int s = (b + 1) * tasks.perBatch; s < (b + 2) * tasks.perBatch; s++) {
                for (int d = 0; d < tasks.devices; d++) {
                    for (int t : tasks.forwardOn[d]) {
                        run.release(tasks.id(s, t));
                    }
                    for (int t : tasks.backwardOn[d]) {
                        run.release(tasks.id(s, t));
                    }
                }
            }
        }
    }

    /** Compute task t of sample s ended on device d: its mini-batch's flush there waits for one less. */
    protected void computeDone(int d, int s, int t, Run run) {
        run.release(tasks.flush(tasks.batchOf(s), d));
    }
}
