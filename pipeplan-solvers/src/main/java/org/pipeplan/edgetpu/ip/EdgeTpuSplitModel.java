package org.pipeplan.edgetpu.ip;

import com.google.ortools.sat.BoolVar;
import com.google.ortools.sat.CpModel;
import com.google.ortools.sat.CpSolver;
import com.google.ortools.sat.IntVar;
import com.google.ortools.sat.LinearExpr;
import com.google.ortools.sat.LinearExprBuilder;
import com.google.ortools.sat.Literal;
import org.pipeplan.edgetpu.EdgeTpuGraph;
import org.pipeplan.edgetpu.EdgeTpuPipeline;
import org.pipeplan.ortools.ModelScale;

/**
 * The exact Edge-TPU pipeline split as a CP-SAT model:
 * <ul>
 *   <li>y[v][k] = 1 when node v is on stage k or earlier (k = 0..n-2): non-decreasing in k, and an
 *       edge u -> w needs y[w][k] &lt;= y[u][k], so stages never go back along an edge;</li>
 *   <li>node v is on stage k by y[v][k] - y[v][k-1];</li>
 *   <li>x[u][k] = 1 when u's output crosses boundary k (u on k or earlier, a consumer later);</li>
 *   <li>stage k's time: compute, plus the parameters over the cache divided by the streaming
 *       bandwidth (an over-cache variable kept at least 0), plus the tensors crossing boundary
 *       k-1 (received) and boundary k (sent); all at most L, minimise L.</li>
 * </ul>
 * Times are scaled to integers rounding down, so a bound proven on the model is a valid lower bound.
 */
final class EdgeTpuSplitModel {

    final CpModel model = new CpModel();
    private final EdgeTpuGraph g;
    private final EdgeTpuPipeline p;
    private final ModelScale scale;
    /** The number of stages, n. */
    private final int stages;
    private final int nodes;

    // the variables, in the order the create* steps make them
    private BoolVar[][] y;
    private IntVar[] over;
    /** cross[u][k] is x[u][k]; null for a node whose output costs nothing to send. */
    private BoolVar[][] cross;
    private IntVar load;

    /** The model of splitting g over the pipeline's stages (two or more), with L at most upperBound. */
    EdgeTpuSplitModel(EdgeTpuGraph g, EdgeTpuPipeline p, ModelScale scale, double upperBound) {
        this.g = g;
        this.p = p;
        this.scale = scale;
        this.stages = p.stages();
        this.nodes = g.size();

        // the steps' order is the order of the variables and constraints, which CP-SAT's search depends on
        createStageVariables();
        createOverCacheVariables();
        createCrossingVariables();
        createLoadVariable(upperBound);
        addStagesOrdered();
        addEdgesForward();
        addOverCache();
        addCrossings();
        addStageTimes();
        model.minimize(load);
    }

    /** y_v_k: node v is on stage k or earlier. */
    private void createStageVariables() {
        y = new BoolVar[nodes][stages - 1];
        for (int v = 0; v < nodes; v++) {
            for (int k = 0; k < stages - 1; k++) {
                y[v][k] = model.newBoolVar("y_" + v + "_" + k);
            }
        }
    }

    /** over_k: the streaming time of stage k's parameters beyond the cache, up to streaming them all. */
    private void createOverCacheVariables() {
        long allStreaming = 0;
        for (int v = 0; v < nodes; v++) {
            allStreaming += scale.down(g.paramBytes(v) / p.streamBytesPerMs());
        }
        over = new IntVar[stages];
        for (int k = 0; k < stages; k++) {
            over[k] = model.newIntVar(0, Math.max(0, allStreaming), "over_" + k);
        }
    }

    /** x_u_k for every node whose output takes time to send: it crosses boundary k. */
    private void createCrossingVariables() {
        cross = new BoolVar[nodes][];
        for (int u = 0; u < nodes; u++) {
            if (g.successorCount(u) == 0 || transferTime(u) == 0) {
                continue;
            }
            cross[u] = new BoolVar[stages - 1];
            for (int k = 0; k < stages - 1; k++) {
                cross[u][k] = model.newBoolVar("x_" + u + "_" + k);
            }
        }
    }

    /** L, the bottleneck to minimise, at most the upper bound (rounded up). */
    private void createLoadVariable(double upperBound) {
        long high = scale.up(upperBound) + 1;
        load = model.newIntVar(0, high, "L");
    }

