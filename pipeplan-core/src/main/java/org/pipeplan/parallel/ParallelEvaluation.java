package org.pipeplan.parallel;

import java.util.List;

/**
 * A parallel plan as the independent evaluator sees it.
 *
 * @param stages        per stage, in order
 * @param timePerSample the slowest stage's time per sample, ms
 * @param problems      what makes the plan invalid or infeasible (empty when it is fine)
 */
public record ParallelEvaluation(List<StageTime> stages, double timePerSample, List<String> problems) {

    public ParallelEvaluation {
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
