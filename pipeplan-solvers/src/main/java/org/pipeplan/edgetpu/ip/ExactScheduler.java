package org.pipeplan.edgetpu.ip;

import org.pipeplan.edgetpu.EdgeTpuOptions;
import org.pipeplan.edgetpu.EdgeTpuPlan;
import org.pipeplan.edgetpu.EdgeTpuProblem;
import org.pipeplan.edgetpu.EdgeTpuScheduler;
import org.pipeplan.edgetpu.split.CompilerSegmentation;
import org.pipeplan.planner.PlanStatus;

/**
 * The exact split by CP-SAT ({@link EdgeTpuIpSolver}), warm-started from the compiler's
 * segmentation and the best split of the topological order; returns its proven bound.
 */
public final class ExactScheduler implements EdgeTpuScheduler {

    @Override
    public String name() {
        return "exact";
    }

    @Override
    public String description() {
        return "the exact split by CP-SAT, with its proven lower bound";
    }

    @Override
    public EdgeTpuPlan solve(EdgeTpuProblem problem, EdgeTpuOptions options) {
        var g = problem.graph();
        var p = problem.pipeline();
        EdgeTpuIpSolver.Result r = EdgeTpuIpSolver.solve(g, p, options.run(), CompilerSegmentation.split(g, p));
        // the program counts every effect of the cost model (the Coral one's fallback, overhead and
        // host link included), so its bound holds and its optimum is the evaluator's
        return new EdgeTpuPlan(r.stages(), name(), r.optimal() ? PlanStatus.OPTIMAL : PlanStatus.FEASIBLE,
                r.times().bottleneck(), r.lowerBound(), "", r.seconds());
    }
}
