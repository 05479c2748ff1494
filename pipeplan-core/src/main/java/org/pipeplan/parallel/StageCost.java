package org.pipeplan.parallel;

/**
 * The cost model of a stage: positions [from, to) of the pipeline order on {@code replicas}
 * data-parallel copies, each split over {@code split} GPUs (tensor parallel), on the consecutive
 * GPUs from {@code firstGpu}.
 *
 * <ul>
 *   <li>Each replica takes every replicas-th sample, so its per-sample work is divided by the
 *       replicas.</li>
 *   <li>Splittable operators' compute is divided by the split degree; each then all-gathers its
 *       output (forward) or all-reduces it (backward: partial input gradients) among the split
 *       GPUs, over the intra-node fabric if every group sits within a node.</li>
 *   <li>A stage receives the activations crossing its first cut and sends those crossing its
 *       last, over the link between the two stages' GPUs.</li>
 *   <li>In training, replicas all-reduce their gradients (the parameters on one GPU) once per
 *       mini-batch, over the intra-node fabric if the stage sits within a node.</li>
 *   <li>Memory on each GPU: its operators' memory, split operators' divided by the split degree.</li>
 * </ul>
 */
public final class StageCost {

    private StageCost() {
    }

    public static StageTime of(ParallelProblem p, int from, int to, int replicas, int split, int firstGpu) {
        GpuCluster c = p.cluster();
        double compute = p.wholeCompute[to] - p.wholeCompute[from] + (p.splitCompute[to] - p.splitCompute[from]) / split;
        double collectives = 0;
        if (split > 1) {
            GpuCluster.Link link = c.splitLink(firstGpu, replicas, split);
            collectives = splitCollectives(p.gatherBytes[to] - p.gatherBytes[from], p.gatherCount[to] - p.gatherCount[from],
                    p.reduceBytes[to] - p.reduceBytes[from], p.reduceCount[to] - p.reduceCount[from], split, link);
        }
        int gpus = replicas * split;
        double transfers = (from > 0 ? c.linkAcross(firstGpu).transferMs(p.cross[from]) : 0)
                + (to < p.positions() ? c.linkAcross(firstGpu + gpus).transferMs(p.cross[to]) : 0);
        double params = p.wholeParams[to] - p.wholeParams[from] + (p.splitParams[to] - p.splitParams[from]) / split;
        double allReduce = p.training() ? Collectives.allReduce(params, replicas, c.linkOf(firstGpu, gpus)) : 0;
        double memory = p.wholeMemory[to] - p.wholeMemory[from] + (p.splitMemory[to] - p.splitMemory[from]) / split;
        double perSample = (compute + collectives + transfers) / replicas + allReduce / p.miniBatch();
        return new StageTime(compute, collectives, transfers, allReduce, perSample, memory);
    }

    /**
     * Gathering {@code gathered} bytes from {@code gathers} forward operators and reducing
     * {@code reduced} bytes from {@code reduces} backward ones among {@code split} GPUs: one
     * collective per operator, so each pays its messages' latency.
     */
    static double splitCollectives(double gathered, int gathers, double reduced, int reduces, int split, GpuCluster.Link link) {
        double chunks = (split - 1.0) / split;
        return (split - 1) * link.latency() * (gathers + 2.0 * reduces)
                + chunks * (gathered + 2 * reduced) / link.bandwidth() * 1000;
    }
}
