package org.pipeplan.edgetpu.split;

import org.pipeplan.edgetpu.EdgeTpuOptions;
import org.pipeplan.edgetpu.EdgeTpuPlan;
import org.pipeplan.edgetpu.EdgeTpuProblem;
import org.pipeplan.edgetpu.EdgeTpuScheduler;
import org.pipeplan.edgetpu.evaluate.EdgeTpuEvaluator;

/** The vendor compiler's equal-parameter segmentation ({@link CompilerSegmentation}), the baseline. */
public final class CompilerScheduler implements EdgeTpuScheduler {

    @Override
    public String name() {
        return "compiler";
    }

    @Override
    public String description() {
        return "the compiler's segmentation: equal parameter bytes per stage along the topological order";
    }

    @Override
    public EdgeTpuPlan solve(EdgeTpuProblem problem, EdgeTpuOptions options) {
        long start = System.nanoTime();
        int[] stages = CompilerSegmentation.split(problem.graph(), problem.pipeline());
        double value = EdgeTpuEvaluator.evaluate(problem.graph(), problem.pipeline(), stages).bottleneck();
        return EdgeTpuPlan.heuristic(stages, name(), value, (System.nanoTime() - start) / 1e9);
    }
}
