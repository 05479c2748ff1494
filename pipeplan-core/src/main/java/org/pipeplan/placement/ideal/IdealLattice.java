package org.pipeplan.placement.ideal;

import java.util.Arrays;
import org.pipeplan.planner.Deadline;
import org.pipeplan.planner.ProgressListener;
import org.pipeplan.planner.TimeLimitReachedException;
import org.pipeplan.units.UnitGraph;

/**
 * All ideals (predecessor-closed sets) of a {@link UnitGraph}, with the links from each ideal to
 * its immediate sub-ideals (the ideal minus one of its maximal units).
 *
 * <p>Ideals are numbered in breadth-first order of their size, so every sub-ideal of an ideal has
 * a smaller number; 0 is the empty ideal and {@link #full()} the whole graph. Each ideal is stored
 * as a bit set over units.
 */
final class IdealLattice {

    /** Upper limit on stored bit-set words, to keep memory bounded whatever the graph. */
    static final long MAX_WORDS = 64L << 20;

    private final int units;
    private final int words;
    private final int count;
    private final long[] bits;
    private final int[] downStart;
    private final int[] downUnit;
    private final int[] downIdeal;
    private final int[] levelStart;

    private IdealLattice(int units, int words, int count, long[] bits, int[] downStart, int[] downUnit,
                         int[] downIdeal, int[] levelStart) {
        this.units = units;
        this.words = words;
        this.count = count;
        this.bits = bits;
        this.downStart = downStart;
        this.downUnit = downUnit;
        this.downIdeal = downIdeal;
        this.levelStart = levelStart;
    }

    /**
     * Enumerates the ideals breadth-first.
     *
     * @throws IdealLimitExceededException when there are more than {@code maxIdeals} of them (or
     *                                     more than memory allows)
     */
    public static IdealLattice enumerate(UnitGraph graph, long maxIdeals, Deadline deadline,
                                         ProgressListener progress) throws IdealLimitExceededException {
        if (atLeast(graph) > maxIdeals) { // too many for sure: no need to enumerate them to find out
            throw new IdealLimitExceededException(maxIdeals);
        }
        return new Builder(graph, maxIdeals, deadline, progress).run();
    }

    /**
     * A lower bound on the number of ideals, in O(units + edges), without enumerating them: an
     * ideal is determined by its maximal units, which form an antichain, and units of the same
     * depth (longest path from a source) never reach each other, so every non-empty subset of one
     * depth level is a distinct ideal's maximal set: at least 1 + Σ over levels (2^size - 1).
     * Saturates at {@link Long#MAX_VALUE}.
     */
    static long atLeast(UnitGraph graph) {
        int n = graph.size();
        int[] depth = new int[n];
        int[] order = graph.stackTopologicalOrder();
        int deepest = 0;
        for (int u : order) {
            for (int p : graph.predecessors(u)) {
                depth[u] = Math.max(depth[u], depth[p] + 1);
            }
            deepest = Math.max(deepest, depth[u]);
        }
        int[] width = new int[deepest + 1];
        for (int u = 0; u < n; u++) {
            width[depth[u]]++;
        }
        long count = 1;
        for (int w : width) {
            if (w >= 62) {
                return Long.MAX_VALUE;
            }
            count += (1L << w) - 1;
            if (count < 0) {
                return Long.MAX_VALUE;
            }
        }
        return count;
    }

    /** Whether a graph has at most {@code limit} ideals (enumerating them up to that many). */
    static boolean countsAtMost(UnitGraph graph, long limit, Deadline deadline) {
        try {
            enumerate(graph, limit, deadline, ProgressListener.NONE);
            return true;
        } catch (IdealLimitExceededException e) {
            return false;
        }
    }

    public int size() {
        return count;
    }

    public int units() {
        return units;
    }

    /** The ideal holding every unit. */
    public int full() {
        return count - 1;
    }

    public boolean contains(int ideal, int unit) {
        return (bits[ideal * words + (unit >>> 6)] & (1L << unit)) != 0;
    }

    /** Number of immediate sub-ideals (= maximal units) of an ideal. */
    public int downCount(int ideal) {
        return downStart[ideal + 1] - downStart[ideal];
    }

    /** The maximal unit removed by the j-th down link of an ideal. */
    public int downUnit(int ideal, int j) {
        return downUnit[downStart[ideal] + j];
    }

    /** The sub-ideal reached by the j-th down link of an ideal. */
    public int downIdeal(int ideal, int j) {
        return downIdeal[downStart[ideal] + j];
    }

    /** Number of levels: ideals of size 0..units. */
    public int levels() {
        return levelStart.length - 1;
    }

    /** First ideal with {@code level} units; ideals of one level are numbered consecutively. */
    public int levelStart(int level) {
        return levelStart[level];
    }

    /** Units in {@code outer} but not in {@code inner}. */
    public int[] difference(int outer, int inner) {
        int[] out = new int[units];
        int k = 0;
        for (int u = 0; u < units; u++) {
            if (contains(outer, u) && !contains(inner, u)) {
                out[k++] = u;
            }
        }
        return Arrays.copyOf(out, k);
    }

    private static final class Builder {
        private final UnitGraph graph;
        private final long limit;
        private final Deadline deadline;
        private final ProgressListener progress;
        private final int units;
        private final int words;
        private long[] pool;
        private int count;
        private int[] table;
        private int[] linkFrom = new int[1024];
        private int[] linkUnit = new int[1024];
        private int[] linkTo = new int[1024];
        private int links;

