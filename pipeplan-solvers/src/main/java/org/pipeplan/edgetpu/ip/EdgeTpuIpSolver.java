package org.pipeplan.edgetpu.ip;

import com.google.ortools.sat.BoolVar;
import com.google.ortools.sat.CpModel;
import com.google.ortools.sat.CpSolverStatus;
import com.google.ortools.sat.IntVar;
import com.google.ortools.sat.LinearExpr;
import com.google.ortools.sat.LinearExprBuilder;
import org.pipeplan.edgetpu.EdgeTpuGraph;
import org.pipeplan.edgetpu.EdgeTpuPipeline;
import org.pipeplan.edgetpu.evaluate.EdgeTpuEvaluator;
import org.pipeplan.edgetpu.evaluate.StageTimes;
import org.pipeplan.edgetpu.split.OrderDp;
import org.pipeplan.ortools.CpSatRuntime;
import org.pipeplan.ortools.CpSatSearch;
import org.pipeplan.ortools.ModelScale;
import org.pipeplan.placement.PlacementOptions;
import org.pipeplan.planner.Deadline;

/**
 * The exact Edge-TPU pipeline split, as a CP-SAT model built in one place:
 * <ul>
 *   <li>y[v][k] = 1 when node v is on stage k or earlier (k = 0..n-2): non-decreasing in k, and an
 *       edge u -> w needs y[w][k] &lt;= y[u][k], so stages never go back along an edge;</li>
 *   <li>node v is on stage k by y[v][k] - y[v][k-1];</li>
 *   <li>x[u][k] = 1 when u's output crosses boundary k (u on k or earlier, a consumer later);</li>
 *   <li>stage k's time: compute, plus the parameters over the cache divided by the streaming
 *       bandwidth (an over-cache variable kept at least 0), plus the tensors crossing boundary
 *       k-1 (received) and boundary k (sent); all at most L, minimise L.</li>
 * </ul>
 * Warm start: the given split and the exact split of the topological order, whichever is better.
 * Times are scaled to integers rounding down, so the bound is a valid lower bound; plans are
 * re-scored by {@link EdgeTpuEvaluator}.
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

    public static Result solve(EdgeTpuGraph g, EdgeTpuPipeline p, PlacementOptions options, int[] hint) {
        CpSatRuntime.load();
        long start = System.nanoTime();
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
        ModelScale scale = ModelScale.forMaximum(warmTimes.bottleneck());
        CpModel model = new CpModel();
        BoolVar[][] y = new BoolVar[nodes][n - 1];
        for (int v = 0; v < nodes; v++) {
            for (int k = 0; k < n - 1; k++) {
                y[v][k] = model.newBoolVar("y_" + v + "_" + k);
                if (k > 0) {
                    model.addImplication(y[v][k - 1], y[v][k]);
                }
            }
        }
        for (int u = 0; u < nodes; u++) {
            for (int j = 0; j < g.successorCount(u); j++) {
                int w = g.successor(u, j);
                for (int k = 0; k < n - 1; k++) {
                    model.addImplication(y[w][k], y[u][k]);
                }
            }
        }
        LinearExprBuilder[] stageTime = new LinearExprBuilder[n];
        LinearExprBuilder[] stageStream = new LinearExprBuilder[n];
        for (int k = 0; k < n; k++) {
            stageTime[k] = LinearExpr.newBuilder();
            stageStream[k] = LinearExpr.newBuilder();
        }
        for (int v = 0; v < nodes; v++) {
            long c = scale.down(g.compute(v));
            long s = scale.down(g.paramBytes(v) / p.streamBytesPerMs());
            // on stage k: y[v][k] - y[v][k-1], with y[v][-1] = 0 and y[v][n-1] = 1
            for (int k = 0; k < n; k++) {
                if (k < n - 1) {
                    stageTime[k].addTerm(y[v][k], c);
                    stageStream[k].addTerm(y[v][k], s);
                } else {
                    stageTime[k].add(c);
                    stageStream[k].add(s);
                }
                if (k > 0) {
                    stageTime[k].addTerm(y[v][k - 1], -c);
                    stageStream[k].addTerm(y[v][k - 1], -s);
                }
            }
        }
        long cache = scale.up(p.cacheBytes() / p.streamBytesPerMs());
        long high = scale.up(warmTimes.bottleneck()) + 1;
        long allStreaming = 0;
        for (int v = 0; v < nodes; v++) {
            allStreaming += scale.down(g.paramBytes(v) / p.streamBytesPerMs());
        }
        for (int k = 0; k < n; k++) {
            IntVar over = model.newIntVar(0, Math.max(0, allStreaming), "over_" + k);
            model.addGreaterOrEqual(LinearExpr.newBuilder().add(over).addTerm(stageStream[k].build(), -1), -cache);
            stageTime[k].add(over);
        }
        BoolVar[][] cross = new BoolVar[nodes][];
        for (int u = 0; u < nodes; u++) {
            long t = scale.down(p.transferTime(g.outputBytes(u)));
            if (g.successorCount(u) == 0 || t == 0) {
                continue;
            }
            cross[u] = new BoolVar[n - 1];
            for (int k = 0; k < n - 1; k++) {
                cross[u][k] = model.newBoolVar("x_" + u + "_" + k);
                for (int j = 0; j < g.successorCount(u); j++) {
                    model.addBoolOr(new com.google.ortools.sat.Literal[] {y[u][k].not(), y[g.successor(u, j)][k], cross[u][k]});
                }
                stageTime[k].addTerm(cross[u][k], t);      // sent
                stageTime[k + 1].addTerm(cross[u][k], t);  // received
            }
        }
        IntVar load = model.newIntVar(0, high, "L");
        for (int k = 0; k < n; k++) {
            model.addLessOrEqual(stageTime[k], load);
        }
        model.minimize(load);
        for (int v = 0; v < nodes; v++) {
            for (int k = 0; k < n - 1; k++) {
                model.addHint(y[v][k], warm[v] <= k);
            }
        }
        for (int u = 0; u < nodes; u++) {
            if (cross[u] == null) {
                continue;
            }
            int last = warm[u];
            for (int j = 0; j < g.successorCount(u); j++) {
                last = Math.max(last, warm[g.successor(u, j)]);
            }
            for (int k = 0; k < n - 1; k++) {
                model.addHint(cross[u][k], warm[u] <= k && k < last);
            }
        }

        CpSatSearch.Result r = CpSatSearch.run(model, options.run(), Deadline.in(options.run().timeLimitSeconds(), options.run().stop()),
                options.run().workers(), "CP-SAT search (edge-tpu)", scale);
        int[] stages = warm;
        if (r.hasSolution()) {
            int[] found = new int[nodes];
            for (int v = 0; v < nodes; v++) {
                int s = n - 1;
                for (int k = 0; k < n - 1; k++) {
                    if (r.solver().booleanValue(y[v][k])) {
                        s = k;
                        break;
                    }
                }
                found[v] = s;
            }
            if (EdgeTpuEvaluator.evaluate(g, p, found).bottleneck() <= warmTimes.bottleneck()) {
                stages = found;
            }
        }
        StageTimes times = EdgeTpuEvaluator.evaluate(g, p, stages);
        boolean optimal = r.status() == CpSolverStatus.OPTIMAL;
        double bound = Math.min(times.bottleneck(), scale.time(r.bound()));
        return new Result(stages, times, optimal ? times.bottleneck() : bound, optimal, (System.nanoTime() - start) / 1e9);
    }
}
