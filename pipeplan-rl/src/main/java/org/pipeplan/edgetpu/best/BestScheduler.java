package org.pipeplan.edgetpu.best;

import org.pipeplan.edgetpu.EdgeTpuOptions;
import org.pipeplan.edgetpu.EdgeTpuPlan;
import org.pipeplan.edgetpu.EdgeTpuProblem;
import org.pipeplan.edgetpu.EdgeTpuScheduler;
import org.pipeplan.edgetpu.evaluate.EdgeTpuBounds;
import org.pipeplan.edgetpu.evaluate.EdgeTpuEvaluator;
import org.pipeplan.edgetpu.ip.EdgeTpuIpSolver;
import org.pipeplan.edgetpu.learned.LearnedPolicy;
import org.pipeplan.edgetpu.split.OrderDp;

/**
 * The default Edge TPU scheduler: the best of the others with the strongest proof. The order split
 * and the learned scheduler take milliseconds; where the closed-form bound does not already prove
 * the better of them optimal, CP-SAT searches from it within the time limit and proves what it can.
 * Under the Coral model the order split is optimal on most real models and the exact search proves
 * it; on graphs whose order interleaves branches badly the learned order wins, and on large graphs
 * the exact search often cannot improve on it in its time (docs/edgetpu.md has the table).
 * The note says which split won and why it stopped.
 */
public final class BestScheduler implements EdgeTpuScheduler {

    @Override
    public String name() {
        return "best";
    }

    @Override
    public String description() {
        return "the best of the order split, the learned scheduler and the exact search started from them, with its bound";
    }

    @Override
    public EdgeTpuPlan solve(EdgeTpuProblem problem, EdgeTpuOptions options) {
        long start = System.nanoTime();
        var g = problem.graph();
        var p = problem.pipeline();
        int[] order = OrderDp.split(g, p);
        double orderTime = EdgeTpuEvaluator.evaluate(g, p, order).bottleneck();
        LearnedPolicy.Result learned;
        try (LearnedPolicy policy = options.checkpoint() == null ? LearnedPolicy.bundled() : LearnedPolicy.load(options.checkpoint())) {
            learned = policy.split(g, p);
        }
        boolean learnedWins = learned.times().bottleneck() < orderTime * (1 - 1e-12);
        int[] best = learnedWins ? learned.stages() : order;
        double value = Math.min(orderTime, learned.times().bottleneck());
        String from = learnedWins ? "learned" : "order";
        double bound = EdgeTpuBounds.lowerBound(g, p);
        if (bound >= value * (1 - EdgeTpuPlan.OPTIMAL_GAP)) {
            return EdgeTpuPlan.bounded(best, name(), value, bound, from + ", at the closed-form bound", seconds(start));
        }
        EdgeTpuIpSolver.Result exact = EdgeTpuIpSolver.solve(g, p, options.run(), best);
        boolean exactWins = exact.times().bottleneck() < value * (1 - 1e-12);
        if (exactWins) {
            best = exact.stages();
            value = exact.times().bottleneck();
            from = "exact";
        }
        String note = from + (exact.optimal() ? ", proven by CP-SAT" : ", CP-SAT's bound");
        return EdgeTpuPlan.bounded(best, name(), value, Math.max(bound, exact.lowerBound()), note, seconds(start));
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
