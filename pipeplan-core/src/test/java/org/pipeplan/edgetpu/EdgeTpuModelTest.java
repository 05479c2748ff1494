package org.pipeplan.edgetpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pipeplan.edgetpu.evaluate.EdgeTpuEvaluator;
import org.pipeplan.edgetpu.evaluate.StageTimes;
import org.pipeplan.edgetpu.split.CompilerSegmentation;
import org.pipeplan.edgetpu.split.OrderDp;
import org.pipeplan.generate.SyntheticDagGenerator;

class EdgeTpuModelTest {

    /** A diamond with a long skip: 0 -> 1 -> 2 -> 3, and 0 -> 3. */
    private static EdgeTpuGraph skip() {
        return new EdgeTpuGraph("skip", List.of("a", "b", "c", "d"), new double[] {1, 2, 3, 4},
                new double[] {4, 0, 12, 0}, new double[] {10, 20, 30, 0},
                List.of(new int[] {0, 1}, new int[] {1, 2}, new int[] {2, 3}, new int[] {0, 3}));
    }

    /** 1 byte per ms everywhere, a cache of 5 bytes. */
    private static final EdgeTpuPipeline UNIT = new EdgeTpuPipeline(3, 5, 1, 1);

    @Test
    void aTensorUsedTwoStagesLaterPassesThroughTheStageBetween() {
        StageTimes t = EdgeTpuEvaluator.evaluate(skip(), UNIT, new int[] {0, 1, 1, 2});
        // stage 0: a (1), sends a's 10 bytes over boundary 0
        // stage 1: b, c (5); receives a (10), sends a on (10) and c (30)
        // stage 2: d (4); receives a (10) and c (30)
        assertArrayEquals(new double[] {1, 5, 4}, t.compute());
        assertArrayEquals(new double[] {10, 50, 40}, t.transfer());
        // parameters over the cache of 5 are streamed: stage 1 holds 12
        assertArrayEquals(new double[] {0, 7, 0}, t.streaming());
        assertEquals(62, t.bottleneck());
    }

