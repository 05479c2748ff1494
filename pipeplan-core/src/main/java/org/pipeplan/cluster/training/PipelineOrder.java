package org.pipeplan.cluster.training;

import java.util.ArrayList;
import java.util.List;

/**
 * The order in which one pipeline rank runs the forward and backward passes of an iteration under
 * each schedule, as the training runtimes issue them (used by {@link TrainingSimulator}):
 *
 * <ul>
 *   <li>GPipe: the forward pass of every micro-batch, then their backward passes, in micro-batch
 *       order.</li>
 *   <li>1F1B (PipeDream-Flush, Megatron-LM's {@code forward_backward_pipelining_without_interleaving}):
 *       a warm-up of {@code min(p - r - 1, m)} forward passes, then one forward and one backward in
 *       turn, then the remaining backward passes (the cool-down).</li>
 *   <li>Interleaved 1F1B (Megatron-LM's {@code forward_backward_pipelining_with_interleaving},
 *       Narayanan et al. 2021): the rank runs {@code m v} chunk steps each way; forward step
 *       {@code k} is micro-batch {@code (k / (p v)) p + k mod p} on the rank's model chunk
 *       {@code (k mod (p v)) / p}, backward step {@code k} the same micro-batch on model chunk
 *       {@code v - 1 - (k mod (p v)) / p}; a warm-up of {@code 2 (p - r - 1) + (v - 1) p} forward
 *       steps (all {@code m v} steps forward first when that is as many), then one forward and
 *       one backward step in turn, then the remaining backward steps. Micro-batches go in groups
 *       of {@code p} (Megatron-LM's default {@code microbatch_group_size_per_vp_stage}), so
 *       {@code m} must be a multiple of {@code p}. (Releases of Megatron-LM before 2024 also ran
 *       all forward steps first when {@code m == p}; current ones do not.)</li>
 * </ul>
 *
 * Chunks are numbered in model order, 0 to {@code p v - 1}; rank {@code r} holds chunks
 * {@code r, r + p, r + 2p, ...}, its model chunk {@code j} being chunk {@code j p + r}.
 */
final class PipelineOrder {

    /** One pass of one micro-batch through one chunk. */
    record Step(boolean forward, int chunk, int microBatch) {
    }

    private PipelineOrder() {
    }

    /** The steps rank r runs, in order, for m micro-batches on p ranks of v chunks each. */
    static List<Step> of(PipelineSchedule schedule, int p, int v, int m, int r) {
        if (r < 0 || r >= p || m < 1) {
            throw new IllegalArgumentException("rank " + r + " of " + p + ", " + m + " micro-batches");
        }
        List<Step> steps = new ArrayList<>(2 * m * v);
        switch (schedule) {
            case GPIPE -> {
                for (int i = 0; i < m; i++) {
                    steps.add(new Step(true, r, i));
                }
                for (int i = 0; i < m; i++) {
                    steps.add(new Step(false, r, i));
                }
            }
            case ONE_F_ONE_B -> {
                int warmup = Math.min(p - r - 1, m);
                for (int i = 0; i < warmup; i++) {
                    steps.add(new Step(true, r, i));
                }
                for (int i = 0; i < m - warmup; i++) {
                    steps.add(new Step(true, r, warmup + i));
                    steps.add(new Step(false, r, i));
                }
                for (int i = m - warmup; i < m; i++) {
                    steps.add(new Step(false, r, i));
                }
            }
            case INTERLEAVED -> {
                if (m % p != 0) {
                    throw new IllegalArgumentException("the interleaved schedule needs the " + m
                            + " micro-batches to be a multiple of the " + p + " stages");
                }
                int total = m * v;
                int warmup = Math.min(2 * (p - r - 1) + (v - 1) * p, total);
                for (int k = 0; k < warmup; k++) {
                    steps.add(interleavedStep(true, k, p, v, r));
                }
                for (int k = 0; k < total - warmup; k++) {
                    steps.add(interleavedStep(true, warmup + k, p, v, r));
                    steps.add(interleavedStep(false, k, p, v, r));
                }
                for (int k = total - warmup; k < total; k++) {
                    steps.add(interleavedStep(false, k, p, v, r));
                }
            }
            default -> throw new IllegalArgumentException("unknown schedule " + schedule);
        }
        return steps;
    }

    /** The k-th forward or backward chunk step of rank r under the interleaved schedule. */
    private static Step interleavedStep(boolean forward, int k, int p, int v, int r) {
        int inGroup = k % (p * v);
        int modelChunk = inGroup / p;
        if (!forward) {
            modelChunk = v - 1 - modelChunk;
        }
        int microBatch = (k / (p * v)) * p + k % p;
        return new Step(forward, modelChunk * p + r, microBatch);
    }
}
