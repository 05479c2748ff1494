package org.pipeplan.cluster.training;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.pipeplan.cluster.Collectives;
import org.pipeplan.cluster.GpuCluster;
import org.pipeplan.device.DeviceType;

/**
 * The cost of a training plan: a setup and a layer split of the workload, priced by the model of
 * docs/training.md. One instance per setup holds the per-layer costs, so that the planners can
 * price many splits of the same setup quickly; {@link #evaluate} prices one split in full.
 */
public final class TrainingCost {

    /** Bytes per parameter of the mixed-precision Adam state: 16-bit weights and gradients. */
    static final double WEIGHT_BYTES = 2;
    static final double GRADIENT_BYTES = 2;
    /** fp32 master weights and two fp32 moments. */
    static final double OPTIMIZER_BYTES = 12;
    /**
     * Bytes the optimizer step reads and writes per parameter: the fp32 master weights and both
     * moments read and written (24), the gradient read (2), the 16-bit weights written (2), rounded up.
     */
    static final double STEP_BYTES_PER_PARAMETER = 30;
    /** Gradient bucket of the data-parallel reduction: PyTorch DDP's default bucket_cap_mb of 25 MiB. */
    static final double GRADIENT_BUCKET_BYTES = 25.0 * (1 << 20);

    private final TrainingWorkload workload;
    private final TrainingSetup setup;
    private final int globalBatch;
    private final double tokensPerSample;
    private final LayerCosts layers;
    private final GpuCluster cluster;
    private final int microBatches;
    /** Prefix sums over the layers of forward and backward time, parameters and stash per micro-batch. */
    private final double[] forwardSum;
    private final double[] backwardSum;
    private final double[] paramSum;
    private final double[] stashSum;

    public TrainingCost(TrainingWorkload workload, TrainingSetup setup, int globalBatch, double tokensPerSample) {
        this(workload, setup, globalBatch, tokensPerSample, new LayerCosts(workload, setup));
    }

    /** With the layer costs of the setup's tensor degree, micro-batch, sequence parallelism and recomputation. */
    TrainingCost(TrainingWorkload workload, TrainingSetup setup, int globalBatch, double tokensPerSample, LayerCosts layers) {
        this.workload = workload;
        this.setup = setup;
        this.globalBatch = globalBatch;
        this.tokensPerSample = tokensPerSample;
        this.layers = layers;
        this.cluster = workload.problem().cluster();
        this.microBatches = setup.microBatches(globalBatch);
        int n = workload.size();
        forwardSum = new double[n + 1];
        backwardSum = new double[n + 1];
        paramSum = new double[n + 1];
        stashSum = new double[n + 1];
        for (int i = 0; i < n; i++) {
            forwardSum[i + 1] = forwardSum[i] + layers.forward(i);
            backwardSum[i + 1] = backwardSum[i] + layers.backward(i);
            paramSum[i + 1] = paramSum[i] + layers.params(i);
            stashSum[i + 1] = stashSum[i] + layers.stash(i);
        }
    }

    public TrainingSetup setup() {
        return setup;
    }

    public TrainingWorkload workload() {
        return workload;
    }

    /** Micro-batches per pipeline and iteration, 0 when the global batch does not divide evenly. */
    public int microBatches() {
        return microBatches;
    }

    // ------------------------------------------------------------------ links

    /** The t d GPUs of pipeline rank r start at GPU r t d. */
    private int firstGpu(int rank) {
        return rank * setup.tensor() * setup.data();
    }

    /** The link between two pipeline ranks: NVLink when their GPUs share a node, the network otherwise. */
    GpuCluster.Link pipelineLink(int a, int b) {
        int block = setup.tensor() * setup.data();
        boolean sameNode = block <= cluster.gpusPerNode() && cluster.nodeOf(firstGpu(a)) == cluster.nodeOf(firstGpu(b))
                && cluster.nodeOf(firstGpu(a) + block - 1) == cluster.nodeOf(firstGpu(a));
        return sameNode ? cluster.intraNode() : cluster.interNode();
    }

    /** The ring of a data-parallel group: every t-th GPU of the rank's block. */
    private GpuCluster.Link dataLink(int rank) {
        return cluster.linkOf(firstGpu(rank), setup.tensor() * setup.data());
    }

    // ------------------------------------------------------------------ chunks

    /** Bytes of one micro-batch crossing the cut before layer i, on one GPU (split with sequence parallelism). */
    private double cutBytes(double perSample) {
        double bytes = setup.microBatch() * perSample;
        return setup.sequenceParallel() ? bytes / setup.tensor() : bytes;
    }

