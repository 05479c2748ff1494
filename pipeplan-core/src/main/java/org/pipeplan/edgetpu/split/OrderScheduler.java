package org.pipeplan.edgetpu.split;

import org.pipeplan.edgetpu.EdgeTpuOptions;
import org.pipeplan.edgetpu.EdgeTpuPlan;
import org.pipeplan.edgetpu.EdgeTpuProblem;
import org.pipeplan.edgetpu.EdgeTpuScheduler;
import org.pipeplan.edgetpu.evaluate.EdgeTpuBounds;
import org.pipeplan.edgetpu.evaluate.EdgeTpuEvaluator;

/**
 * The best split of the graph's topological order into consecutive segments ({@link OrderDp}),
 * with the closed-form bound of {@link EdgeTpuBounds}.
 */
public final class OrderScheduler implements EdgeTpuScheduler {

    @Override
    public String name() {
        return "order";
    }

    @Override
    public String description() {
        return "the best split of the topological order (dynamic programming over the cuts)";
    }

    @Override
    public EdgeTpuPlan solve(EdgeTpuProblem problem, EdgeTpuOptions options) {
        long start = System.nanoTime();
        int[] stages = OrderDp.split(problem.graph(), problem.pipeline());
        double value = EdgeTpuEvaluator.evaluate(problem.graph(), problem.pipeline(), stages).bottleneck();
        double bound = EdgeTpuBounds.lowerBound(problem.graph(), problem.pipeline());
        return EdgeTpuPlan.bounded(stages, name(), value, bound, "", (System.nanoTime() - start) / 1e9);
    }
}
