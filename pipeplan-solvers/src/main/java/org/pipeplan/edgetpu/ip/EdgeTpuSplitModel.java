package org.pipeplan.edgetpu.ip;

import com.google.ortools.sat.BoolVar;
import com.google.ortools.sat.CpModel;
import com.google.ortools.sat.CpSolver;
import com.google.ortools.sat.IntVar;
import com.google.ortools.sat.LinearExpr;
import com.google.ortools.sat.LinearArgument;
import com.google.ortools.sat.LinearExprBuilder;
import com.google.ortools.sat.Literal;
import org.pipeplan.edgetpu.EdgeTpuGraph;
import org.pipeplan.edgetpu.EdgeTpuPipeline;
import org.pipeplan.edgetpu.evaluate.EdgeTpuBounds;
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
 * Under the Coral model ({@link #exactFor}) it also counts what the evaluator counts there:
 * <ul>
 *   <li>CPU fallback: z[v][k] = v on stage k; a[v][k] = some node up to v (in graph order) that
 *       the Edge TPU cannot run is on stage k (a prefix OR, a new variable only at such nodes);
 *       h[v][k] = z and a: v runs on the host, at its host time, its parameters out of the cache;
 *       c[u][k]: u's output leaves stage k's Edge TPU part (to its host part or a later stage) in a
 *       stage that falls back, copied to the host once;</li>
 *   <li>invocation: used[k] when a node is on stage k, each costing the overhead;</li>
 *   <li>the shared host link: L at least everything streamed and received over it, and at least
 *       everything sent to the host.</li>
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
    // the Coral model's variables (null when it is not in use)
    private final boolean fallback;
    private BoolVar[][] z;
    private BoolVar[][] h;
    private Literal[][] a;
    private BoolVar[][] copy;
    private BoolVar[] used;

    /** The model of splitting g over the pipeline's stages (two or more), with L at most upperBound. */
    EdgeTpuSplitModel(EdgeTpuGraph g, EdgeTpuPipeline p, ModelScale scale, double upperBound) {
        this.g = g;
        this.p = p;
        this.scale = scale;
        this.stages = p.stages();
        this.nodes = g.size();
        this.fallback = p.model().cpuFallback() && g.hostOnlyCount() > 0;

        // the steps' order is the order of the variables and constraints, which CP-SAT's search depends on
        createStageVariables();
        createOverCacheVariables();
        createCrossingVariables();
        createLoadVariable(upperBound);
        addStagesOrdered();
        addEdgesForward();
        if (fallback || p.model().invokeOverheadMs() > 0) {
            addStageMembership();
        }
        if (fallback) {
            addFallback();
        }
        addOverCache();
        addCrossings();
        addStageTimes();
        if (p.model().sharedHostLink()) {
            addHostLink();
        }
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
        // the closed-form bound starts the search where the relaxation of a large graph would take long to get
        long low = Math.min(high, Math.max(0, scale.down(EdgeTpuBounds.lowerBound(g, p))));
        load = model.newIntVar(low, high, "L");
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

    /** z[v][k]: v is on stage k; used[k]: some node is. */
    private void addStageMembership() {
        z = new BoolVar[nodes][stages];
        used = new BoolVar[stages];
        for (int k = 0; k < stages; k++) {
            used[k] = model.newBoolVar("used_" + k);
        }
        for (int v = 0; v < nodes; v++) {
            for (int k = 0; k < stages; k++) {
                z[v][k] = model.newBoolVar("z_" + v + "_" + k);
                LinearExprBuilder on = LinearExpr.newBuilder();
                addOnStage(on, v, k, 1);
                model.addEquality(z[v][k], on.build());
                model.addImplication(z[v][k], used[k]);
            }
        }
        // a stage counted as used holds a node (the minimisation would keep it 0 anyway)
        for (int k = 0; k < stages; k++) {
            Literal[] any = new Literal[nodes + 1];
            for (int v = 0; v < nodes; v++) {
                any[v] = z[v][k];
            }
            any[nodes] = used[k].not();
            model.addBoolOr(any);
        }
    }

    /** a, h and c, each held equal to its definition both ways (falling back may be cheaper). */
    private void addFallback() {
        a = new Literal[nodes][stages];
        h = new BoolVar[nodes][stages];
        for (int k = 0; k < stages; k++) {
            Literal before = null;
            for (int v = 0; v < nodes; v++) {
                Literal now = before;
                if (!g.onTpu(v)) {
                    BoolVar or = model.newBoolVar("a_" + v + "_" + k);
                    if (before == null) {
                        model.addEquality(or, z[v][k]);
                    } else {
                        model.addMaxEquality(or, new LinearArgument[] {(LinearArgument) before, z[v][k]});
                    }
                    now = or;
                }
                a[v][k] = now;
                h[v][k] = model.newBoolVar("h_" + v + "_" + k);
                if (now == null) {
                    model.addEquality(h[v][k], 0);
                } else {
                    model.addMinEquality(h[v][k], new LinearArgument[] {(LinearArgument) now, z[v][k]});
                }
                before = now;
            }
        }
        copy = new BoolVar[nodes][];
        for (int u = 0; u < nodes; u++) {
            if (g.successorCount(u) == 0 || transferTime(u) == 0) {
                continue;
            }
            copy[u] = new BoolVar[stages];
            for (int k = 0; k < stages; k++) {
                copy[u][k] = model.newBoolVar("c_" + u + "_" + k);
                Literal falls = a[nodes - 1][k];
                if (falls == null) {
                    model.addEquality(copy[u][k], 0);
                    continue;
                }
                for (int j = 0; j < g.successorCount(u); j++) {
                    int w = g.successor(u, j);
                    // c >= [u on k's Edge TPU part] + [w later than k, or on k's host part] + [k falls back] - 2
                    LinearExprBuilder need = LinearExpr.newBuilder().add(z[u][k]).addTerm(h[u][k], -1).add(h[w][k])
                            .add((LinearArgument) falls).add(-2);
                    if (k < stages - 1) {
                        need.add(1).addTerm(y[w][k], -1);
                    }
                    model.addGreaterOrEqual(copy[u][k], need.build());
                }
            }
        }
    }

    /** Adds coefficient times [node v on stage k's Edge TPU part] to a sum (all of v on k without fallback). */
    private void addOnTpuPart(LinearExprBuilder sum, int v, int k, long coefficient) {
        if (!fallback) {
            addOnStage(sum, v, k, coefficient);
            return;
        }
        sum.addTerm(z[v][k], coefficient).addTerm(h[v][k], -coefficient);
    }

    /** L is at least the host link's busy time in each direction, all stages together. */
    private void addHostLink() {
        LinearExprBuilder toDevice = LinearExpr.newBuilder();
        LinearExprBuilder toHost = LinearExpr.newBuilder();
        for (int k = 0; k < stages; k++) {
            toDevice.add(over[k]);
        }
        for (int u = 0; u < nodes; u++) {
            long t = transferTime(u);
            if (cross[u] != null) {
                for (int k = 0; k < stages - 1; k++) {
                    toDevice.addTerm(cross[u][k], t);
                    toHost.addTerm(cross[u][k], t);
                }
            }
            if (copy != null && copy[u] != null) {
                for (int k = 0; k < stages; k++) {
                    toHost.addTerm(copy[u][k], t);
                }
            }
        }
        model.addLessOrEqual(toDevice, load);
        model.addLessOrEqual(toHost, load);
    }

    /** over_k is at least the time to stream stage k's parameters less what the cache holds. */
    private void addOverCache() {
        long cache = scale.up(p.cacheBytes() / p.streamBytesPerMs());
        for (int k = 0; k < stages; k++) {
            LinearExprBuilder streaming = LinearExpr.newBuilder();
            for (int v = 0; v < nodes; v++) {
                addOnTpuPart(streaming, v, k, scale.down(g.paramBytes(v) / p.streamBytesPerMs()));
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
                addOnTpuPart(time, v, k, scale.down(g.compute(v)));
                if (fallback) {
                    time.addTerm(h[v][k], scale.down(g.hostCompute(v)));
                }
                if (copy != null && copy[v] != null) {
                    time.addTerm(copy[v][k], transferTime(v));
                }
            }
            if (used != null && p.model().invokeOverheadMs() > 0) {
                time.addTerm(used[k], scale.down(p.model().invokeOverheadMs()));
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
