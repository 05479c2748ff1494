package org.pipeplan.cluster.training;

import java.util.ArrayList;
import java.util.List;
import org.pipeplan.planner.Deadline;

/**
 * The best split of a workload's layers into the p stages of a plain (one chunk per GPU) pipeline
 * for one setup, exactly (docs/training.md, "Search").
 *
 * <p>The iteration time is {@code (m - 1) max_s (f_s + b_s) + sum_s (f_s + b_s) + tail}, where the
 * tail is {@code max(0, max_s (exposed_s + step_s - sum_{s' < s} b_{s'}))}. A dynamic program over
 * (stages placed, layers placed) keeps, for every state, the Pareto front of labels (largest stage
 * time M, sum of stage times S, tail so far T, backward time so far P): a label with smaller M, S,
 * T and larger P leads to no worse completion. Stages that do not fit in memory are never formed;
 * labels whose lower bound reaches the incumbent are dropped.
 */
final class LayerSplitDp {

    /**
     * One partial split: stages 0..s-1 over layers 0..end-1. With tied embeddings the first
     * stage's sync ends with the last's, so its exposed sync and what follows it wait in
     * {@code firstSync} and {@code firstAfter} until the last stage is placed.
     */
    private record Label(double max, double sum, double tail, double backward, double firstSync, double firstAfter, int end,
                         Label previous) {

        /**
         * Whether no completion of {@code o} can beat the same completion of this label. The final
         * value is {@code (m - 1) max + sum + tail'}, the stages to come adding the same to
         * {@code max} and {@code sum}; without tied embeddings the final tail is
         * {@code max(tail, X - backward)} for a value X that depends only on the stages to come,
         * so this one is no worse for every X exactly when {@code sum + tail} and
         * {@code sum - backward} are both no larger. With tied embeddings the first stage's sync
         * and step enter too; raising any of tail, firstSync and -backward by at most e raises the
         * final tail by at most e, and raising firstAfter by e by at most e more.
         */
        boolean dominates(Label o, boolean tied) {
            if (max > o.max) {
                return false;
            }
            if (!tied) {
                return sum + tail <= o.sum + o.tail && sum - backward <= o.sum - o.backward;
            }
            double worse = Math.max(Math.max(0, tail - o.tail), Math.max(Math.max(0, o.backward - backward),
                    Math.max(0, firstSync - o.firstSync)));
            return sum + worse + Math.max(0, firstAfter - o.firstAfter) <= o.sum;
        }
    }

    /** A split and its iteration time. */
    record Split(int[] boundaries, double iterationMs) {
    }

    private LayerSplitDp() {
    }

