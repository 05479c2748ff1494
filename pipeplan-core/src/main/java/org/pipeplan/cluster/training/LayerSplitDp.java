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

        boolean dominates(Label o) {
            return max <= o.max && sum <= o.sum && tail <= o.tail && backward >= o.backward && firstSync <= o.firstSync
                    && firstAfter <= o.firstAfter;
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
                return null;
            }
            int remainingStages = p - s - 1;
            List<List<Label>> next = new ArrayList<>();
            for (int j = 0; j <= n; j++) {
                next.add(new ArrayList<>());
            }
            int lastEnd = s == p - 1 ? n : n - remainingStages;
            for (int j = s + 1; j <= lastEnd; j++) {
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
                            insert(next.get(j), x);
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
            return null;
        }
        int[] boundaries = new int[p + 1];
        Label l = best;
        for (int s = p; s >= 1; s--) {
            boundaries[s] = l.end;
            l = l.previous;
        }
        return new Split(boundaries, bestValue);
    }

    /** Adds a label to a front unless one there dominates it, dropping those it dominates. */
    private static void insert(List<Label> labels, Label x) {
        for (Label l : labels) {
            if (l.dominates(x)) {
                return;
            }
        }
        labels.removeIf(x::dominates);
        labels.add(x);
    }
}
