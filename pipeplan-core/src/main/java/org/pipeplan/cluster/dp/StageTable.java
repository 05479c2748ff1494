package org.pipeplan.cluster.dp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiFunction;
import org.pipeplan.cluster.ClusterStage;

/**
 * The table of the cluster DPs: for every number m of GPUs and every state (a prefix of the
 * pipeline order, or an ideal; state 0 is the empty one), the least time per sample of the state
 * on GPUs 0..m-1 and how its last stage was chosen (the state before it, replicas, split degree).
 */
final class StageTable {

    private final double[][] best;
    private final int[][] previous;
    private final int[][] replicas;
    private final int[][] split;

    StageTable(int gpus, int states) {
        best = new double[gpus + 1][states];
        previous = new int[gpus + 1][states];
        replicas = new int[gpus + 1][states];
        split = new int[gpus + 1][states];
        for (double[] row : best) {
            Arrays.fill(row, Double.POSITIVE_INFINITY);
        }
        best[0][0] = 0;
    }

    double best(int gpus, int state) {
        return best[gpus][state];
    }

    /** Records that the state on {@code gpus} GPUs takes {@code value}, its last stage coming after {@code before}. */
    void record(int gpus, int state, double value, int before, int r, int t) {
        best[gpus][state] = value;
        previous[gpus][state] = before;
        replicas[gpus][state] = r;
        split[gpus][state] = t;
    }

    /** The number of GPUs with the least time for the state (the fewest on ties), or -1 if none fits. */
    int bestGpus(int state) {
        int used = -1;
        for (int m = 1; m < best.length; m++) {
            if (best[m][state] < (used < 0 ? Double.POSITIVE_INFINITY : best[used][state])) {
                used = m;
            }
        }
        return used;
    }

    /**
     * The stages of the state's best plan on {@code gpus} GPUs, first to last; {@code nodes} gives
     * the operators of the stage between two states.
     */
    List<ClusterStage> stages(int state, int gpus, BiFunction<Integer, Integer, int[]> nodes) {
        List<ClusterStage> stages = new ArrayList<>();
        int s = state;
        int m = gpus;
        while (s != 0) {
            int before = previous[m][s];
            int r = replicas[m][s];
            int t = split[m][s];
            stages.add(0, new ClusterStage(nodes.apply(before, s), r, t, m - r * t));
            m -= r * t;
            s = before;
        }
        return stages;
    }
}
