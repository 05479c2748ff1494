package org.pipeplan.sim;

/**
 * GPipe: within a mini-batch every micro-batch runs forward, then every one runs backward. A
 * device's backward tasks wait until it has done every forward of their mini-batch.
 */
final class GPipePolicy extends TrainingPolicy {

    /** Forward tasks left per device and mini-batch. */
    private final int[][] forwardLeft;

    GPipePolicy(SimulatedTasks tasks) {
        super(tasks);
        forwardLeft = new int[tasks.devices][tasks.batches];
        for (int b = 0; b < tasks.batches; b++) {
            for (int d = 0; d < tasks.devices; d++) {
                forwardLeft[d][b] = tasks.perBatch * tasks.forwardOn[d].length;
            }
        }
    }

    /** Forwards first. */
    @Override
    protected int phase(boolean backward) {
        return backward ? 1 : 0;
    }

    @Override
    public int gates(int id) {
        int gates = super.gates(id);
        if (tasks.isCompute(id)) {
            int t = tasks.templateOf(id);
            if (tasks.template.backward[t] && tasks.forwardOn[tasks.template.device[t]].length > 0) {
                gates++; // waits for every forward of its mini-batch here
            }
        }
        return gates;
    }

    @Override
    protected void computeDone(int d, int s, int t, Run run) {
        int batch = tasks.batchOf(s);
        if (!tasks.template.backward[t] && --forwardLeft[d][batch] == 0) {
            for (int k = batch * tasks.perBatch; k < (batch + 1) * tasks.perBatch; k++) {
                for (int b : tasks.backwardOn[d]) {
                    run.release(tasks.id(k, b));
                }
            }
        }
        super.computeDone(d, s, t, run);
    }
}
