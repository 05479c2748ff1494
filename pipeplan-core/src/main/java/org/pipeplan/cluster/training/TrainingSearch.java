package org.pipeplan.cluster.training;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.pipeplan.cluster.GpuCluster;
import org.pipeplan.planner.Deadline;
import org.pipeplan.planner.PlanStatus;
import org.pipeplan.planner.ProgressListener;

/**
 * The exact training planner's search (docs/training.md, "Search"): every shape of the space
 * (tensor, pipeline and data degrees, virtual stages, micro-batch, schedule, ZeRO stage,
 * recomputation, sequence parallelism), each with its best layer split, by branch and bound: the
 * shapes in order of a lower bound on their iteration time, the exact split of each
 * ({@link LayerSplitDp}) until the bound reaches the best plan found. The plan is then proven best
 * for the space; stopped by its deadline, the search returns the best plan found with the smallest
 * bound of the shapes it did not price.
 *
 * <p>Shapes dominated in the cost model are left out unless the user fixes them: GPipe (1F1B
 * takes no more time and holds fewer micro-batches), ZeRO stages without data parallelism (all
 * the same then), tensor parallelism without sequence parallelism (the same messages, less work
 * and memory with it), and selective recomputation of a workload without an attention core (the
 * same as none).
 */
public final class TrainingSearch {

    /** A shape and the lower bound that orders it. */
    private record Candidate(TrainingSetup setup, double bound, int order) {
    }

    /** Micro-batches of more samples than this per GPU are not considered (no training system uses them). */
    static final int MAX_MICRO_BATCH = 256;

    private final TrainingWorkload workload;
    private final int globalBatch;
    private final double tokensPerSample;
    private final Map<String, LayerCosts> layerCosts = new HashMap<>();

    public TrainingSearch(TrainingWorkload workload, int globalBatch, double tokensPerSample) {
        if (globalBatch < 1) {
            throw new IllegalArgumentException("the global batch must hold at least one sample, got " + globalBatch);
        }
        this.workload = workload;
        this.globalBatch = globalBatch;
        this.tokensPerSample = tokensPerSample;
    }

    /** The cost model of one setup, sharing layer costs between setups that need the same. */
    public TrainingCost cost(TrainingSetup s) {
        String key = s.tensor() + "/" + s.microBatch() + "/" + s.sequenceParallel() + "/" + s.recomputation();
        LayerCosts layers = layerCosts.computeIfAbsent(key, k -> new LayerCosts(workload, s));
        return new TrainingCost(workload, s, globalBatch, tokensPerSample, layers);
    }

    /** A shape with its best layer split, priced. */
    public record PricedShape(TrainingSetup setup, int[] boundaries, TrainingEvaluation evaluation) {
    }

    /**
     * The shape with its best split (the exact one for v = 1, the uniform one for interleaved
     * plans), or null when no split fits in memory or beats {@code incumbent}, or the deadline
     * passed.
     */
    public PricedShape price(TrainingSetup setup, double incumbent, Deadline deadline) {
        TrainingCost cost = cost(setup);
        int[] split;
        if (setup.virtualStages() == 1) {
            LayerSplitDp.Split found = LayerSplitDp.solve(cost, incumbent, deadline, new boolean[1]);
            split = found == null ? null : found.boundaries();
        } else {
            split = uniformSplit(workload.size(), setup.chunks());
        }
        if (split == null) {
            return null;
        }
        TrainingEvaluation e = cost.evaluate(split);
        return e.feasible() && e.iterationMs() < incumbent ? new PricedShape(setup, split, e) : null;
    }

    /** A lower bound on the iteration time of any split of the setup, ms (see {@link #lowerBound(TrainingCost)}). */
    public double lowerBound(TrainingSetup setup) {
        return lowerBound(cost(setup));
    }

    /** Whether some split of the setup might fit in memory (false: none does). */
    public boolean mayFit(TrainingSetup setup) {
        return fitsAtAll(cost(setup));
    }

    public TrainingWorkload workload() {
        return workload;
    }

    /** The best plan of the space that agrees with the fixed decisions. */
    public TrainingPlan search(TrainingSpace space, TrainingFix fix, Deadline deadline, String solver) {
        return search(space, fix, deadline, solver, ProgressListener.NONE);
    }

