package org.pipeplan.edgetpu.learned;

import org.pipeplan.edgetpu.EdgeTpuOptions;
import org.pipeplan.edgetpu.EdgeTpuPlan;
import org.pipeplan.edgetpu.EdgeTpuProblem;
import org.pipeplan.edgetpu.EdgeTpuScheduler;
import org.pipeplan.edgetpu.evaluate.EdgeTpuBounds;

/**
 * The learned scheduler (after RESPECT) as an Edge TPU scheduler: loads the policy of the options'
 * checkpoint, or the bundled one, for each split ({@link LearnedPolicy}). The note says which
 * candidate order won; the bound is {@link EdgeTpuBounds}'s.
 */
public final class LearnedScheduler implements EdgeTpuScheduler {

    @Override
    public String name() {
        return "learned";
    }

    @Override
    public String description() {
        return "the learned scheduler: a trained policy orders the nodes, the order is split exactly";
    }

    @Override
    public EdgeTpuPlan solve(EdgeTpuProblem problem, EdgeTpuOptions options) {
        try (LearnedPolicy policy = options.checkpoint() == null ? LearnedPolicy.bundled()
                : LearnedPolicy.load(options.checkpoint())) {
            LearnedPolicy.Result r = policy.split(problem.graph(), problem.pipeline());
            // the closed-form bound costs microseconds and often proves a streaming-bound split optimal
            return EdgeTpuPlan.bounded(r.stages(), name(), r.times().bottleneck(),
                    EdgeTpuBounds.lowerBound(problem.graph(), problem.pipeline()), r.source(), r.seconds());
        }
    }
}
