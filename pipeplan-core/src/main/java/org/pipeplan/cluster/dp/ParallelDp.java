package org.pipeplan.cluster.dp;

import java.util.List;
import org.pipeplan.cluster.ClusterPlan;
import org.pipeplan.cluster.ClusterProblem;
import org.pipeplan.cluster.ClusterStage;
import org.pipeplan.cluster.GpuCluster;
import org.pipeplan.cluster.ParallelSpace;
import org.pipeplan.cluster.StageCost;
import org.pipeplan.cluster.StageTime;
import org.pipeplan.planner.PlanStatus;

/**
 * The exact planner for GPU clusters (in the spirit of PipeDream's and Piper's planners): dynamic
 * programming over the prefixes of the pipeline order and the GPUs used so far, choosing for each
 * stage its range, its replicas and its split degree. best[m][i] is the least time per sample of
 * the first i positions on GPUs 0..m-1; a stage of positions [j, i) with r replicas split t ways
 * takes GPUs m - r t .. m - 1, so its links (within or across nodes) are known exactly.
 * Optimal over its plan space: stages are ranges of the pipeline order, on consecutive GPUs.
 * O(positions^2 * GPUs * shapes), pruned: a stage's compute alone only grows as it starts earlier.
 */
public final class ParallelDp {

    private ParallelDp() {
    }

    public static ClusterPlan solve(ClusterProblem p, ParallelSpace space) {
        long start = System.nanoTime();
        int n = p.positions();
        GpuCluster c = p.cluster();
        int gpus = c.gpus();
        StageTable table = new StageTable(gpus, n + 1);
        for (int i = 1; i <= n; i++) {
            for (int m = 1; m <= gpus; m++) {
                double cur = Double.POSITIVE_INFINITY;
                for (int[] shape : space.shapes(m)) {
                    int r = shape[0];
                    int t = shape[1];
                    int a = m - r * t;
                    for (int j = i - 1; j >= 0; j--) {
                        // compute alone, and memory, only grow as the stage starts earlier
                        double least = (p.compute(j, i) - p.splittableCompute(j, i) * (1 - 1.0 / t)) / r;
                        if (least >= cur) {
                            break;
                        }
                        if (table.best(a, j) >= cur) {
                            continue;
                        }
                        StageTime st = StageCost.of(p, j, i, r, t, a);
                        if (st.memoryPerGpu() > c.memoryBytes()) {
                            break;
                        }
                        double value = Math.max(table.best(a, j), st.perSample());
                        if (value < cur) {
                            cur = value;
                            table.record(m, i, value, j, r, t);
                        }
                    }
                }
            }
        }
        int used = table.bestGpus(n);
        double seconds = (System.nanoTime() - start) / 1e9;
        if (used < 0) {
            return ClusterPlan.none("parallel-dp", seconds, "no plan fits the GPUs' memory");
        }
        List<ClusterStage> stages = table.stages(n, used, p::nodes);
        return new ClusterPlan(stages, table.best(used, n), "parallel-dp", PlanStatus.OPTIMAL, seconds, space.toString());
    }
}
