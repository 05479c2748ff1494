package org.pipeplan.cluster.training;

import java.util.Locale;
import java.util.Objects;

/**
 * The decisions of a training plan besides its layer split (docs/training.md, "A plan").
 *
 * @param tensor           tensor-parallel degree t
 * @param pipeline         pipeline stages p (GPU ranks of a pipeline)
 * @param data             data-parallel degree d
 * @param virtualStages    model chunks per GPU rank, v (1 unless the schedule is interleaved)
 * @param microBatch       samples per micro-batch, b
 * @param schedule         the pipeline schedule
 * @param zeroStage        ZeRO stage, 0 to 3
 * @param recomputation    activation recomputation
 * @param sequenceParallel Megatron-LM's sequence parallelism (only with t > 1)
 */
public record TrainingSetup(int tensor, int pipeline, int data, int virtualStages, int microBatch, PipelineSchedule schedule,
                            int zeroStage, Recomputation recomputation, boolean sequenceParallel) {

    public TrainingSetup {
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(recomputation, "recomputation");
        if (tensor < 1 || pipeline < 1 || data < 1 || virtualStages < 1 || microBatch < 1) {
            throw new IllegalArgumentException("degrees, virtual stages and the micro-batch must be >= 1");
        }
        if (zeroStage < 0 || zeroStage > 3) {
            throw new IllegalArgumentException("the ZeRO stage is 0, 1, 2 or 3, got " + zeroStage);
        }
        if ((schedule == PipelineSchedule.INTERLEAVED) != (virtualStages > 1)) {
            throw new IllegalArgumentException("the interleaved schedule, and only it, has more than one virtual stage per GPU");
        }
        if (sequenceParallel && tensor == 1) {
            throw new IllegalArgumentException("sequence parallelism needs tensor parallelism (t > 1)");
        }
    }

    /** GPUs the plan uses: t p d. */
    public int gpus() {
        return tensor * pipeline * data;
    }

    /** Model chunks of a pipeline: p v. */
    public int chunks() {
        return pipeline * virtualStages;
    }

    /** Micro-batches each pipeline runs per iteration of a global batch, or 0 if it does not divide evenly. */
    public int microBatches(int globalBatch) {
        long perPipeline = (long) microBatch * data;
        return globalBatch % perPipeline == 0 ? (int) (globalBatch / perPipeline) : 0;
    }

    /** "tp=8 pp=16 dp=24 v=2 mb=1 interleaved zero=1 recompute=selective sp". */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "tp=%d pp=%d dp=%d v=%d mb=%d %s zero=%d recompute=%s%s", tensor, pipeline, data,
                virtualStages, microBatch, schedule.label(), zeroStage, recomputation.label(), sequenceParallel ? " sp" : "");
    }
}
