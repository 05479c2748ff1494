package org.pipeplan.cluster.training;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import org.pipeplan.cluster.Collectives;
import org.pipeplan.cluster.GpuCluster;
import org.pipeplan.device.DeviceType;

/**
 * A discrete-event simulation of one training iteration, independent of the closed forms of
 * {@link TrainingCost} (no bubble, overlap or in-flight formula): every pipeline rank runs the
 * forward and backward passes of its chunks in the order of the schedule ({@link PipelineOrder}),
 * each pass as soon as the rank is free and its input has arrived, layer by layer; the gradient
 * reduction runs on a communication stream of its own as the layers' gradients become ready; the
 * optimizer step follows it.
 *
 * <p>What the simulation takes from the model is only the price of the pieces, all per micro-batch
 * on one GPU of a rank: every layer's forward and backward time ({@link LayerCosts}: compute,
 * tensor-parallel collectives, recomputation), its stash and parameters, the point-to-point link
 * between two ranks ({@link TrainingCost#pipelineLink}), the collectives of {@link Collectives}.
 *
 * <p>The model of one pass of chunk {@code c} (layers {@code [from, to)}) on its rank:
 * <ul>
 *   <li>a forward pass may start once the rank is free and the forward pass of chunk {@code c - 1}
 *       of the same micro-batch has ended, that end including its send; it then receives the
 *       activations crossing the cut before {@code from} (one message on the link between the two
 *       ranks, the GPU busy all along), gathers the chunk's parameters under ZeRO-3, runs its
 *       layers in order (a layer's stash is kept from the end of its forward), and sends the
 *       activations crossing the cut after {@code to} (again occupying the GPU);</li>
 *   <li>a backward pass may start once the rank is free, the chunk's forward pass of the micro-batch
 *       has ended and so has the backward pass of chunk {@code c + 1} (the last chunk starts from its
 *       loss); it receives the gradients crossing the cut after {@code to}, gathers the parameters
 *       under ZeRO-3, runs its layers in reverse order (recomputing them first where the setup says,
 *       which the layer's backward time includes; a layer's stash is freed at the end of its
 *       backward) and sends the gradients crossing the cut before {@code from}.</li>
 * </ul>
 * A transfer thus occupies the sender for one message time at the end of its pass and then the
 * receiver for one at the start of its pass: each side is charged the message, as the model's
 * per-stage times charge it, and the two do not overlap (store and forward).
 *
 * <p>Gradients: layer {@code i} of rank {@code r} is ready when its backward pass of the rank's last
 * micro-batch through its chunk ends. The rank's communication stream reduces the layers in the
 * order they become ready, each as soon as it is ready and the stream is free, taking the share of
 * the rank's all-reduce of {@code 2 Phi_r / t} bytes over its data-parallel group that its
 * parameters are of the rank's. With tied embeddings and {@code p > 1}, the first and the last rank
 * then all-reduce the embedding's gradient between them, as Megatron-LM does after the
 * data-parallel reduction: it starts when both have finished that reduction and ends on both at
 * once. A rank's optimizer step runs on its compute stream once its last pass and its gradient
 * sync have ended; the iteration ends with the last step. (With ZeRO, a reduce-scatter before the
 * step and an all-gather after it move the same bytes as the all-reduce and end at the same time.)
 */
public final class TrainingSimulator {

    private TrainingSimulator() {
    }

    /** Simulates one iteration of the split (chunk boundaries from 0 to the layers), without a trace. */
    public static TrainingSimulation simulate(TrainingCost cost, int[] boundaries) {
        return simulate(cost, boundaries, false);
    }

    /** Simulates one iteration of the split; with {@code trace}, every event is recorded. */
    public static TrainingSimulation simulate(TrainingCost cost, int[] boundaries, boolean trace) {
        return new Run(cost, boundaries, trace).run();
    }

    /** The state of one simulation. */
    private static final class Run {
        private final TrainingCost cost;
        private final TrainingSetup setup;
        private final TrainingWorkload workload;
        private final LayerCosts layers;
        private final GpuCluster cluster;
        private final int[] bounds;
        private final int p;
        private final int chunks;
        private final int m;
        private final boolean tracing;
        private final List<TrainingSimulation.Event> trace = new ArrayList<>();

