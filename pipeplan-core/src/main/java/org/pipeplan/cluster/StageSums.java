package org.pipeplan.cluster;

/**
 * What a stage's cost needs from its operators, summed: compute, memory and parameter bytes of
 * the splittable operators and of the others, and the bytes (and operator counts) that split
 * operators gather forward or reduce backward. Sums of disjoint sets add.
 */
public record StageSums(double splitCompute, double wholeCompute, double splitMemory, double wholeMemory,
                        double splitParams, double wholeParams, double gatherBytes, double reduceBytes,
                        int gatherCount, int reduceCount) {

    public static final StageSums NONE = new StageSums(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /** Positions [from, to) of the problem's pipeline order. */
    public static StageSums range(ClusterProblem p, int from, int to) {
        return new StageSums(p.splitCompute[to] - p.splitCompute[from], p.wholeCompute[to] - p.wholeCompute[from],
                p.splitMemory[to] - p.splitMemory[from], p.wholeMemory[to] - p.wholeMemory[from],
                p.splitParams[to] - p.splitParams[from], p.wholeParams[to] - p.wholeParams[from],
                p.gatherBytes[to] - p.gatherBytes[from], p.reduceBytes[to] - p.reduceBytes[from],
                p.gatherCount[to] - p.gatherCount[from], p.reduceCount[to] - p.reduceCount[from]);
    }

    public StageSums plus(StageSums o) {
        return new StageSums(splitCompute + o.splitCompute, wholeCompute + o.wholeCompute, splitMemory + o.splitMemory,
                wholeMemory + o.wholeMemory, splitParams + o.splitParams, wholeParams + o.wholeParams,
                gatherBytes + o.gatherBytes, reduceBytes + o.reduceBytes, gatherCount + o.gatherCount,
                reduceCount + o.reduceCount);
    }

    public StageSums minus(StageSums o) {
        return new StageSums(splitCompute - o.splitCompute, wholeCompute - o.wholeCompute, splitMemory - o.splitMemory,
                wholeMemory - o.wholeMemory, splitParams - o.splitParams, wholeParams - o.wholeParams,
                gatherBytes - o.gatherBytes, reduceBytes - o.reduceBytes, gatherCount - o.gatherCount,
                reduceCount - o.reduceCount);
    }

    /** Compute on one GPU, nothing split. */
    public double compute() {
        return splitCompute + wholeCompute;
    }
}
