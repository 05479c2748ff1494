package org.pipeplan.solver.ideal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.pipeplan.graph.DeviceKind;
import org.pipeplan.graph.OperatorGraph;
import org.pipeplan.solver.Deadline;
import org.pipeplan.solver.ProgressListener;
import org.pipeplan.solver.TimeLimitReachedException;

/**
 * The dynamic program over ideals for the optimal contiguous split (PLACEMENT_MODEL.md section 3).
 *
 * <p>dp[c][f][I] is the least max-load of placing ideal I (with the backward parts of its units)
 * on at most c CPU cores and f accelerators, each taking one difference of consecutive ideals of a
 * chain from the empty ideal to I. The last device takes I \ J for some sub-ideal J.
 *
 * <p>Instead of scoring every pair J ⊆ I up front, each I walks its sub-ideals downwards, growing
 * D = I \ J one unit at a time and updating D's compute, memory and transfer cost incrementally.
 * Compute only grows as J shrinks, so the walk stops below any J whose D already exceeds the upper
 * bound on the optimum (the load of a known split) on both device kinds; values above that bound
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

    /** One device's share in pipeline order: its kind and its units. */
    record Stage(boolean accelerator, int[] units) {
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
    private final DeviceKind acceleratorKind;
    private final int[][] members;
    private final double[] cpuTime;
    private final double[] acceleratorTime;
    private final double[] memory;
    private final boolean[] acceleratorAllowed;
    private final int cpus;
    private final int accelerators;
    private final double memoryLimit;
    private final int width;
    private final int layers;

    /**
     * dp value of (ideal, layer) at [ideal * layers + layer], layer = CPU cores * width +
     * accelerators. No back-links are stored: the optimal chain is recovered at the end by walking
     * again from the ideals on it, which keeps the inner loop branch-free.
     */
    private double[] value;
    private double upperBound;
    private Deadline deadline;
    /** Set by a worker that saw the deadline pass; the level loop then stops. */
    private volatile boolean expired;

    IdealDp(UnitGraph units, IdealLattice lattice, DeviceKind hostKind, DeviceKind acceleratorKind,
            int cpus, int accelerators, double memoryLimit) {
        this.lattice = lattice;
        this.graph = units.graph();
        this.acceleratorKind = acceleratorKind;
        this.members = new int[units.size()][];
        for (int u = 0; u < units.size(); u++) {
            members[u] = units.members(u);
        }
        this.cpuTime = units.computeTimes(hostKind);
        this.acceleratorTime = units.computeTimes(acceleratorKind);
        this.memory = units.memoryBytes();
        this.acceleratorAllowed = units.runsOn(acceleratorKind);
        this.cpus = cpus;
        this.accelerators = accelerators;
        this.memoryLimit = memoryLimit;
        this.width = accelerators + 1;
        this.layers = (cpus + 1) * width;
    }

    /** Whether the DP table of this lattice and device count fits in the allowed memory. */
    static boolean fits(long ideals, int cpus, int accelerators) {
        return ideals * (cpus + 1L) * (accelerators + 1L) <= MAX_TABLE_ENTRIES;
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
        this.value = new double[n * layers];
        Arrays.fill(value, INFINITE);
        Arrays.fill(value, 0, layers, 0.0);

        int threads = Math.max(1, Math.min(workers, n / 256 + 1));
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
            if (layer % width > 0 && value[ideal * layers + layer - 1] == entry) {
                layer -= 1;
            } else if (layer >= width && value[ideal * layers + layer - width] == entry) {
                layer -= width;
            } else {
                long found = walker.findStage(ideal, layer, entry);
                int sub = (int) (found >>> 1);
                boolean accelerator = (found & 1) == 1;
                stages.add(new Stage(accelerator, lattice.difference(ideal, sub)));
                ideal = sub;
                layer -= accelerator ? 1 : width;
            }
        }
        Collections.reverse(stages);
        return stages;
    }

    /** One thread's scratch state: the downward walk from an ideal over its sub-ideals. */
    private final class Walker {
        private final CrossingTransfers transfers = new CrossingTransfers(graph, acceleratorKind);
        private final int[] stamp;
        private final int[] stIdeal;
        private final int[] stNext;
        private final int[] stUnit;
        private final boolean[] stAccOk;
        private final double[] stAcc;
        private final double[] stCpu;
        private final double[] stMem;
        private final double[] stComm;
        /** Best "last device is an accelerator" / "last device is a CPU core" value per layer. */
        private final double[] bestAcc = new double[layers];
        private final double[] bestCpu = new double[layers];
        long pairs;
        /** While recovering a back-link: the entry to match and where it is; NaN during the DP. */
        private double target = Double.NaN;
        private int targetLayer;
        private long found;

        Walker(int ideals) {
            stamp = new int[ideals];
            Arrays.fill(stamp, -1);
            int depth = lattice.units() + 2;
            stIdeal = new int[depth];
            stNext = new int[depth];
            stUnit = new int[depth];
            stAccOk = new boolean[depth];
            stAcc = new double[depth];
            stCpu = new double[depth];
            stMem = new double[depth];
            stComm = new double[depth];
        }

        void solveRange(AtomicInteger next, int end) {
            int done = 0;
            for (int ideal = next.getAndIncrement(); ideal < end; ideal = next.getAndIncrement()) {
                if ((++done & 63) == 0 && (expired || deadline.expired())) {
                    expired = true;
                    return;
                }
                Arrays.fill(bestAcc, INFINITE);
                Arrays.fill(bestCpu, INFINITE);
                walk(ideal);
                settle(ideal);
            }
        }

        /**
         * A sub-ideal J for which "the last device takes ideal minus J" gives exactly {@code entry}
         * at {@code layer}: J * 2 + 1 for an accelerator, J * 2 for a CPU core.
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
            stAccOk[0] = accelerators > 0;
            stAcc[0] = 0;
            stCpu[0] = 0;
            stMem[0] = 0;
            stComm[0] = 0;
            int sp = 1;
            while (sp > 0) {
                int t = sp - 1;
                int current = stIdeal[t];
                if (stNext[t] == lattice.downCount(current)) {
                    if (t > 0 && stAccOk[t]) {
                        transfers.remove(members[stUnit[t]]);
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
                double acc = stAcc[t] + acceleratorTime[unit];
                double cpu = stCpu[t] + cpuTime[unit];
                double mem = stMem[t] + memory[unit];
                boolean accOk = stAccOk[t] && acceleratorAllowed[unit] && mem <= memoryLimit && acc <= upperBound;
                boolean cpuOk = cpus > 0 && cpu <= upperBound;
                if (!accOk && !cpuOk) {
                    continue; // every smaller sub-ideal has even more compute on both kinds
                }
                double comm = accOk ? stComm[t] + transfers.add(members[unit]) : 0;
                pairs++;
                double accCost = accOk && acc + comm <= upperBound ? acc + comm : INFINITE;
                double cpuCost = cpuOk ? cpu : INFINITE;
                if (target == target) { // not NaN: recovering a back-link
                    match(sub, accCost, cpuCost);
                } else {
                    relax(sub, accCost, cpuCost);
                }
                stIdeal[sp] = sub;
                stNext[sp] = 0;
                stUnit[sp] = unit;
                stAccOk[sp] = accOk;
                stAcc[sp] = acc;
                stCpu[sp] = cpu;
                stMem[sp] = mem;
                stComm[sp] = comm;
                sp++;
            }
        }

        /**
         * Offers "the last device takes I minus sub" to every layer. Branch-free so that it
         * vectorises; entries that make no sense (an accelerator in a layer without one) are
         * ignored by {@link #settle}.
         */
        private void relax(int sub, double accCost, double cpuCost) {
            int base = sub * layers;
            if (accCost < INFINITE) {
                for (int layer = 1; layer < layers; layer++) {
                    bestAcc[layer] = Math.min(bestAcc[layer], Math.max(value[base + layer - 1], accCost));
                }
            }
            if (cpuCost < INFINITE) {
                for (int layer = width; layer < layers; layer++) {
                    bestCpu[layer] = Math.min(bestCpu[layer], Math.max(value[base + layer - width], cpuCost));
                }
            }
        }

        private void match(int sub, double accCost, double cpuCost) {
            if (found >= 0) {
                return;
            }
            if (targetLayer % width > 0 && accCost < INFINITE
                    && Math.max(value[sub * layers + targetLayer - 1], accCost) == target) {
                found = (long) sub * 2 + 1;
            } else if (targetLayer >= width && cpuCost < INFINITE
                    && Math.max(value[sub * layers + targetLayer - width], cpuCost) == target) {
                found = (long) sub * 2;
            }
        }

        /** Final entries of one ideal, including the options of leaving a device unused. */
        private void settle(int ideal) {
            int base = ideal * layers;
            for (int layer = 1; layer < layers; layer++) {
                boolean hasAccelerator = layer % width > 0;
                boolean hasCpu = layer >= width;
                double v = INFINITE;
                if (hasAccelerator) {
                    v = Math.min(bestAcc[layer], value[base + layer - 1]);
                }
                if (hasCpu) {
                    v = Math.min(v, Math.min(bestCpu[layer], value[base + layer - width]));
                }
                if (v <= upperBound) {
                    value[base + layer] = v;
                }
            }
        }
    }
}
