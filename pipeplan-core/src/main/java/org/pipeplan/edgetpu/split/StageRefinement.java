package org.pipeplan.edgetpu.split;

import org.pipeplan.edgetpu.EdgeTpuGraph;
import org.pipeplan.edgetpu.EdgeTpuPipeline;
import org.pipeplan.edgetpu.evaluate.EdgeTpuEvaluator;
import org.pipeplan.edgetpu.evaluate.StageTimes;

/**
 * A local improvement of a split: nodes of the slowest stage move, one at a time, to the stage
 * before or after when the edges allow it and the bottleneck drops; it stops when no such move
 * helps. Only the slowest stage's nodes are tried, which keeps it fast: the bottleneck can only
 * fall if that stage sheds work, parameters or a crossing tensor.
 */
public final class StageRefinement {

    /** Rounds at most, each one accepted move. */
    static final int MAX_MOVES = 200;

    private StageRefinement() {
    }

    public static int[] improve(EdgeTpuGraph g, EdgeTpuPipeline p, int[] stages) {
        int[] current = stages.clone();
        StageTimes times = EdgeTpuEvaluator.evaluate(g, p, current);
        for (int move = 0; move < MAX_MOVES; move++) {
            int slowest = slowest(times);
            double best = times.bottleneck();
            int bestNode = -1;
            int bestStage = -1;
            for (int v = 0; v < g.size(); v++) {
                if (current[v] != slowest) {
                    continue;
                }
                for (int target : new int[] {slowest - 1, slowest + 1}) {
                    if (target < 0 || target >= p.stages() || !allowed(g, current, v, target)) {
                        continue;
                    }
                    current[v] = target;
                    double value = EdgeTpuEvaluator.evaluate(g, p, current).bottleneck();
                    current[v] = slowest;
                    if (value < best - 1e-12) {
                        best = value;
                        bestNode = v;
                        bestStage = target;
                    }
                }
            }
            if (bestNode < 0) {
                break;
            }
            current[bestNode] = bestStage;
            times = EdgeTpuEvaluator.evaluate(g, p, current);
        }
        return current;
    }

    private static int slowest(StageTimes t) {
        int worst = 0;
        for (int k = 1; k < t.stages(); k++) {
            if (t.total(k) > t.total(worst)) {
                worst = k;
            }
        }
        return worst;
    }

    /** Stages stay monotone along the node's edges. */
    private static boolean allowed(EdgeTpuGraph g, int[] stages, int v, int target) {
        for (int j = 0; j < g.predecessorCount(v); j++) {
            if (stages[g.predecessor(v, j)] > target) {
                return false;
            }
        }
        for (int j = 0; j < g.successorCount(v); j++) {
            if (stages[g.successor(v, j)] < target) {
                return false;
            }
        }
        return true;
    }
}
