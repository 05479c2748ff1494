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
        double value = r.times().bottleneck();
        if (!p.model().cpuFallback() && !p.model().sharedHostLink() && p.model().invokeOverheadMs() == 0) {
            return new EdgeTpuPlan(r.stages(), name(), r.optimal() ? PlanStatus.OPTIMAL : PlanStatus.FEASIBLE,
                    value, r.lowerBound(), "", r.seconds());
        }
        // The program leaves out the fallback to the CPU, the shared host link and the invocation
        // overhead. Without fallback and overhead, the Coral time of a split is at least its time
        // in the program (the host link only adds a maximum), so the program's bound still holds.
        if (g.hostOnlyCount() == 0 && p.model().invokeOverheadMs() == 0) {
            boolean optimal = r.optimal() && value <= r.lowerBound() * (1 + 1e-9);
            return new EdgeTpuPlan(r.stages(), name(), optimal ? PlanStatus.OPTIMAL : PlanStatus.FEASIBLE, value,
                    r.lowerBound(), optimal ? "" : "the program's optimum, before the shared host link", r.seconds());
        }
        return new EdgeTpuPlan(r.stages(), name(), PlanStatus.FEASIBLE, value, Double.NaN,
                "the program's optimum without CPU fallback and invocation overhead, evaluated under the Coral model "
                        + "(no proven bound there)", r.seconds());
    }
}
