package org.pipeplan.cluster;

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

    public static StageTime of(ClusterProblem p, int from, int to, int replicas, int split, int firstGpu) {
        return of(p, StageSums.range(p, from, to), p.cross[from], p.cross[to], replicas, split, firstGpu);
    }

    /**
     * A stage of any operator set, given its sums and the bytes crossing into it (from the stages
     * before) and out of it (to the stages after).
     */
    public static StageTime of(ClusterProblem p, StageSums s, double bytesIn, double bytesOut, int replicas, int split,
                               int firstGpu) {
        GpuCluster c = p.cluster();
        double compute = s.wholeCompute() + s.splitCompute() / split;
        double collectives = 0;
        if (split > 1) {
            GpuCluster.Link link = c.splitLink(firstGpu, replicas, split);
            collectives = splitCollectives(s.gatherBytes(), s.gatherCount(), s.reduceBytes(), s.reduceCount(), split, link);
        }
        int gpus = replicas * split;
        double transfers = (bytesIn > 0 ? c.linkAcross(firstGpu).transferMs(bytesIn) : 0)
                + (bytesOut > 0 ? c.linkAcross(firstGpu + gpus).transferMs(bytesOut) : 0);
        double params = s.wholeParams() + s.splitParams() / split;
        double allReduce = p.training() ? Collectives.allReduce(params, replicas, c.linkOf(firstGpu, gpus)) : 0;
        double memory = s.wholeMemory() + s.splitMemory() / split;
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
