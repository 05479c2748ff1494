package org.pipeplan.cluster.training;

import java.util.Objects;

/**
 * What a training planner is given: the workload on its cluster, the global batch of an
 * iteration, the tokens of one sample (for tokens/s; 1 for models whose samples are not
 * sequences), the decisions the user fixed, and where the model came from (a file or a spec),
 * for plan files.
 *
 * @param workload        the layers of the training graph on its GPU cluster
 * @param globalBatch     samples per iteration (one optimizer step)
 * @param tokensPerSample tokens of one sample
 * @param fix             decisions fixed by the user
 * @param model           the model file or spec the workload was built from
 */
public record TrainingProblem(TrainingWorkload workload, int globalBatch, double tokensPerSample, TrainingFix fix,
                              String model) {

    public TrainingProblem {
        Objects.requireNonNull(workload, "workload");
        Objects.requireNonNull(fix, "fix");
        Objects.requireNonNull(model, "model");
        if (globalBatch < 1) {
            throw new IllegalArgumentException("the global batch must hold at least one sample, got " + globalBatch);
        }
        if (!(tokensPerSample > 0) || Double.isInfinite(tokensPerSample)) {
            throw new IllegalArgumentException("tokens per sample must be positive, got " + tokensPerSample);
        }
    }

    /** The cost model of one setup of this problem. */
    public TrainingCost cost(TrainingSetup setup) {
        return new TrainingCost(workload, setup, globalBatch, tokensPerSample);
    }

    /** The same problem with other fixed decisions. */
    public TrainingProblem withFix(TrainingFix value) {
        return new TrainingProblem(workload, globalBatch, tokensPerSample, value, model);
    }
}
