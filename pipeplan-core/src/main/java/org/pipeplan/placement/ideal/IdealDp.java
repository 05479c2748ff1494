package org.pipeplan.placement.ideal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.pipeplan.device.DeviceKind;
import org.pipeplan.graph.OperatorGraph;
import org.pipeplan.planner.Deadline;
import org.pipeplan.planner.ProgressListener;
import org.pipeplan.planner.TimeLimitReachedException;
import org.pipeplan.units.DeviceGroups;
import org.pipeplan.units.UnitGraph;

/**
 * The dynamic program over ideals for the optimal contiguous split (PLACEMENT_MODEL.md section 3).
 *
 * <p>dp[n_1..n_G][I] is the least max-load of placing ideal I (with the backward parts of its units)
 * on at most n_g devices of each group g of interchangeable devices (host cores, accelerators of
 * one type and memory), each taking one difference of consecutive ideals of a chain from the empty
 * ideal to I. The last device takes I \ J for some sub-ideal J. The device counts form the
 * table's layer, a mixed-radix number with one digit per group.
 *
 * <p>Instead of scoring every pair J ⊆ I up front, each I walks its sub-ideals downwards, growing
 * D = I \ J one unit at a time and updating D's compute, memory and transfer cost incrementally.
 * Compute only grows as J shrinks, so the walk stops below any J whose D already exceeds the upper
 * bound on the optimum (the load of a known split) on every device group; values above that bound
 * can never be part of an optimal chain and are stored as infinite. On real graphs this leaves a
 * small fraction of the pairs, and the result is still exact.
 *
 * <p>Ideals of the same size do not contain each other, so each level of the lattice is shared out
 * among worker threads; every ideal's entry is computed the same way whichever thread does it.
 */
final class IdealDp {

    static final double INFINITE = Double.POSITIVE_INFINITY;

    /** Largest DP table (ideals x device-count layers) this class agrees to allocate. */
    static final long MAX_TABLE_ENTRIES = 150_000_000L;

    /** One device's share in pipeline order: its group and its units. */
    record Stage(int group, int[] units) {
    }

    /**
     * @param value  the optimal max-load, or infinite when no split is at most the upper bound
     * @param stages the devices' shares in pipeline order (empty shares are left out)
     * @param pairs  number of (I, J) pairs scored
     */
    record Outcome(double value, List<Stage> stages, long pairs) {
        boolean found() {
            return value < INFINITE;
        }
    }

    private final IdealLattice lattice;
    private final OperatorGraph graph;
    private final int[][] members;
    private final double[] memory;
    /** Groups: count, memory limit, whether host cores, stride in the layer number, times and permissions per unit. */
    private final int groups;
    private final int[] count;
    private final double[] memoryLimit;
    private final boolean[] host;
    private final int[] stride;
    private final double[][] time;
    private final boolean[][] allowed;
    /** Accelerator kinds (their transfers differ) and the kind of each group, -1 for host groups. */
    private final List<DeviceKind> transferKinds = new ArrayList<>();
    private final int[] kindOf;
    private final int layers;
    /** Per accelerator kind, the units' crossing tensors, shared by the walkers. */
    private final CrossingTransfers.Layout[] transferLayouts;
    /** Per group, the layers that have at least one of its devices. */
    private final int[][] layersWith;

    /**
     * dp value of (ideal, layer) at [ideal * layers + layer]. No back-links are stored: the
     * optimal chain is recovered at the end by walking again from the ideals on it, which keeps the
     * inner loop simple.
     */
    private double[] value;
    private double upperBound;
    private Deadline deadline;
    /** Set by a worker that saw the deadline pass; the level loop then stops. */
    private volatile boolean expired;