        /** End of each pass, NaN until it has ended (been processed). */
        private final double[][] forwardEnd;
        private final double[][] backwardEnd;
        /** When each layer's gradient is ready: the end of its backward pass of the last micro-batch. */
        private final double[] gradientReady;
        private final List<List<PipelineOrder.Step>> order = new ArrayList<>();
        private final int[] next;
        private final boolean[] busy;
        private final double[] busyMs;
        private final double[] lastEnd;
        private final int[] held;
        private final int[] peakHeld;
        private final double[] heldBytes;
        private final double[] peakBytes;

        Run(TrainingCost cost, int[] boundaries, boolean tracing) {
            this.cost = cost;
            this.setup = cost.setup();
            this.workload = cost.workload();
            this.layers = new LayerCosts(workload, setup);
            this.cluster = workload.problem().cluster();
            this.p = setup.pipeline();
            this.chunks = setup.chunks();
            this.m = cost.microBatches();
            this.tracing = tracing;
            if (m < 1) {
                throw new IllegalArgumentException("the global batch does not divide into micro-batches of the setup");
            }
            if (boundaries.length != chunks + 1 || boundaries[0] != 0 || boundaries[chunks] != workload.size()) {
                throw new IllegalArgumentException("a split of " + workload.size() + " layers into " + chunks
                        + " chunks needs " + (chunks + 1) + " boundaries from 0 to " + workload.size());
            }
            for (int c = 0; c < chunks; c++) {
                if (boundaries[c + 1] <= boundaries[c]) {
                    throw new IllegalArgumentException("chunk " + c + " of the split has no layer");
                }
            }
            this.bounds = boundaries.clone();
            forwardEnd = new double[chunks][m];
            backwardEnd = new double[chunks][m];
            for (int c = 0; c < chunks; c++) {
                Arrays.fill(forwardEnd[c], Double.NaN);
                Arrays.fill(backwardEnd[c], Double.NaN);
            }
            gradientReady = new double[workload.size()];
            Arrays.fill(gradientReady, Double.NaN);
            for (int r = 0; r < p; r++) {
                order.add(PipelineOrder.of(setup.schedule(), p, setup.virtualStages(), m, r));
            }
            next = new int[p];
            busy = new boolean[p];
            busyMs = new double[p];
            lastEnd = new double[p];
            held = new int[p];
            peakHeld = new int[p];
            heldBytes = new double[p];
            peakBytes = new double[p];
        }

        // -------------------------------------------------------------- prices of the pieces

        private int rankOf(int chunk) {
            return chunk % p;
        }

        /** Bytes of one micro-batch crossing a cut, on one GPU (split along the sequence with sequence parallelism). */
        private double cutBytes(double perSample) {
            double bytes = setup.microBatch() * perSample;
            return setup.sequenceParallel() ? bytes / setup.tensor() : bytes;
        }

        /** The ring of rank r's data-parallel group: every t-th GPU of its t d consecutive GPUs. */
        private GpuCluster.Link dataLink(int r) {
            int block = setup.tensor() * setup.data();
            return cluster.linkOf(r * block, block);
        }

        private double params(int from, int to) {
            double sum = 0;
            for (int i = from; i < to; i++) {
                sum += layers.params(i);
            }
            return sum;
        }

        /** ZeRO-3: the chunk's 16-bit parameters all-gathered over the data-parallel group. */
        private double gather(int chunk) {
            if (setup.zeroStage() < 3 || setup.data() == 1) {
                return 0;
            }
            int d = setup.data();
            return Collectives.allGather(TrainingCost.WEIGHT_BYTES * chunkParams(chunk), d, dataLink(rankOf(chunk)));
        }

        /** The chunk's parameters on one GPU; a single chunk holds tied embedding weights once. */
        private double chunkParams(int chunk) {
            double sum = params(bounds[chunk], bounds[chunk + 1]);
            return chunks == 1 ? sum - cost.sharedTiedCopy() : sum;
        }

        /**
         * ZeRO 2 and 3: the pass's reduce-scatter of its chunk's gradients, priced as the cost model
         * prices it (the part its last layer cannot hide).
         */
        private double reduceScatter(int chunk) {
            return cost.zeroReduceScatter(chunkParams(chunk), bounds[chunk], bounds[chunk + 1], rankOf(chunk));
        }