    /** Forward and backward time of layers [from, to) per micro-batch, without transfers and gathers, ms. */
    double work(int from, int to) {
        return forwardSum[to] - forwardSum[from] + backwardSum[to] - backwardSum[from];
    }

    /** Parameters on one GPU of layers [from, to). */
    double params(int from, int to) {
        return paramSum[to] - paramSum[from];
    }

    /** ZeRO-3 gathers the chunk's 16-bit parameters over the data-parallel group before each pass. */
    private double zeroGather(double chunkParams, int rank) {
        if (setup.zeroStage() < 3 || setup.data() == 1) {
            return 0;
        }
        return Collectives.allGather(WEIGHT_BYTES * chunkParams, setup.data(), dataLink(rank));
    }

    /**
     * Parameters on one GPU of the tied output layer's copy of the embedding that a plan of one
     * chunk does not hold twice: with the embedding and the head on the same GPU they share the
     * weights; with p > 1 Megatron-LM keeps a copy on the last stage.
     */
    double sharedTiedCopy() {
        return workload.tiedEmbeddings() && setup.chunks() == 1 ? workload.tiedParameters() / setup.tensor() : 0;
    }

    /** Parameters on one GPU of the chunk of layers [from, to) (the whole model: the tied weights once). */
    double chunkParams(int from, int to) {
        return params(from, to) - (from == 0 && to == workload.size() ? sharedTiedCopy() : 0);
    }

    /**
     * ZeRO 2 and 3 keep only their shard of the gradients, so every backward pass reduce-scatters
     * its chunk's gradients over the data-parallel group (DeepSpeed's overlap_comm): layer by layer
     * behind the pass's compute, all but the last layer's part hidden. The exposed part, ms.
     */
    double zeroReduceScatter(double chunkParams, int from, int to, int rank) {
        if (setup.zeroStage() < 2 || setup.data() == 1) {
            return 0;
        }
        double rs = Collectives.allGather(GRADIENT_BYTES * chunkParams, setup.data(), dataLink(rank));
        int n = to - from;
        double compute = backwardSum[to] - backwardSum[from];
        return rs - (n > 1 ? Math.min(rs, compute) * (n - 1) / n : 0);
    }

    /**
     * The chunk of layers [from, to), the index-th of the pipeline's p v chunks: its time per
     * micro-batch with the transfers at its two cuts (to the chunks before and after it).
     */
    TrainingStage stage(int index, int from, int to) {
        int p = setup.pipeline();
        int chunks = setup.chunks();
        int rank = index % p;
        double parameters = chunkParams(from, to);
        double forward = forwardSum[to] - forwardSum[from] + zeroGather(parameters, rank);
        double backward = backwardSum[to] - backwardSum[from] + zeroGather(parameters, rank)
                + zeroReduceScatter(parameters, from, to, rank);
        if (index > 0) {
            GpuCluster.Link before = pipelineLink((index - 1) % p, rank);
            forward += before.transferMs(cutBytes(workload.forwardCut(from)));   // receive activations
            backward += before.transferMs(cutBytes(workload.backwardCut(from))); // send gradients back
        }
        if (index + 1 < chunks) {
            GpuCluster.Link after = pipelineLink(rank, (index + 1) % p);
            forward += after.transferMs(cutBytes(workload.forwardCut(to)));      // send activations on
            backward += after.transferMs(cutBytes(workload.backwardCut(to)));    // receive gradients
        }
        return new TrainingStage(from, to, rank, forward, backward, parameters);
    }

    // ------------------------------------------------------------------ iteration

    /**
     * The pipeline part of an iteration for chunks of the given forward and backward times
     * (docs/training.md, "Iteration time").
     */
    double pipelineTime(List<TrainingStage> stages) {
        int m = microBatches;
        int p = setup.pipeline();
        switch (setup.schedule()) {
            case GPIPE -> {
                double maxF = 0;
                double maxB = 0;
                double sum = 0;
                for (TrainingStage s : stages) {
                    maxF = Math.max(maxF, s.forward());
                    maxB = Math.max(maxB, s.backward());
                    sum += s.forward() + s.backward();
                }
                return (m - 1) * (maxF + maxB) + sum;
            }
            case ONE_F_ONE_B -> {
                double max = 0;
                double sum = 0;
                for (TrainingStage s : stages) {
                    max = Math.max(max, s.forward() + s.backward());
                    sum += s.forward() + s.backward();
                }
                return (m - 1) * max + sum;
            }
            default -> {
                double[] work = new double[p];
                for (TrainingStage s : stages) {
                    work[s.rank()] += s.forward() + s.backward();
                }
                double max = 0;
                double sum = 0;
                for (double w : work) {
                    max = Math.max(max, w);
                    sum += w;
                }
                double v = setup.virtualStages();
                return (m - 1 + (1 - 1 / v)) * max + sum / v;
            }
        }
    }