    IdealDp(UnitGraph units, IdealLattice lattice, DeviceGroups devices) {
        this.lattice = lattice;
        this.graph = units.graph();
        this.members = new int[units.size()][];
        for (int u = 0; u < units.size(); u++) {
            members[u] = units.members(u);
        }
        this.memory = units.memoryBytes();
        this.groups = devices.size();
        this.count = new int[groups];
        this.memoryLimit = new double[groups];
        this.host = new boolean[groups];
        this.stride = new int[groups];
        this.time = new double[groups][];
        this.allowed = new boolean[groups][];
        this.kindOf = new int[groups];
        int layerCount = 1;
        for (int g = 0; g < groups; g++) {
            DeviceGroups.Group group = devices.get(g);
            count[g] = group.size();
            host[g] = group.host();
            memoryLimit[g] = group.memoryLimit();
            time[g] = units.computeTimes(group.kind());
            allowed[g] = units.runsOn(group.kind());
            stride[g] = layerCount;
            layerCount *= count[g] + 1;
            if (host[g]) {
                kindOf[g] = -1;
            } else {
                if (!transferKinds.contains(group.kind())) {
                    transferKinds.add(group.kind());
                }
                kindOf[g] = transferKinds.indexOf(group.kind());
            }
        }
        this.layers = layerCount;
        this.transferLayouts = new CrossingTransfers.Layout[transferKinds.size()];
        for (int k = 0; k < transferLayouts.length; k++) {
            transferLayouts[k] = new CrossingTransfers.Layout(graph, transferKinds.get(k), members);
        }
        this.layersWith = new int[groups][];
        for (int g = 0; g < groups; g++) {
            List<Integer> with = new ArrayList<>();
            for (int layer = 0; layer < layers; layer++) {
                if (digit(layer, g) > 0) {
                    with.add(layer);
                }
            }
            layersWith[g] = with.stream().mapToInt(Integer::intValue).toArray();
        }
    }

    private int digit(int layer, int g) {
        return layer / stride[g] % (count[g] + 1);
    }

    /** Number of layers of the DP table for these device groups. */
    static long layers(DeviceGroups devices) {
        long layers = 1;
        for (DeviceGroups.Group g : devices.groups()) {
            layers *= g.size() + 1L;
        }
        return layers;
    }

    /** Whether the DP table of this lattice and these devices fits in the allowed memory. */
    static boolean fits(long ideals, DeviceGroups devices) {
        return ideals * layers(devices) <= MAX_TABLE_ENTRIES;
    }

    /**
     * Runs the DP.
     *
     * @param bound   a max-load known to be achievable (or infinite); only splits at most this
     *                good are searched
     * @param workers threads to use
     */
    Outcome run(double bound, int workers, Deadline deadline, ProgressListener progress) {
        final int n = lattice.size();
        this.upperBound = bound;
        this.deadline = deadline;
        this.expired = false;
        clearTable();

        int threads = threads(workers);
        List<Walker> walkers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            walkers.add(new Walker(n));
        }
        progress.begin("dynamic program over " + n + " ideals", n);
        ExecutorService pool = threads > 1 ? Executors.newFixedThreadPool(threads, r -> {
            Thread th = new Thread(r, "pipeplan-dp");
            th.setDaemon(true);
            return th;
        }) : null;
        try {
            for (int level = 1; level < lattice.levels(); level++) {
                int first = lattice.levelStart(level);
                int end = lattice.levelStart(level + 1);
                if (expired || deadline.expired()) {
                    throw new TimeLimitReachedException("running the dynamic program");
                }
                if (pool == null || end - first < 16) {
                    walkers.get(0).solveRange(new AtomicInteger(first), end);
                } else {
                    AtomicInteger next = new AtomicInteger(first);
                    List<Future<?>> running = new ArrayList<>();
                    for (Walker w : walkers) {
                        running.add(pool.submit(() -> w.solveRange(next, end)));
                    }
                    for (Future<?> f : running) {
                        f.get();
                    }
                }
                progress.advance(end);
            }
            if (expired) {
                throw new TimeLimitReachedException("running the dynamic program");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TimeLimitReachedException("running the dynamic program (interrupted)");
        } catch (ExecutionException e) {
            throw new IllegalStateException("DP worker failed", e.getCause());
        } finally {
            if (pool != null) {
                pool.shutdownNow();
            }
            progress.end();
        }
        long pairs = 0;
        for (Walker w : walkers) {
            pairs += w.pairs;
        }
        int full = lattice.full();
        double best = value[full * layers + layers - 1];
        if (!(best < INFINITE)) {
            return new Outcome(INFINITE, List.of(), pairs);
        }
        return new Outcome(best, reconstruct(full, walkers.get(0)), pairs);
    }

