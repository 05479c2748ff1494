package org.pipeplan.cluster.training;

import java.util.List;

/**
 * A training plan as the cost model sees it (docs/training.md): its chunks and ranks, the
 * iteration time and what follows from it.
 *
 * @param setup               the plan's decisions
 * @param globalBatch         samples per iteration
 * @param microBatches        micro-batches per pipeline per iteration, m
 * @param stages              the chunks in model order
 * @param ranks               the pipeline ranks
 * @param pipelineMs          the pipeline part of the iteration (forward and backward of every micro-batch)
 * @param iterationMs         the iteration time: pipeline, exposed gradient sync and optimizer step
 * @param samplesPerSecond    global batch over the iteration time
 * @param tokensPerSecond     samples per second times tokens per sample
 * @param modelTflopsPerGpu   model FLOPs (forward and backward, recomputation not counted) per second per GPU, TFLOP/s
 * @param hardwareTflopsPerGpu the same with recomputation's FLOPs, TFLOP/s
 * @param mfu                 model-FLOP utilisation: model FLOP/s over the GPUs' matrix peak (NaN when unknown)
 * @param problems            what makes the plan invalid or not fit (empty when it is fine)
 */
public record TrainingEvaluation(TrainingSetup setup, int globalBatch, int microBatches, List<TrainingStage> stages,
                                 List<TrainingRank> ranks, double pipelineMs, double iterationMs, double samplesPerSecond,
                                 double tokensPerSecond, double modelTflopsPerGpu, double hardwareTflopsPerGpu, double mfu,
                                 List<String> problems) {

    public TrainingEvaluation {
        stages = List.copyOf(stages);
        ranks = List.copyOf(ranks);
        problems = List.copyOf(problems);
    }

    public boolean feasible() {
        return problems.isEmpty();
    }

    /** The largest memory of a GPU of the plan, bytes. */
    public double peakMemory() {
        return ranks.stream().mapToDouble(r -> r.memory().total()).max().orElse(0);
    }
}