    /** Prices one split: the chunk boundaries, layer indices from 0 to the workload's size. */
    public TrainingEvaluation evaluate(int[] boundaries) {
        List<String> problems = new ArrayList<>(checkSetup());
        int chunks = setup.chunks();
        if (boundaries.length != chunks + 1 || boundaries[0] != 0 || boundaries[chunks] != workload.size()) {
            throw new IllegalArgumentException("a split of " + workload.size() + " layers into " + chunks
                    + " chunks needs " + (chunks + 1) + " boundaries from 0 to " + workload.size());
        }
        List<TrainingStage> stages = new ArrayList<>();
        for (int c = 0; c < chunks; c++) {
            if (boundaries[c + 1] <= boundaries[c]) {
                throw new IllegalArgumentException("chunk " + c + " of the split has no layer");
            }
            stages.add(stage(c, boundaries[c], boundaries[c + 1]));
        }
        if (!problems.isEmpty()) {
            return new TrainingEvaluation(setup, globalBatch, microBatches, stages, List.of(), Double.POSITIVE_INFINITY,
                    Double.POSITIVE_INFINITY, 0, 0, 0, 0, Double.NaN, problems);
        }
        double pipeline = pipelineTime(stages);
        List<TrainingRank> ranks = ranks(stages);
        int p = setup.pipeline();
        double[] synced = new double[p]; // when rank r's gradient sync ends, after the pipeline's end
        double before = 0; // backward time of the chunks the last micro-batch still passes after rank r's last
        for (int r = 0; r < p; r++) {
            synced[r] = ranks.get(r).exposedSync() - before;
            before += stages.get(r).backward();
        }
        if (workload.tiedEmbeddings() && p > 1) {
            // the tied embedding's all-reduce joins the first and the last rank: it ends on both at once
            synced[0] = synced[p - 1] = Math.max(synced[0], synced[p - 1]);
        }
        double end = 0;
        for (int r = 0; r < p; r++) {
            end = Math.max(end, synced[r] + ranks.get(r).afterSync());
        }
        double iteration = pipeline + end;
        for (TrainingRank r : ranks) {
            if (r.memory().total() > cluster.memoryBytes()) {
                problems.add(String.format(Locale.ROOT, "pipeline rank %d needs %.2f GiB per GPU, a GPU has %.2f GiB",
                        r.rank(), r.memory().total() / (1L << 30), cluster.memoryBytes() / (1L << 30)));
            }
        }
        return finish(stages, ranks, pipeline, iteration, problems);
    }

    private List<String> checkSetup() {
        List<String> problems = new ArrayList<>();
        if (setup.gpus() > cluster.gpus()) {
            problems.add("the plan uses " + setup.gpus() + " GPUs, the cluster has " + cluster.gpus());
        }
        if (setup.tensor() > cluster.gpusPerNode() || cluster.gpusPerNode() % setup.tensor() != 0) {
            problems.add("a tensor-parallel group of " + setup.tensor() + " GPUs does not fit the nodes of "
                    + cluster.gpusPerNode());
        }
        if (microBatches == 0) {
            problems.add("the global batch of " + globalBatch + " samples does not divide into micro-batches of "
                    + setup.microBatch() + " on " + setup.data() + " data-parallel replicas");
        } else if (setup.schedule() == PipelineSchedule.INTERLEAVED && microBatches % setup.pipeline() != 0) {
            problems.add("the interleaved schedule needs the " + microBatches + " micro-batches to be a multiple of the "
                    + setup.pipeline() + " stages");
        }
        if (setup.chunks() > workload.size()) {
            problems.add(setup.chunks() + " chunks for " + workload.size() + " layers");
        }
        return problems;
    }

    /** Gradient sync, optimizer step and memory of every rank. */
    private List<TrainingRank> ranks(List<TrainingStage> stages) {
        List<TrainingRank> ranks = new ArrayList<>();
        for (int r = 0; r < setup.pipeline(); r++) {
            double params = 0;
            double stash = 0;
            double largestChunkStash = 0;
            double buffer = 0;
            double largestLayerParams = 0;
            for (TrainingStage s : stages) {
                if (s.rank() != r) {
                    continue;
                }
                params += s.parameters();
                double chunkStash = stash(s.firstLayer(), s.endLayer());
                stash += chunkStash;
                largestChunkStash = Math.max(largestChunkStash, chunkStash);
                for (int i = s.firstLayer(); i < s.endLayer(); i++) {
                    buffer = Math.max(buffer, buffer(i));
                    largestLayerParams = Math.max(largestLayerParams, layers.params(i));
                }
            }
            ranks.add(rank(r, params, exposedDataSync(r, stages), stash, largestChunkStash, buffer, largestLayerParams));
        }
        return ranks;
    }