    /** Ideals walked to forecast a run, at most. */
    static final int FORECAST_SAMPLE = 256;
    /** Walks of the sample, at most. */
    private static final int FORECAST_PASSES = 64;

    /**
     * What {@link #run} would cost: the pairs it would score and the seconds it would take.
     *
     * @param sampled ideals walked to forecast it
     */
    record Forecast(double pairs, double seconds, int sampled) {
    }

    /**
     * Forecasts a run under a bound by walking a sample of the ideals exactly as the run walks
     * them (one per stratum of the numbering, which goes by ideal size, in a shuffled order), and
     * scaling the sample's pairs and time by ideals over sampled and by the threads. The walk from
     * an ideal depends only on the bound, not on the values of its sub-ideals, so the sample is
     * unbiased; what varies is the timing, that of the last of walks of the sample repeated until
     * the run looks no longer than {@code enough} seconds (the first walks run before the JIT has
     * compiled the code, and overestimate it) or {@code maxSeconds} have been spent, once 16
     * ideals have been walked.
     */
    Forecast forecast(double bound, int workers, double maxSeconds, double enough) {
        int n = lattice.size();
        if (n <= 1) {
            return new Forecast(0, 0, 0);
        }
        this.upperBound = bound;
        clearTable();
        int k = Math.min(FORECAST_SAMPLE, n - 1);
        java.util.Random random = new java.util.Random(n);
        int[] sample = new int[k];
        for (int i = 0; i < k; i++) {
            sample[i] = 1 + (int) ((i + random.nextDouble()) * (n - 1) / k);
        }
        for (int i = k - 1; i > 0; i--) { // shuffled, so that a time cut does not keep only the small ideals
            int j = random.nextInt(i + 1);
            int t = sample[i];
            sample[i] = sample[j];
            sample[j] = t;
        }
        // the sample is walked again while the run looks too long: the first walks run before the
        // JIT has compiled the code, as it is compiled for most of a long run, and overestimate it
        long begin = System.nanoTime();
        double perIdeal = Double.POSITIVE_INFINITY;
        double pairsPerIdeal = 0;
        int walked = 0;
        for (int pass = 0; pass < FORECAST_PASSES; pass++) {
            Walker walker = new Walker(n);
            long passStart = System.nanoTime();
            int done = 0;
            while (done < k && (done < 16 || (System.nanoTime() - begin) / 1e9 < maxSeconds)) {
                Arrays.fill(walker.best, INFINITE);
                walker.walk(sample[done]);
                done++;
            }
            perIdeal = (System.nanoTime() - passStart) / 1e9 / done; // the latest walk ran the most compiled code
            if (done >= walked) {
                walked = done;
                pairsPerIdeal = (double) walker.pairs / done;
            }
            if (perIdeal * (n - 1) / threads(workers) <= enough || (System.nanoTime() - begin) / 1e9 >= maxSeconds) {
                break;
            }
        }
        return new Forecast(pairsPerIdeal * (n - 1), perIdeal * (n - 1) / threads(workers), walked);
    }

    private int threads(int workers) {
        return Math.max(1, Math.min(workers, lattice.size() / 256 + 1));
    }

    /** The table with every entry infinite but the empty ideal's, allocated once. */
    private void clearTable() {
        int entries = lattice.size() * layers;
        if (value == null || value.length != entries) {
            value = new double[entries];
        }
        Arrays.fill(value, INFINITE);
        Arrays.fill(value, 0, layers, 0.0);
    }