    /**
     * The best split whose iteration time is below {@code incumbent}, or null when none is (or
     * nothing fits, or the deadline passed: then {@code interrupted} is set).
     */
    static Split solve(TrainingCost cost, double incumbent, Deadline deadline, boolean[] interrupted) {
        TrainingSetup setup = cost.setup();
        int n = cost.workload().size();
        int p = setup.pipeline();
        int m = cost.microBatches();
        if (p > n || m == 0 || setup.virtualStages() != 1) {
            return null;
        }
        // a good split first: its value bounds the labels from the start, which keeps the fronts small
        Split start = balancedSplit(cost, n, p);
        if (start != null && start.iterationMs() < incumbent) {
            incumbent = start.iterationMs();
        } else {
            start = null;
        }
        double capacity = cost.memoryCapacity();
        List<List<Label>> front = new ArrayList<>();
        for (int j = 0; j <= n; j++) {
            front.add(new ArrayList<>());
        }
        boolean tied = cost.workload().tiedEmbeddings() && p > 1;
        front.get(0).add(new Label(0, 0, 0, 0, 0, 0, 0, null));
        for (int s = 0; s < p; s++) {
            if (deadline.expired()) {
                interrupted[0] = true;
                return start;
            }
            int remainingStages = p - s - 1;
            List<List<Label>> next = new ArrayList<>();
            for (int j = 0; j <= n; j++) {
                next.add(new ArrayList<>());
            }
            int lastEnd = s == p - 1 ? n : n - remainingStages;
            for (int j = s + 1; j <= lastEnd; j++) {
                if (deadline.expired()) {
                    interrupted[0] = true;
                    return start;
                }
                double restWork = cost.work(j, n);
                double restStage = remainingStages == 0 ? 0 : restWork / remainingStages;
                double buffer = 0;
                double largestLayerParams = 0;
                // the data-parallel reduction of the stage's last backward pass, layer by layer from
                // its last layer (TrainingCost.exposedDataSync), grown as the stage grows to the left
                double perByte = cost.syncPerByte(s);
                double ready = cost.backwardBefore(s, j);
                double stream = 0;
                for (int i = j - 1; i >= s; i--) {
                    buffer = Math.max(buffer, cost.buffer(i));
                    largestLayerParams = Math.max(largestLayerParams, cost.layerParams(i));
                    ready += cost.layerBackward(i);
                    stream = Math.max(stream, ready) + perByte * TrainingCost.GRADIENT_BYTES * cost.layerParams(i, p == 1 ? 0 : i, j);
                    double work = cost.work(i, j);
                    // growing the stage only adds work and memory: stop once it cannot lead below the incumbent
                    if ((m - 1) * work + cost.work(0, n) >= incumbent) {
                        break;
                    }
                    List<Label> labels = front.get(i);
                    if (labels.isEmpty()) {
                        continue;
                    }
                    TrainingStage stage = cost.stage(s, i, j);
                    double exposed = perByte == 0 ? 0 : Math.max(0, stream + cost.syncLatency(s) - stage.backward());
                    TrainingRank rank = cost.rank(s, stage.parameters(), exposed, cost.stash(i, j), cost.stash(i, j), buffer,
                            largestLayerParams);
                    if (rank.memory().total() > capacity) {
                        break;
                    }
                    double time = stage.forward() + stage.backward();
                    for (Label l : labels) {
                        double synced = rank.exposedSync() - l.backward;
                        double tail = l.tail;
                        double firstSync = l.firstSync;
                        double firstAfter = l.firstAfter;
                        if (tied && s == 0) {
                            firstSync = synced;
                            firstAfter = rank.afterSync();
                        } else if (tied && s == p - 1) {
                            double both = Math.max(firstSync, synced);
                            tail = Math.max(tail, Math.max(both + firstAfter, both + rank.afterSync()));
                        } else {
                            tail = Math.max(tail, synced + rank.afterSync());
                        }
                        Label x = new Label(Math.max(l.max, time), l.sum + time, tail, l.backward + stage.backward(),
                                firstSync, firstAfter, j, l);
                        double bound = (m - 1) * Math.max(x.max, restStage) + x.sum + restWork + x.tail;
                        if (bound < incumbent) {
                            insert(next.get(j), x, tied);
                        }
                    }
                }
            }
            front = next;
        }
        Label best = null;
        double bestValue = incumbent;
        for (Label l : front.get(n)) {
            double value = (m - 1) * l.max + l.sum + l.tail;
            if (value < bestValue) {
                bestValue = value;
                best = l;
            }
        }
        if (best == null) {
            return start; // nothing better than the balanced split (or than the incumbent: null)
        }
        int[] boundaries = new int[p + 1];
        Label l = best;
        for (int s = p; s >= 1; s--) {
            boundaries[s] = l.end;
            l = l.previous;
        }
        return new Split(boundaries, bestValue);
    }

    /**
     * The split whose largest stage work (forward and backward of its layers) is smallest, found
     * by bisection on that largest work with a greedy packing, priced by the cost model; null when
     * it does not fit.
     */
    static Split balancedSplit(TrainingCost cost, int n, int p) {
        double lo = 0;
        for (int i = 0; i < n; i++) {
            lo = Math.max(lo, cost.work(i, i + 1));
        }
        double hi = cost.work(0, n);
        int[] best = pack(cost, n, p, hi);
        for (int round = 0; round < 60 && hi - lo > 1e-9 * hi; round++) {
            double mid = (lo + hi) / 2;
            int[] b = pack(cost, n, p, mid);
            if (b != null) {
                hi = mid;
                best = b;
            } else {
                lo = mid;
            }
        }
        if (best == null) {
            return null;
        }
        TrainingEvaluation e = cost.evaluate(best);
        return e.feasible() ? new Split(best, e.iterationMs()) : null;
    }

    /** Layers packed greedily into p stages of at most {@code cap} work each, every stage non-empty; null if they do not fit. */
    private static int[] pack(TrainingCost cost, int n, int p, double cap) {
        int[] b = new int[p + 1];
        int from = 0;
        for (int s = 0; s < p; s++) {
            int left = p - s - 1;
            int to = from + 1;
            while (to < n - left && cost.work(from, to + 1) <= cap) {
                to++;
            }
            if (s == p - 1) {
                to = n;
            }
            if (cost.work(from, to) > cap * (1 + 1e-12) && to - from > 1) {
                return null;
            }
            b[s + 1] = to;
            from = to;
        }
        return cost.work(b[p - 1], n) <= cap * (1 + 1e-12) || n - b[p - 1] == 1 ? b : null;
    }

    /** Adds a label to a front unless one there dominates it, dropping those it dominates. */
    private static void insert(List<Label> labels, Label x, boolean tied) {
        for (Label l : labels) {
            if (l.dominates(x, tied)) {
                return;
            }
        }
        labels.removeIf(l -> x.dominates(l, tied));
        labels.add(x);
    }
}