        Builder(UnitGraph graph, long maxIdeals, Deadline deadline, ProgressListener progress) {
            this.graph = graph;
            this.units = graph.size();
            this.words = Math.max(1, (units + 63) >>> 6);
            this.limit = Math.min(maxIdeals, MAX_WORDS / words);
            this.deadline = deadline;
            this.progress = progress;
            this.pool = new long[words * 1024];
            this.table = new int[1 << 12];
        }

        IdealLattice run() throws IdealLimitExceededException {
            long[] scratch = new long[words];
            insert(scratch);
            // breadth-first: ideals are created level by level, so each level is a range of ids
            int[] levelStart = new int[units + 2];
            int level = 0;
            int levelEnd = 1;
            progress.begin("enumerating ideals", -1);
            for (int id = 0; id < count; id++) {
                if (id == levelEnd) {
                    level++;
                    levelStart[level] = id;
                    levelEnd = count;
                }
                if ((id & 4095) == 0) {
                    progress.advance(count);
                    if (deadline.expired()) {
                        progress.end();
                        throw new TimeLimitReachedException("enumerating ideals");
                    }
                }
                int base = id * words;
                for (int v = 0; v < units; v++) {
                    if (!addable(base, v)) {
                        continue;
                    }
                    System.arraycopy(pool, base, scratch, 0, words);
                    scratch[v >>> 6] |= 1L << v;
                    int child = lookupOrInsert(scratch);
                    addLink(child, v, id);
                }
            }
            progress.end();
            levelStart[level + 1] = count;
            return new IdealLattice(units, words, count, Arrays.copyOf(pool, count * words),
                    csrStart(), permuted(linkUnit), permuted(linkTo), Arrays.copyOf(levelStart, level + 2));
        }

        private boolean addable(int base, int v) {
            if ((pool[base + (v >>> 6)] & (1L << v)) != 0) {
                return false;
            }
            for (int p : graph.predecessors(v)) {
                if ((pool[base + (p >>> 6)] & (1L << p)) == 0) {
                    return false;
                }
            }
            return true;
        }

        private int lookupOrInsert(long[] key) throws IdealLimitExceededException {
            int mask = table.length - 1;
            int slot = hash(key) & mask;
            while (table[slot] != 0) {
                int id = table[slot] - 1;
                if (equalsAt(id, key)) {
                    return id;
                }
                slot = (slot + 1) & mask;
            }
            if (count >= limit) {
                throw new IdealLimitExceededException(limit);
            }
            return insert(key);
        }

        private int insert(long[] key) {
            int id = count++;
            if ((long) count * words > pool.length) {
                pool = Arrays.copyOf(pool, (int) Math.min((long) pool.length * 2, Integer.MAX_VALUE - 8));
            }
            System.arraycopy(key, 0, pool, id * words, words);
            if (count * 2 > table.length) {
                rehash();
            } else {
                place(id);
            }
            return id;
        }

        private void rehash() {
            table = new int[table.length * 2];
            for (int id = 0; id < count; id++) {
                place(id);
            }
        }

        private void place(int id) {
            int mask = table.length - 1;
            int slot = hashAt(id) & mask;
            while (table[slot] != 0) {
                slot = (slot + 1) & mask;
            }
            table[slot] = id + 1;
        }

        private boolean equalsAt(int id, long[] key) {
            int base = id * words;
            for (int w = 0; w < words; w++) {
                if (pool[base + w] != key[w]) {
                    return false;
                }
            }
            return true;
        }

        private int hash(long[] key) {
            long h = 0x9E3779B97F4A7C15L;
            for (long w : key) {
                h = (h ^ w) * 0xBF58476D1CE4E5B9L;
                h ^= h >>> 31;
            }
            return (int) (h ^ (h >>> 32));
        }

        private int hashAt(int id) {
            long h = 0x9E3779B97F4A7C15L;
            int base = id * words;
            for (int w = 0; w < words; w++) {
                h = (h ^ pool[base + w]) * 0xBF58476D1CE4E5B9L;
                h ^= h >>> 31;
            }
            return (int) (h ^ (h >>> 32));
        }

        private void addLink(int from, int unit, int to) {
            if (links == linkFrom.length) {
                linkFrom = Arrays.copyOf(linkFrom, links * 2);
                linkUnit = Arrays.copyOf(linkUnit, links * 2);
                linkTo = Arrays.copyOf(linkTo, links * 2);
            }
            linkFrom[links] = from;
            linkUnit[links] = unit;
            linkTo[links] = to;
            links++;
        }

        private int[] start;
        private int[] position;

        /** Groups the links by their upper ideal (counting sort, stable). */
        private int[] csrStart() {
            start = new int[count + 1];
            for (int i = 0; i < links; i++) {
                start[linkFrom[i] + 1]++;
            }
            for (int i = 0; i < count; i++) {
                start[i + 1] += start[i];
            }
            position = new int[links];
            int[] next = Arrays.copyOf(start, count);
            for (int i = 0; i < links; i++) {
                position[i] = next[linkFrom[i]]++;
            }
            return start;
        }

        private int[] permuted(int[] values) {
            int[] out = new int[links];
            for (int i = 0; i < links; i++) {
                out[position[i]] = values[i];
            }
            return out;
        }
    }
}