    /**
     * Milliseconds per gradient byte of the data-parallel reduction left at the end of the
     * iteration (its bandwidth part): a ring all-reduce for ZeRO 0, a reduce-scatter for ZeRO 1,
     * nothing for ZeRO 2 and 3, which reduced the gradients pass by pass.
     */
    double syncPerByte(int rank) {
        int d = setup.data();
        int z = setup.zeroStage();
        if (d == 1 || z >= 2) {
            return 0;
        }
        double oneWay = (d - 1.0) / d / dataLink(rank).bandwidth() * 1000;
        return z == 1 ? oneWay : 2 * oneWay;
    }

    /** The latency part of that reduction, ms: (d - 1) ring steps, twice for an all-reduce. */
    double syncLatency(int rank) {
        int d = setup.data();
        int z = setup.zeroStage();
        if (d == 1 || z >= 2) {
            return 0;
        }
        return (z == 1 ? 1 : 2) * (d - 1) * dataLink(rank).latency();
    }

    /** Parameters on one GPU of layer i within a chunk of layers [from, to) (a whole model holds tied weights once). */
    double layerParams(int i, int from, int to) {
        double x = layers.params(i);
        return i == workload.size() - 1 && from == 0 && to == workload.size() ? x - sharedTiedCopy() : x;
    }

    /**
     * The part of rank r's data-parallel gradient reduction that its last backward pass does not
     * hide, ms. The reduction runs on a communication stream layer by layer as the last
     * micro-batch's backward pass makes each layer's gradients (the last layer first), the
     * gradients of the rank's other chunks (interleaved plans) queued at the start of that pass:
     * the stream ends at {@code max(stream, ready_l) + c_l} over the layers, {@code c_l} the layer's
     * bytes at the ring's rate, plus the ring's latency; what passes the end of the backward pass
     * is exposed.
     */
    double exposedDataSync(int r, List<TrainingStage> stages) {
        double perByte = syncPerByte(r);
        if (perByte == 0) {
            return 0;
        }
        TrainingStage last = stages.get(r); // a rank's last backward pass is that of its first chunk
        double stream = 0;
        for (TrainingStage s : stages) {
            if (s.rank() == r && s != last) {
                stream += perByte * GRADIENT_BYTES * s.parameters();
            }
        }
        double ready = backwardBefore(r, last.endLayer());
        for (int i = last.endLayer() - 1; i >= last.firstLayer(); i--) {
            ready += layers.backward(i);
            stream = Math.max(stream, ready) + perByte * GRADIENT_BYTES * layerParams(i, last.firstLayer(), last.endLayer());
        }
        return Math.max(0, stream + syncLatency(r) - last.backward());
    }

    /**
     * What a backward pass of the chunk ending at layer {@code to} on rank r does before its
     * layers: receive the gradients from the chunk after it and, with ZeRO 3, gather its
     * parameters (none of which are reduced then).
     */
    double backwardBefore(int index, int to) {
        if (index + 1 >= setup.chunks()) {
            return 0;
        }
        return pipelineLink(index % setup.pipeline(), (index + 1) % setup.pipeline()).transferMs(cutBytes(workload.backwardCut(to)));
    }

    /** Backward time of layer i per micro-batch, recomputation included, ms. */
    double layerBackward(int i) {
        return layers.backward(i);
    }

    /** Activation bytes layers [from, to) keep on one GPU for one micro-batch. */
    double stash(int from, int to) {
        return stashSum[to] - stashSum[from];
    }

    /**
     * The working buffer layer i needs at once on one GPU: its largest output and collective
     * message, and with full recomputation the activations its backward pass brings back.
     */
    double buffer(int i) {
        double bytes = layers.largestOutput(i) + layers.largestCollective(i);
        return setup.recomputation() == Recomputation.FULL ? bytes + layers.fullStash(i) : bytes;
    }

    /** Parameters of layer i on one GPU. */
    double layerParams(int i) {
        return layers.params(i);
    }