        /** One message of {@code perSample} bytes a sample over the link between chunk {@code a} and chunk {@code a + 1}. */
        private double message(int a, double perSample) {
            return cost.pipelineLink(rankOf(a), rankOf(a + 1)).transferMs(cutBytes(perSample));
        }

        // -------------------------------------------------------------- the passes

        /** When the step's inputs are all there, or NaN while one has not arrived. */
        private double inputsReady(PipelineOrder.Step s) {
            int c = s.chunk();
            int i = s.microBatch();
            if (s.forward()) {
                return c == 0 ? 0 : forwardEnd[c - 1][i];
            }
            double own = forwardEnd[c][i];
            double after = c == chunks - 1 ? 0 : backwardEnd[c + 1][i];
            return Double.isNaN(own) || Double.isNaN(after) ? Double.NaN : Math.max(own, after);
        }

        /** Runs a pass from {@code start} on its rank, layer by layer; returns its end. */
        private double execute(PipelineOrder.Step s, double start) {
            int c = s.chunk();
            int r = rankOf(c);
            int from = bounds[c];
            int to = bounds[c + 1];
            double t = start;
            if (s.forward()) {
                if (c > 0) {
                    t += message(c - 1, workload.forwardCut(from));    // receive the activations
                }
                t += gather(c);
                for (int i = from; i < to; i++) {
                    t += layers.forward(i);
                    heldBytes[r] += layers.stash(i);                  // the layer's stash is kept
                    peakBytes[r] = Math.max(peakBytes[r], heldBytes[r]);
                }
                if (c + 1 < chunks) {
                    t += message(c, workload.forwardCut(to));          // send them on
                }
            } else {
                if (c + 1 < chunks) {
                    t += message(c, workload.backwardCut(to));         // receive the gradients
                }
                t += gather(c);
                for (int i = to - 1; i >= from; i--) {
                    t += layers.backward(i);
                    heldBytes[r] -= layers.stash(i);                  // freed once the layer is done
                    gradientReady[i] = t;                             // the last pass through it sets it
                }
                t += reduceScatter(c);
                if (c > 0) {
                    t += message(c - 1, workload.backwardCut(from));   // send them back
                }
            }
            return t;
        }

        private record Done(double time, long seq, int rank, PipelineOrder.Step step) {
        }

        TrainingSimulation run() {
            PriorityQueue<Done> events = new PriorityQueue<>(
                    Comparator.comparingDouble(Done::time).thenComparingLong(Done::seq));
            long[] seq = {0};
            double now = 0;
            startReady(events, seq, now);
            while (!events.isEmpty()) {
                Done e = events.poll();
                now = e.time();
                PipelineOrder.Step s = e.step();
                int r = e.rank();
                int c = s.chunk();
                if (s.forward()) {
                    forwardEnd[c][s.microBatch()] = now;
                    held[r]++;
                    peakHeld[r] = Math.max(peakHeld[r], held[r]);
                } else {
                    backwardEnd[c][s.microBatch()] = now;
                    held[r]--;
                }
                busy[r] = false;
                lastEnd[r] = now;
                startReady(events, seq, now);
            }
            for (int r = 0; r < p; r++) {
                if (next[r] < order.get(r).size()) {
                    throw new IllegalStateException("the schedule deadlocks: rank " + r + " waits at "
                            + order.get(r).get(next[r]));
                }
            }
            return tail();
        }

        /** Starts, at {@code now}, the next pass of every free rank whose inputs have arrived. */
        private void startReady(PriorityQueue<Done> events, long[] seq, double now) {
            for (int r = 0; r < p; r++) {
                if (busy[r] || next[r] >= order.get(r).size()) {
                    continue;
                }
                PipelineOrder.Step s = order.get(r).get(next[r]);
                double ready = inputsReady(s);
                if (Double.isNaN(ready)) {
                    continue;
                }
                double end = execute(s, now);
                busy[r] = true;
                next[r]++;
                busyMs[r] += end - now;
                if (tracing) {
                    trace.add(new TrainingSimulation.Event(s.forward() ? TrainingSimulation.Kind.FORWARD
                            : TrainingSimulation.Kind.BACKWARD, r, s.chunk(), s.microBatch(), -1, now, end));
                }
                events.add(new Done(end, seq[0]++, r, s));
            }
        }

