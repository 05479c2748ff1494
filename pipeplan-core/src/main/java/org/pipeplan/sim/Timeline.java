package org.pipeplan.sim;

/**
 * When things happened in a run: every task's start and end (by task number), every sample's
 * admission (streaming; 0 for the samples admitted at once), first start and finish, and the end
 * of the last task. The arrays are the event loop's own, handed over when the run is done.
 */
record Timeline(double[] start, double[] end, double[] admitted, double[] firstStart, double[] finished,
                double makespan) {
}