    @Test
    void assignmentsMustFollowTheEdges() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EdgeTpuEvaluator.evaluate(skip(), UNIT, new int[] {1, 0, 1, 2}));
        assertEquals("edge a -> b goes back from stage 1 to stage 0", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> EdgeTpuEvaluator.evaluate(skip(), UNIT, new int[] {0, 0, 0, 3}));
    }

    @Test
    void theCompilerCutsByParameterBytesAlone() {
        // parameters 4, 0, 12, 0 of 16: the first segment closes at 16/3, after c
        assertArrayEquals(new int[] {0, 0, 0, 1}, CompilerSegmentation.split(skip(), UNIT.withStages(2)));
        EdgeTpuGraph even = chain(new double[] {1, 1, 1, 1, 1, 1}, new double[] {3, 3, 3, 3, 3, 3});
        assertArrayEquals(new int[] {0, 0, 1, 1, 2, 2}, CompilerSegmentation.split(even, UNIT));
    }

    private static EdgeTpuGraph chain(double[] compute, double[] params) {
        List<String> names = new ArrayList<>();
        List<int[]> edges = new ArrayList<>();
        for (int i = 0; i < compute.length; i++) {
            names.add("n" + i);
            if (i > 0) {
                edges.add(new int[] {i - 1, i});
            }
        }
        return new EdgeTpuGraph("chain", names, compute, params, new double[compute.length], edges);
    }

    @Test
    void theOrderDpIsTheBestSplitOfItsOrder() {
        SyntheticDagGenerator gen = SyntheticDagGenerator.standard();
        for (int seed = 0; seed < 25; seed++) {
            EdgeTpuGraph g = EdgeTpuGraph.of(gen.generate(seed, 14));
            EdgeTpuPipeline p = EdgeTpuPipeline.edgeTpus(2 + seed % 3);
            double dp = EdgeTpuEvaluator.evaluate(g, p, OrderDp.split(g, p)).bottleneck();
            double best = bestOrderSplit(g, p, new int[g.size()], 0, 0);
            assertEquals(best, dp, 1e-9 * best, "seed " + seed);
            double compiler = EdgeTpuEvaluator.evaluate(g, p, CompilerSegmentation.split(g, p)).bottleneck();
            assertTrue(dp <= compiler + 1e-9, "seed " + seed);
        }
    }

    @Test
    void thePrunedOrderDpEqualsThePlainOneOnLargerGraphsAndOrders() {
        SyntheticDagGenerator gen = SyntheticDagGenerator.standard();
        java.util.Random random = new java.util.Random(9);
        for (int seed = 0; seed < 30; seed++) {
            EdgeTpuGraph g = EdgeTpuGraph.of(gen.generate(500 + seed, 60 + seed * 5));
            EdgeTpuPipeline p = EdgeTpuPipeline.edgeTpus(2 + seed % 6);
            int[] order = randomTopologicalOrder(g, random);
            double fast = EdgeTpuEvaluator.evaluate(g, p, OrderDp.split(g, p, order)).bottleneck();
            assertEquals(plainDp(g, p, order), fast, 1e-9 * fast, "seed " + seed);
            // with a bound: the same split when it can beat the bound, none when it cannot
            assertEquals(fast, EdgeTpuEvaluator.evaluate(g, p, OrderDp.split(g, p, order, fast * (1 + 1e-9))).bottleneck(),
                    1e-9 * fast);
            assertEquals(null, OrderDp.split(g, p, order, fast * (1 - 1e-9)));
        }
    }

    private static int[] randomTopologicalOrder(EdgeTpuGraph g, java.util.Random random) {
        int[] waiting = new int[g.size()];
        List<Integer> ready = new ArrayList<>();
        for (int v = 0; v < g.size(); v++) {
            waiting[v] = g.predecessorCount(v);
            if (waiting[v] == 0) {
                ready.add(v);
            }
        }
        int[] order = new int[g.size()];
        for (int t = 0; t < order.length; t++) {
            int v = ready.remove(random.nextInt(ready.size()));
            order[t] = v;
            for (int w : g.successors(v)) {
                if (--waiting[w] == 0) {
                    ready.add(w);
                }
            }
        }
        return order;
    }

    /** The textbook O(stages * nodes^2) DP over cut positions of an order, without pruning. */
    private static double plainDp(EdgeTpuGraph g, EdgeTpuPipeline p, int[] order) {
        int n = g.size();
        double[][] best = new double[p.stages() + 1][n + 1];
        for (double[] row : best) {
            java.util.Arrays.fill(row, Double.POSITIVE_INFINITY);
        }
        best[0][0] = 0;
        for (int k = 1; k <= p.stages(); k++) {
            for (int i = 0; i <= n; i++) {
                for (int j = 0; j <= i; j++) {
                    if (best[k - 1][j] == Double.POSITIVE_INFINITY) {
                        continue;
                    }
                    int[] stage = new int[n];
                    for (int x = 0; x < n; x++) {
                        stage[order[x]] = x < j ? 0 : x < i ? 1 : 2;
                    }
                    // the segment's time: its compute and parameters, and the tensors crossing its two cuts
                    double compute = 0;
                    double params = 0;
                    for (int x = j; x < i; x++) {
                        compute += g.compute(order[x]);
                        params += g.paramBytes(order[x]);
                    }
                    double cross = 0;
                    for (int u = 0; u < n; u++) {
                        int last = stage[u];
                        for (int w : g.successors(u)) {
                            last = Math.max(last, stage[w]);
                        }
                        if (stage[u] == 0 && last >= 1 && j > 0) {
                            cross += p.transferTime(g.outputBytes(u));
                        }
                        if (stage[u] <= 1 && last == 2 && i < n) {
                            cross += p.transferTime(g.outputBytes(u));
                        }
                    }
                    double value = Math.max(best[k - 1][j], compute + p.streamingTime(params) + cross);
                    best[k][i] = Math.min(best[k][i], value);
                }
            }
        }
        return best[p.stages()][n];
    }

    /** Every non-decreasing stage sequence along the node order. */
    private static double bestOrderSplit(EdgeTpuGraph g, EdgeTpuPipeline p, int[] stage, int v, int from) {
        if (v == g.size()) {
            return EdgeTpuEvaluator.evaluate(g, p, stage).bottleneck();
        }
        double best = Double.POSITIVE_INFINITY;
        for (int s = from; s < p.stages(); s++) {
            stage[v] = s;
            best = Math.min(best, bestOrderSplit(g, p, stage, v + 1, s));
        }
        return best;
    }

    @Test
    void syntheticGraphsAreSeededDagsOfTheAskedSize() {
        SyntheticDagGenerator gen = SyntheticDagGenerator.standard();
        EdgeTpuGraph a = EdgeTpuGraph.of(gen.generate(42, 200));
        EdgeTpuGraph b = EdgeTpuGraph.of(gen.generate(42, 200));
        assertTrue(a.size() >= 200 && a.size() < 215, "size " + a.size());
        assertEquals(a.size(), b.size());
        for (int v = 0; v < a.size(); v++) {
            assertEquals(a.compute(v), b.compute(v));
            assertArrayEquals(a.successors(v), b.successors(v));
            for (int w : a.successors(v)) {
                assertTrue(w > v);
            }
        }
        // branches and skips: some node has several consumers, some several inputs
        assertTrue(java.util.stream.IntStream.range(0, a.size()).anyMatch(v -> a.successorCount(v) >= 3));
        assertTrue(java.util.stream.IntStream.range(0, a.size()).anyMatch(v -> a.predecessorCount(v) >= 2));
        // parameters well beyond four Edge TPUs' caches, as in real models
        assertTrue(a.totalParamBytes() > 4 * 8 * (1 << 20), "params " + a.totalParamBytes());
        assertTrue(EdgeTpuGraph.of(gen.generate(43, 200)).totalCompute() != a.totalCompute());
    }
}