    /**
     * Follows the optimal chain down from the full ideal. At each entry either a device was left
     * unused (the entry equals the layer with one device fewer) or some sub-ideal J gives exactly
     * the entry's value; the walk recomputes every candidate bit for bit as the DP did.
     */
    private List<Stage> reconstruct(int full, Walker walker) {
        List<Stage> stages = new ArrayList<>();
        int ideal = full;
        int layer = layers - 1;
        while (ideal != 0) {
            double entry = value[ideal * layers + layer];
            int unused = -1;
            for (int g = 0; g < groups && unused < 0; g++) {
                if (digit(layer, g) > 0 && value[ideal * layers + layer - stride[g]] == entry) {
                    unused = g;
                }
            }
            if (unused >= 0) {
                layer -= stride[unused];
                continue;
            }
            long found = walker.findStage(ideal, layer, entry);
            int sub = (int) (found / groups);
            int group = (int) (found % groups);
            stages.add(new Stage(group, lattice.difference(ideal, sub)));
            ideal = sub;
            layer -= stride[group];
        }
        Collections.reverse(stages);
        return stages;
    }

    /** One thread's scratch state: the downward walk from an ideal over its sub-ideals. */
    private final class Walker {
        private final CrossingTransfers[] transfers;
        private final int kinds;
        private final int[] stamp;
        private final int[] stIdeal;
        private final int[] stNext;
        private final int[] stUnit;
        private final double[] stMem;
        /** Per depth and group: compute so far, and whether the group can still take the difference. */
        private final double[] stTime;
        private final boolean[] stOk;
        /** Per depth and accelerator kind: transfers so far, and whether they are being tracked. */
        private final double[] stComm;
        private final boolean[] stTracked;
        private final double[] cost;
        /** Best "last device is of group g" value per layer, at [g * layers + layer]. */
        private final double[] best;
        long pairs;
        /** While recovering a back-link: the entry to match and where it is; NaN during the DP. */
        private double target = Double.NaN;
        private int targetLayer;
        private long found;

        Walker(int ideals) {
            kinds = transferKinds.size();
            transfers = new CrossingTransfers[kinds];
            for (int k = 0; k < kinds; k++) {
                transfers[k] = new CrossingTransfers(transferLayouts[k]);
            }
            stamp = new int[ideals];
            Arrays.fill(stamp, -1);
            int depth = lattice.units() + 2;
            stIdeal = new int[depth];
            stNext = new int[depth];
            stUnit = new int[depth];
            stMem = new double[depth];
            stTime = new double[depth * groups];
            stOk = new boolean[depth * groups];
            stComm = new double[depth * Math.max(1, kinds)];
            stTracked = new boolean[depth * Math.max(1, kinds)];
            cost = new double[groups];
            best = new double[groups * layers];
        }

        void solveRange(AtomicInteger next, int end) {
            int done = 0;
            for (int ideal = next.getAndIncrement(); ideal < end; ideal = next.getAndIncrement()) {
                if ((++done & 63) == 0 && (expired || deadline.expired())) {
                    expired = true;
                    return;
                }
                Arrays.fill(best, INFINITE);
                walk(ideal);
                settle(ideal);
            }
        }

        /**
         * A sub-ideal J for which "the last device takes ideal minus J" gives exactly {@code entry}
         * at {@code layer}: J * groups + the group of that device.
         */
        long findStage(int ideal, int layer, double entry) {
            Arrays.fill(stamp, -1);
            target = entry;
            targetLayer = layer;
            found = -1;
            walk(ideal);
            target = Double.NaN;
            if (found < 0) {
                throw new IllegalStateException("no sub-ideal reproduces the DP entry of ideal " + ideal);
            }
            return found;
        }