    /** y is non-decreasing in k: a node on stage k or earlier is on k+1 or earlier. */
    private void addStagesOrdered() {
        for (int v = 0; v < nodes; v++) {
            for (int k = 1; k < stages - 1; k++) {
                model.addImplication(y[v][k - 1], y[v][k]);
            }
        }
    }

    /** y[w][k] <= y[u][k] along every edge u -> w: stages never go back along an edge. */
    private void addEdgesForward() {
        for (int u = 0; u < nodes; u++) {
            for (int j = 0; j < g.successorCount(u); j++) {
                int w = g.successor(u, j);
                for (int k = 0; k < stages - 1; k++) {
                    model.addImplication(y[w][k], y[u][k]);
                }
            }
        }
    }

    /** over_k is at least the time to stream stage k's parameters less what the cache holds. */
    private void addOverCache() {
        long cache = scale.up(p.cacheBytes() / p.streamBytesPerMs());
        for (int k = 0; k < stages; k++) {
            LinearExprBuilder streaming = LinearExpr.newBuilder();
            for (int v = 0; v < nodes; v++) {
                addOnStage(streaming, v, k, scale.down(g.paramBytes(v) / p.streamBytesPerMs()));
            }
            model.addGreaterOrEqual(LinearExpr.newBuilder().add(over[k]).addTerm(streaming.build(), -1), -cache);
        }
    }

    /** x[u][k] = 1 when u is on stage k or earlier and a consumer is later (the minimisation keeps it 0 otherwise). */
    private void addCrossings() {
        for (int u = 0; u < nodes; u++) {
            if (cross[u] == null) {
                continue;
            }
            for (int k = 0; k < stages - 1; k++) {
                for (int j = 0; j < g.successorCount(u); j++) {
                    model.addBoolOr(new Literal[] {y[u][k].not(), y[g.successor(u, j)][k], cross[u][k]});
                }
            }
        }
    }

    /** Every stage's time (compute, streaming over the cache, tensors received and sent) at most L. */
    private void addStageTimes() {
        for (int k = 0; k < stages; k++) {
            LinearExprBuilder time = LinearExpr.newBuilder();
            for (int v = 0; v < nodes; v++) {
                addOnStage(time, v, k, scale.down(g.compute(v)));
            }
            time.add(over[k]);
            for (int u = 0; u < nodes; u++) {
                if (cross[u] == null) {
                    continue;
                }
                long t = transferTime(u);
                if (k > 0) {
                    time.addTerm(cross[u][k - 1], t); // received
                }
                if (k < stages - 1) {
                    time.addTerm(cross[u][k], t);     // sent
                }
            }
            model.addLessOrEqual(time, load);
        }
    }

    /** Adds coefficient times [node v on stage k] to a sum. */
    private void addOnStage(LinearExprBuilder sum, int v, int k, long coefficient) {
        // on stage k: y[v][k] - y[v][k-1], with y[v][-1] = 0 and y[v][n-1] = 1
        if (k < stages - 1) {
            sum.addTerm(y[v][k], coefficient);
        } else {
            sum.add(coefficient);
        }
        if (k > 0) {
            sum.addTerm(y[v][k - 1], -coefficient);
        }
    }

    /** The scaled time of sending node u's output over one link. */
    private long transferTime(int u) {
        return scale.down(p.transferTime(g.outputBytes(u)));
    }

    /** Hints a split (the stage of every node), and the crossings it implies. */
    void hint(int[] stage) {
        model.clearHints();
        for (int v = 0; v < nodes; v++) {
            for (int k = 0; k < stages - 1; k++) {
                model.addHint(y[v][k], stage[v] <= k);
            }
        }
        for (int u = 0; u < nodes; u++) {
            if (cross[u] == null) {
                continue;
            }
            int last = stage[u];
            for (int j = 0; j < g.successorCount(u); j++) {
                last = Math.max(last, stage[g.successor(u, j)]);
            }
            for (int k = 0; k < stages - 1; k++) {
                model.addHint(cross[u][k], stage[u] <= k && k < last);
            }
        }
    }

    /** The stage of every node in the solver's best solution. */
    int[] decode(CpSolver solver) {
        int[] found = new int[nodes];
        for (int v = 0; v < nodes; v++) {
            int s = stages - 1;
            for (int k = 0; k < stages - 1; k++) {
                if (solver.booleanValue(y[v][k])) {
                    s = k;
                    break;
                }
            }
            found[v] = s;
        }
        return found;
    }
}