        // -------------------------------------------------------------- gradient sync, optimizer step

        private TrainingSimulation tail() {
            int d = setup.data();
            int z = setup.zeroStage();
            double[] syncEnd = new double[p];
            for (int r = 0; r < p; r++) {
                List<Integer> own = new ArrayList<>();
                for (int c = r; c < chunks; c += p) {
                    for (int i = bounds[c]; i < bounds[c + 1]; i++) {
                        own.add(i);
                    }
                }
                // what is left to reduce at the end: all-reduce (ZeRO 0), reduce-scatter (ZeRO 1), nothing (2, 3);
                // each layer's gradients at the ring's rate once ready, the ring's latency after the last
                double perByte = cost.syncPerByte(r);
                // in the order the layers become ready (backward order for ties)
                own.sort(Comparator.comparingDouble((Integer i) -> gradientReady[i]).thenComparing(i -> -i));
                double t = 0;
                for (int i : own) {
                    double layerParams = layers.params(i) - (p == 1 && i == workload.size() - 1 ? cost.sharedTiedCopy() : 0);
                    double share = perByte * TrainingCost.GRADIENT_BYTES * layerParams;
                    double begin = Math.max(t, gradientReady[i]);
                    t = begin + share;
                    if (tracing && share > 0) {
                        trace.add(new TrainingSimulation.Event(TrainingSimulation.Kind.GRADIENT_SYNC, r, -1, -1, i, begin, t));
                    }
                }
                if (perByte > 0) {
                    t += cost.syncLatency(r);
                }
                syncEnd[r] = t;
            }
            if (workload.tiedEmbeddings() && p > 1) {
                double tied = Collectives.allReduce(TrainingCost.GRADIENT_BYTES * workload.tiedParameters() / setup.tensor(),
                        2, cost.pipelineLink(0, p - 1));
                double begin = Math.max(syncEnd[0], syncEnd[p - 1]);
                if (tracing) {
                    trace.add(new TrainingSimulation.Event(TrainingSimulation.Kind.TIED_SYNC, 0, -1, -1, -1, begin, begin + tied));
                    trace.add(new TrainingSimulation.Event(TrainingSimulation.Kind.TIED_SYNC, p - 1, -1, -1, -1, begin,
                            begin + tied));
                }
                syncEnd[0] = begin + tied;
                syncEnd[p - 1] = begin + tied;
            }
            DeviceType device = cluster.device();
            List<TrainingSimulation.Rank> ranks = new ArrayList<>();
            double iteration = 0;
            double pipeline = 0;
            for (int r = 0; r < p; r++) {
                double rankParams = 0;
                for (int c = r; c < chunks; c += p) {
                    rankParams += chunkParams(c);
                }
                double shard = z >= 1 ? rankParams / d : rankParams;
                double step = device == null ? 0
                        : 1000 * TrainingCost.STEP_BYTES_PER_PARAMETER * shard / (device.memoryBandwidth() * device.efficiency());
                double begin = Math.max(lastEnd[r], syncEnd[r]);
                // ZeRO 1 and 2 then all-gather the updated parameters
                double gather = d > 1 && (z == 1 || z == 2)
                        ? Collectives.allGather(TrainingCost.WEIGHT_BYTES * rankParams, d, dataLink(r)) : 0;
                double end = begin + step + gather;
                if (tracing && step > 0) {
                    trace.add(new TrainingSimulation.Event(TrainingSimulation.Kind.OPTIMIZER_STEP, r, -1, -1, -1, begin, end));
                }
                iteration = Math.max(iteration, end);
                pipeline = Math.max(pipeline, lastEnd[r]);
                ranks.add(new TrainingSimulation.Rank(r, busyMs[r], peakHeld[r], peakBytes[r], lastEnd[r], syncEnd[r], end));
            }
            if (tracing) {
                trace.sort(Comparator.comparingDouble(TrainingSimulation.Event::startMs)
                        .thenComparingInt(TrainingSimulation.Event::rank));
            }
            return new TrainingSimulation(setup, m, pipeline, iteration, ranks, trace);
        }
    }
}