    /**
     * One rank's gradient sync, optimizer step and memory from the sums over its chunks: its
     * parameters on one GPU, the exposed part of its data-parallel reduction
     * ({@link #exposedDataSync}), activations per micro-batch (all chunks, and the largest
     * chunk's), largest layer buffer and largest layer's parameters.
     */
    TrainingRank rank(int r, double params, double exposedDataSync, double stash, double largestChunkStash,
                      double buffer, double largestLayerParams) {
        int p = setup.pipeline();
        int d = setup.data();
        int z = setup.zeroStage();
        DeviceType device = cluster.device();
        // the gradients left to reduce at the end: all of them (all-reduce), or with ZeRO 1 a
        // reduce-scatter to the shards; ZeRO 2 and 3 reduced them pass by pass
        double sync = syncPerByte(r) * GRADIENT_BYTES * params + syncLatency(r);
        // ZeRO 1 and 2 step on their shard, then all-gather the updated parameters; ZeRO 3 gathers them on use
        double gather = d > 1 && (z == 1 || z == 2) ? Collectives.allGather(WEIGHT_BYTES * params, d, dataLink(r)) : 0;
        double exposed = exposedDataSync;
        if (workload.tiedEmbeddings() && p > 1 && (r == 0 || r == p - 1)) {
            // Megatron-LM keeps the embedding on the first and the last stage and adds their gradients
            // once the data-parallel reduction is done (finalize_model_grads): nothing hides it
            double tied = Collectives.allReduce(GRADIENT_BYTES * workload.tiedParameters() / setup.tensor(), 2,
                    pipelineLink(0, p - 1));
            sync += tied;
            exposed += tied;
        }
        double shard = z >= 1 ? params / d : params;
        double step = device == null ? 0 : 1000 * STEP_BYTES_PER_PARAMETER * shard
                / (device.memoryBandwidth() * device.efficiency());
        double inFlight = inFlight(r);
        double activations = setup.schedule() == PipelineSchedule.INTERLEAVED ? inFlight * largestChunkStash
                : inFlight * stash;
        double buffers = buffer + (d > 1 ? GRADIENT_BUCKET_BYTES : 0)
                + (z == 3 && d > 1 ? WEIGHT_BYTES * largestLayerParams : 0);
        MemoryBreakdown memory = new MemoryBreakdown(WEIGHT_BYTES * params / (z == 3 ? d : 1),
                GRADIENT_BYTES * params / (z >= 2 ? d : 1), OPTIMIZER_BYTES * params / (z >= 1 ? d : 1), activations,
                buffers);
        return new TrainingRank(r, sync, exposed, step, gather, inFlight, memory);
    }

    /** Memory of one GPU, bytes. */
    double memoryCapacity() {
        return cluster.memoryBytes();
    }

    /**
     * Micro-batches whose activations rank r holds at once: all m under GPipe, p - r under 1F1B,
     * and under the interleaved schedule its warm-up's chunk micro-batches plus one.
     */
    double inFlight(int r) {
        int m = microBatches;
        int p = setup.pipeline();
        int v = setup.virtualStages();
        return switch (setup.schedule()) {
            case GPIPE -> m;
            case ONE_F_ONE_B -> Math.min(m, p - r);
            case INTERLEAVED -> Math.min((long) m * v, 2L * (p - r - 1) + (long) (v - 1) * p + 1);
        };
    }

    private TrainingEvaluation finish(List<TrainingStage> stages, List<TrainingRank> ranks, double pipeline,
                                      double iteration, List<String> problems) {
        double seconds = iteration / 1000;
        double samples = globalBatch / seconds;
        double flopsPerSample = workload.flopsPerSample();
        int gpus = setup.gpus();
        double modelFlops = globalBatch * flopsPerSample;
        double recompute = 0;
        for (int i = 0; i < workload.size(); i++) {
            recompute += layers.recomputeFlops(i);
        }
        // per micro-batch of the whole tensor group, m micro-batches on each of d pipelines
        double hardwareFlops = modelFlops + recompute * microBatches * setup.data();
        double modelTflops = modelFlops / seconds / gpus / 1e12;
        double hardwareTflops = hardwareFlops / seconds / gpus / 1e12;
        DeviceType device = cluster.device();
        double peak = device == null ? Double.NaN : device.matrix().present() ? device.matrix().peakFlops() : device.peakFlops();
        double mfu = modelFlops / seconds / (gpus * peak);
        return new TrainingEvaluation(setup, globalBatch, microBatches, stages, ranks, pipeline, iteration, samples,
                samples * tokensPerSample, modelTflops, hardwareTflops, mfu, problems);
    }
}