    /** The same, telling the listener how many shapes it has priced of those below the bound. */
    public TrainingPlan search(TrainingSpace space, TrainingFix fix, Deadline deadline, String solver,
                               ProgressListener listener) {
        long start = System.nanoTime();
        List<TrainingSetup> shapes = shapes(space, fix);
        List<Candidate> candidates = new ArrayList<>();
        int memoryRejected = 0;
        for (TrainingSetup s : shapes) {
            TrainingCost cost = cost(s);
            if (!fitsAtAll(cost)) {
                memoryRejected++;
                continue;
            }
            candidates.add(new Candidate(s, lowerBound(cost), candidates.size()));
        }
        candidates.sort(Comparator.comparingDouble(Candidate::bound).thenComparingInt(Candidate::order));
        listener.begin("training shapes", candidates.size());
        TrainingEvaluation best = null;
        int[] bestSplit = null;
        double incumbent = Double.POSITIVE_INFINITY;
        int priced = 0;
        double openBound = Double.POSITIVE_INFINITY;
        boolean[] interrupted = {false};
        for (Candidate c : candidates) {
            if (c.bound() >= incumbent) {
                break;
            }
            if (deadline.expired()) {
                openBound = c.bound();
                break;
            }
            TrainingCost cost = cost(c.setup());
            int[] split;
            if (c.setup().virtualStages() == 1) {
                LayerSplitDp.Split found = LayerSplitDp.solve(cost, incumbent, deadline, interrupted);
                if (interrupted[0]) {
                    openBound = c.bound();
                    break;
                }
                split = found == null ? null : found.boundaries();
            } else {
                split = uniformSplit(workload.size(), c.setup().chunks());
            }
            priced++;
            listener.advance(priced);
            if (split == null) {
                continue;
            }
            TrainingEvaluation e = cost.evaluate(split);
            if (e.feasible() && e.iterationMs() < incumbent) {
                incumbent = e.iterationMs();
                best = e;
                bestSplit = split;
            }
        }
        listener.end();
        double seconds = (System.nanoTime() - start) / 1e9;
        String note = String.format(Locale.ROOT, "%d shapes of %s, %d that cannot fit, %d split searches", shapes.size(),
                space.description(), memoryRejected, priced);
        if (best == null) {
            return null;
        }
        boolean finished = Double.isInfinite(openBound);
        double bound = finished ? best.iterationMs() : Math.min(best.iterationMs(), openBound);
        return new TrainingPlan(best, bestSplit, space, solver, finished ? PlanStatus.OPTIMAL : PlanStatus.FEASIBLE, bound,
                seconds, note + (finished ? "" : "; stopped: " + deadline.reason()));
    }

    /** Why nothing of the space fits (for the message of an empty result). */
    public String whyNothingFits(TrainingSpace space, TrainingFix fix) {
        List<TrainingSetup> shapes = shapes(space, fix);
        if (shapes.isEmpty()) {
            return "no shape of " + space.description() + " agrees with the fixed decisions and divides the global batch of "
                    + globalBatch + " on " + workload.problem().cluster().gpus() + " GPUs";
        }
        double least = Double.POSITIVE_INFINITY;
        TrainingSetup leastSetup = null;
        for (TrainingSetup s : shapes) {
            double need = memoryLowerBound(cost(s));
            if (need < least) {
                least = need;
                leastSetup = s;
            }
        }
        return String.format(Locale.ROOT, "no plan of %s fits in %.1f GiB per GPU: the least memory any needs is at least "
                        + "%.1f GiB (%s)", space.description(), workload.problem().cluster().memoryBytes() / (1L << 30),
                least / (1L << 30), leastSetup);
    }

    // ------------------------------------------------------------------ shapes

    /** Every setup of the space that agrees with the fixed decisions, dominated ones left out. */
    public List<TrainingSetup> shapes(TrainingSpace space, TrainingFix fix) {
        GpuCluster cluster = workload.problem().cluster();
        int gpus = cluster.gpus();
        int n = workload.size();
        boolean core = hasAttentionCore();
        List<TrainingSetup> list = new ArrayList<>();
        for (int t = 1; t <= cluster.gpusPerNode(); t++) {
            if (cluster.gpusPerNode() % t != 0 || !fixed(fix.tensor(), t)) {
                continue;
            }
            for (int p = 1; p <= n && t * p <= gpus; p++) {
                if (!fixed(fix.pipeline(), p)) {
                    continue;
                }
                for (int d = 1; t * p * d <= gpus; d++) {
                    if (globalBatch % d != 0 || !space.admits(t, p, d) || !fixed(fix.data(), d)) {
                        continue;
                    }
                    addShapes(list, fix, t, p, d, n, core);
                }
            }
        }
        return list;
    }

