package org.pipeplan.cluster.evaluate;

import java.util.List;
import org.pipeplan.cluster.StageTime;

/**
 * A parallel plan as the independent evaluator sees it.
 *
 * @param stages        per stage, in order
 * @param timePerSample the slowest stage's time per sample, ms
 * @param problems      what makes the plan invalid or infeasible (empty when it is fine)
 */
public record ClusterEvaluation(List<StageTime> stages, double timePerSample, List<String> problems) {

    public ClusterEvaluation {
        stages = List.copyOf(stages);
        problems = List.copyOf(problems);
    }

    public boolean feasible() {
        return problems.isEmpty();
    }

    /** Samples per second. */
    public double throughput() {
        return 1000.0 / timePerSample;
    }
}