        /** Visits the sub-ideals J of an ideal whose remainder can still be under the bound. */
        private void walk(int ideal) {
            stamp[ideal] = ideal;
            stIdeal[0] = ideal;
            stNext[0] = 0;
            stMem[0] = 0;
            for (int g = 0; g < groups; g++) {
                stTime[g] = 0;
                stOk[g] = count[g] > 0;
            }
            for (int k = 0; k < kinds; k++) {
                stComm[k] = 0;
                stTracked[k] = false;
            }
            for (int g = 0; g < groups; g++) {
                if (kindOf[g] >= 0 && stOk[g]) {
                    stTracked[kindOf[g]] = true;
                }
            }
            int sp = 1;
            while (sp > 0) {
                int t = sp - 1;
                int current = stIdeal[t];
                if (stNext[t] == lattice.downCount(current)) {
                    if (t > 0) {
                        for (int k = 0; k < kinds; k++) {
                            if (stTracked[t * kinds + k]) {
                                transfers[k].remove(stUnit[t]);
                            }
                        }
                    }
                    sp--;
                    continue;
                }
                int j = stNext[t]++;
                int sub = lattice.downIdeal(current, j);
                if (stamp[sub] == ideal) {
                    continue;
                }
                stamp[sub] = ideal;
                int unit = lattice.downUnit(current, j);
                double mem = stMem[t] + memory[unit];
                boolean anyOk = false;
                int here = sp * groups;
                for (int g = 0; g < groups; g++) {
                    double tg = stTime[t * groups + g] + time[g][unit];
                    boolean ok = stOk[t * groups + g] && allowed[g][unit] && mem <= memoryLimit[g] && tg <= upperBound;
                    stTime[here + g] = tg;
                    stOk[here + g] = ok;
                    anyOk |= ok;
                }
                if (!anyOk) {
                    continue; // every smaller sub-ideal has even more compute and memory on every group
                }
                for (int k = 0; k < kinds; k++) {
                    stTracked[sp * kinds + k] = false;
                }
                for (int g = 0; g < groups; g++) {
                    if (kindOf[g] >= 0 && stOk[here + g]) {
                        stTracked[sp * kinds + kindOf[g]] = true;
                    }
                }
                for (int k = 0; k < kinds; k++) {
                    stComm[sp * kinds + k] = stTracked[sp * kinds + k]
                            ? stComm[t * kinds + k] + transfers[k].add(unit) : 0;
                }
                pairs++;
                for (int g = 0; g < groups; g++) {
                    double c = INFINITE;
                    if (stOk[here + g]) {
                        c = host[g] ? stTime[here + g] : stTime[here + g] + stComm[sp * kinds + kindOf[g]];
                        c = c <= upperBound ? c : INFINITE;
                    }
                    cost[g] = c;
                }
                if (target == target) { // not NaN: recovering a back-link
                    match(sub);
                } else {
                    relax(sub);
                }
                stIdeal[sp] = sub;
                stNext[sp] = 0;
                stUnit[sp] = unit;
                stMem[sp] = mem;
                sp++;
            }
        }

        /** Offers "the last device, of group g, takes I minus sub" to every layer with such a device. */
        private void relax(int sub) {
            int base = sub * layers;
            for (int g = 0; g < groups; g++) {
                double c = cost[g];
                if (c < INFINITE) {
                    int offset = g * layers;
                    int back = base - stride[g];
                    for (int layer : layersWith[g]) {
                        best[offset + layer] = Math.min(best[offset + layer], Math.max(value[back + layer], c));
                    }
                }
            }
        }

        private void match(int sub) {
            for (int g = 0; g < groups && found < 0; g++) {
                if (digit(targetLayer, g) > 0 && cost[g] < INFINITE
                        && Math.max(value[sub * layers + targetLayer - stride[g]], cost[g]) == target) {
                    found = (long) sub * groups + g;
                }
            }
        }

        /** Final entries of one ideal, including the options of leaving a device unused. */
        private void settle(int ideal) {
            int base = ideal * layers;
            for (int layer = 1; layer < layers; layer++) {
                double v = INFINITE;
                for (int g = 0; g < groups; g++) {
                    if (digit(layer, g) > 0) {
                        v = Math.min(v, Math.min(best[g * layers + layer], value[base + layer - stride[g]]));
                    }
                }
                if (v <= upperBound) {
                    value[base + layer] = v;
                }
            }
        }
    }
}
