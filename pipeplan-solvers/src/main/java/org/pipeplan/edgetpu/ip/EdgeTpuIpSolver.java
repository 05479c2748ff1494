package org.pipeplan.edgetpu.ip;

import com.google.ortools.sat.CpSolverStatus;
import org.pipeplan.edgetpu.EdgeTpuGraph;
import org.pipeplan.edgetpu.EdgeTpuPipeline;
import org.pipeplan.edgetpu.EdgeTpuPlan;
import org.pipeplan.edgetpu.evaluate.EdgeTpuBounds;
import org.pipeplan.edgetpu.evaluate.EdgeTpuEvaluator;
import org.pipeplan.edgetpu.evaluate.StageTimes;
import org.pipeplan.edgetpu.split.OrderDp;
import org.pipeplan.ortools.CpSatRuntime;
import org.pipeplan.ortools.CpSatSearch;
import org.pipeplan.ortools.ModelScale;
import org.pipeplan.planner.Deadline;
import org.pipeplan.planner.RunSettings;

/**
 * The exact Edge-TPU pipeline split, by CP-SAT on {@link EdgeTpuSplitModel}. Warm start: the given
 * split and the exact split of the topological order, whichever is better; when the closed-form
 * bound ({@link EdgeTpuBounds}) already proves it optimal, no search runs. Times are scaled to
 * integers rounding down, so the bound is a valid lower bound; plans are re-scored by
 * {@link EdgeTpuEvaluator}.
 */
public final class EdgeTpuIpSolver {

    /**
     * What the search ended with.
     *
     * @param stages     the stage of every node
     * @param times      their stage times
     * @param lowerBound a proven lower bound on the optimal bottleneck
     * @param optimal    whether the split is proven optimal
     * @param seconds    wall-clock time of the search
     */
    public record Result(int[] stages, StageTimes times, double lowerBound, boolean optimal, double seconds) {

        public double gap() {
            return optimal ? 0 : Math.max(0, (times.bottleneck() - lowerBound) / times.bottleneck());
        }
    }

    private EdgeTpuIpSolver() {
    }

    public static Result solve(EdgeTpuGraph g, EdgeTpuPipeline p, RunSettings run, int[] hint) {
        CpSatRuntime.load();
        long start = System.nanoTime();
        // the limit counts from here: on large graphs building the model takes seconds of it
        Deadline deadline = Deadline.in(run.timeLimitSeconds(), run.stop());
        int[] warm = OrderDp.split(g, p);
        if (hint != null && EdgeTpuEvaluator.evaluate(g, p, hint).bottleneck() < EdgeTpuEvaluator.evaluate(g, p, warm).bottleneck()) {
            warm = hint;
        }
        StageTimes warmTimes = EdgeTpuEvaluator.evaluate(g, p, warm);
        int n = p.stages();
        int nodes = g.size();
        if (n == 1 || nodes == 0) {
            return new Result(warm, warmTimes, warmTimes.bottleneck(), true, (System.nanoTime() - start) / 1e9);
        }
        double closedForm = EdgeTpuBounds.lowerBound(g, p);
        if (closedForm >= warmTimes.bottleneck() * (1 - EdgeTpuPlan.OPTIMAL_GAP)) { // the warm start is already proven optimal
            return new Result(warm, warmTimes, warmTimes.bottleneck(), true, (System.nanoTime() - start) / 1e9);
        }
        ModelScale scale = ModelScale.forMaximum(warmTimes.bottleneck());
        EdgeTpuSplitModel model = new EdgeTpuSplitModel(g, p, scale, warmTimes.bottleneck());
        model.hint(warm);

        CpSatSearch.Result r = CpSatSearch.run(model.model, run, deadline, run.workers(), "CP-SAT search (edge-tpu)", scale);
        int[] stages = warm;
        if (r.hasSolution()) {
            int[] found = model.decode(r.solver());
            if (EdgeTpuEvaluator.evaluate(g, p, found).bottleneck() <= warmTimes.bottleneck()) {
                stages = found;
            }
        }
        StageTimes times = EdgeTpuEvaluator.evaluate(g, p, stages);
        // CP-SAT's bound, or the closed-form one where the search has not reached it
        double bound = Math.min(times.bottleneck(), Math.max(scale.time(r.bound()), closedForm));
        boolean optimal = r.status() == CpSolverStatus.OPTIMAL || bound >= times.bottleneck() * (1 - EdgeTpuPlan.OPTIMAL_GAP);
        return new Result(stages, times, optimal ? times.bottleneck() : bound, optimal, (System.nanoTime() - start) / 1e9);
    }
}