    private void addShapes(List<TrainingSetup> list, TrainingFix fix, int t, int p, int d, int n, boolean core) {
        int perReplica = globalBatch / d;
        for (int b = 1; b <= Math.min(perReplica, MAX_MICRO_BATCH); b++) {
            if (perReplica % b != 0 || !fixed(fix.microBatch(), b)) {
                continue;
            }
            int m = perReplica / b;
            for (int v = 1; v * p <= n; v++) {
                if (!fixed(fix.virtualStages(), v) || (v > 1 && (p == 1 || m % p != 0 || uniformSplit(n, p * v) == null))) {
                    continue;
                }
                for (PipelineSchedule schedule : PipelineSchedule.values()) {
                    boolean interleaved = schedule == PipelineSchedule.INTERLEAVED;
                    if (interleaved != (v > 1) || (fix.schedule() == null ? schedule == PipelineSchedule.GPIPE
                            : fix.schedule() != schedule)) {
                        continue;
                    }
                    for (int z = 0; z <= 3; z++) {
                        if (!zeroAllowed(fix, z, p, d)) {
                            continue;
                        }
                        for (Recomputation r : Recomputation.values()) {
                            if (fix.recomputation() == null ? r == Recomputation.SELECTIVE && !core : fix.recomputation() != r) {
                                continue;
                            }
                            for (boolean sp : new boolean[] {false, true}) {
                                if (sp && t == 1 || (fix.sequenceParallel() == null ? t > 1 && !sp
                                        : fix.sequenceParallel() != sp)) {
                                    continue;
                                }
                                list.add(new TrainingSetup(t, p, d, v, b, schedule, z, r, sp));
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * ZeRO stages in the space: 0 alone without data parallelism (they are all the same then);
     * with it 0 and 1 for pipelines (DeepSpeed shards gradients and parameters only without
     * pipeline parallelism), and 0 to 3 for p = 1; only the fixed one when the user fixes it.
     */
    private static boolean zeroAllowed(TrainingFix fix, int z, int p, int d) {
        if (z >= 2 && p > 1) {
            return false;
        }
        if (fix.zeroStage() != null) {
            return fix.zeroStage() == z;
        }
        return d > 1 || z == 0;
    }

    private static boolean fixed(Integer value, int x) {
        return value == null || value == x;
    }

    private boolean hasAttentionCore() {
        for (TrainingWorkload.Layer l : workload.layers()) {
            if (l.coreStash() > 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * The split of n layers into c chunks that interleaved plans use: equal chunks of the layers
     * between the first and the last (a transformer's blocks, the embedding riding with the first
     * chunk and the head with the last), or equal chunks of all layers, or null when neither divides.
     */
    static int[] uniformSplit(int n, int chunks) {
        int[] b = new int[chunks + 1];
        if (n - 2 >= chunks && (n - 2) % chunks == 0) {
            int size = (n - 2) / chunks;
            for (int c = 1; c < chunks; c++) {
                b[c] = 1 + c * size;
            }
        } else if (n % chunks == 0) {
            for (int c = 1; c < chunks; c++) {
                b[c] = c * (n / chunks);
            }
        } else {
            return null;
        }
        b[chunks] = n;
        return b;
    }

    // ------------------------------------------------------------------ bounds

    /**
     * A lower bound on the iteration time of any split of the setup: the layers' forward and
     * backward work W per micro-batch, the busiest rank holding at least W / p of it (and the
     * largest layer), without transfers, synchronisation or the optimizer step.
     */
    static double lowerBound(TrainingCost cost) {
        TrainingSetup s = cost.setup();
        int n = cost.workload().size();
        int m = cost.microBatches();
        double total = cost.work(0, n);
        double largest = 0;
        for (int i = 0; i < n; i++) {
            largest = Math.max(largest, cost.work(i, i + 1));
        }
        int p = s.pipeline();
        if (s.schedule() == PipelineSchedule.INTERLEAVED) {
            double v = s.virtualStages();
            return (m - 1 + (1 - 1 / v)) * Math.max(total / p, largest) + total / v;
        }
        if (s.schedule() == PipelineSchedule.GPIPE) {
            return (m - 1) * total / p + total;
        }
        return (m - 1) * Math.max(total / p, largest) + total;
    }

    /** Whether the setup can fit at all: its average rank's memory is within a GPU's. */
    private static boolean fitsAtAll(TrainingCost cost) {
        return memoryLowerBound(cost) <= cost.memoryCapacity();
    }

    /**
     * A lower bound on the memory of the fullest GPU: the average over the ranks of their model
     * state and one micro-batch's activations, and the largest layer's.
     */
    static double memoryLowerBound(TrainingCost cost) {
        TrainingSetup s = cost.setup();
        int n = cost.workload().size();
        int d = s.data();
        int z = s.zeroStage();
        double perParameter = TrainingCost.WEIGHT_BYTES / (z == 3 ? d : 1) + TrainingCost.GRADIENT_BYTES / (z >= 2 ? d : 1)
                + TrainingCost.OPTIMIZER_BYTES / (z >= 1 ? d : 1);
        double average = (perParameter * cost.params(0, n) + cost.stash(0, n)) / s.pipeline();
        double largest = 0;
        for (int i = 0; i < n; i++) {
            largest = Math.max(largest, perParameter * cost.layerParams(i) + cost.stash(i, i + 1));
        }
        return Math.max(average, largest);
    }
}
