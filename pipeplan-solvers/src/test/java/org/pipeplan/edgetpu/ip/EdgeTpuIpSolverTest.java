package org.pipeplan.edgetpu.ip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.pipeplan.edgetpu.EdgeTpuGraph;
import org.pipeplan.edgetpu.EdgeTpuPipeline;
import org.pipeplan.edgetpu.evaluate.EdgeTpuEvaluator;
import org.pipeplan.edgetpu.split.CompilerSegmentation;
import org.pipeplan.edgetpu.split.OrderDp;
import org.pipeplan.generate.SyntheticDagGenerator;
import org.pipeplan.planner.RunSettings;

class EdgeTpuIpSolverTest {

    /** Every monotone assignment, node by node in topological order. */
    private static double bruteForce(EdgeTpuGraph g, EdgeTpuPipeline p, int[] stage, int v) {
        if (v == g.size()) {
            return EdgeTpuEvaluator.evaluate(g, p, stage).bottleneck();
        }
        int from = 0;
        for (int j = 0; j < g.predecessorCount(v); j++) {
            from = Math.max(from, stage[g.predecessor(v, j)]);
        }
        double best = Double.POSITIVE_INFINITY;
        for (int s = from; s < p.stages(); s++) {
            stage[v] = s;
            best = Math.min(best, bruteForce(g, p, stage, v + 1));
        }
        return best;
    }

    @Test
    void provesTheBruteForceOptimumOnSmallGraphs() {
        SyntheticDagGenerator gen = SyntheticDagGenerator.standard();
        RunSettings options = RunSettings.defaults().withTimeLimit(30).withWorkers(2);
        for (int seed = 0; seed < 20; seed++) {
            EdgeTpuGraph g = EdgeTpuGraph.of(gen.generate(100 + seed, 9));
            // small caches and slow links so that streaming and pass-through both matter
            EdgeTpuPipeline p = new EdgeTpuPipeline(2 + seed % 3, 1 << 20, 2e4, 5e4);
            double optimum = bruteForce(g, p, new int[g.size()], 0);
            EdgeTpuIpSolver.Result r = EdgeTpuIpSolver.solve(g, p, options, CompilerSegmentation.split(g, p));
            assertTrue(r.optimal(), "seed " + seed);
            assertEquals(optimum, r.times().bottleneck(), 1e-6 * optimum, "seed " + seed);
            assertTrue(r.lowerBound() <= optimum * (1 + 1e-9));
            assertTrue(org.pipeplan.edgetpu.evaluate.EdgeTpuBounds.lowerBound(g, p) <= optimum * (1 + 1e-9), "seed " + seed);
        }
    }

    /** The graph with a random third of its nodes unable to run on the Edge TPU, at random host times. */
    private static EdgeTpuGraph withFallback(EdgeTpuGraph g, long seed) {
        java.util.Random random = new java.util.Random(seed);
        int n = g.size();
        double[] compute = new double[n];
        double[] params = new double[n];
        double[] output = new double[n];
        double[] host = new double[n];
        boolean[] onTpu = new boolean[n];
        java.util.List<String> names = new java.util.ArrayList<>();
        java.util.List<int[]> edges = new java.util.ArrayList<>();
        for (int v = 0; v < n; v++) {
            compute[v] = g.compute(v);
            params[v] = g.paramBytes(v);
            output[v] = g.outputBytes(v);
            host[v] = g.compute(v) * (0.5 + 3 * random.nextDouble());
            onTpu[v] = random.nextDouble() > 0.33;
            names.add(g.nodeName(v));
            for (int w : g.successors(v)) {
                edges.add(new int[] {v, w});
            }
        }
        return new EdgeTpuGraph(g.name(), names, compute, params, output, edges, onTpu, host);
    }

    @Test
    void provesTheBruteForceOptimumUnderTheCoralModel() {
        SyntheticDagGenerator gen = SyntheticDagGenerator.standard();
        RunSettings options = RunSettings.defaults().withTimeLimit(30).withWorkers(2);
        for (int seed = 0; seed < 20; seed++) {
            EdgeTpuGraph g = withFallback(EdgeTpuGraph.of(gen.generate(200 + seed, 8)), seed);
            // fallback, a shared host link and an invocation overhead, by turns
            org.pipeplan.edgetpu.EdgeTpuCostModel model = new org.pipeplan.edgetpu.EdgeTpuCostModel("coral", 1,
                    seed % 3 != 1, seed % 3 != 2, seed % 2 == 0 ? 0.05 : 0);
            EdgeTpuPipeline p = new EdgeTpuPipeline(2 + seed % 3, 1 << 20, 2e4, 5e4, model);
            double optimum = bruteForce(g, p, new int[g.size()], 0);
            EdgeTpuIpSolver.Result r = EdgeTpuIpSolver.solve(g, p, options, CompilerSegmentation.split(g, p));
            assertTrue(r.optimal(), "seed " + seed);
            assertEquals(optimum, r.times().bottleneck(), 1e-6 * optimum, "seed " + seed);
            assertTrue(r.lowerBound() <= optimum * (1 + 1e-9), "seed " + seed);
            assertTrue(org.pipeplan.edgetpu.evaluate.EdgeTpuBounds.lowerBound(g, p) <= optimum * (1 + 1e-9), "seed " + seed);
        }
    }

    @Test
    void neverWorseThanTheOrderSplitOnLargerGraphs() {
        EdgeTpuGraph g = EdgeTpuGraph.of(SyntheticDagGenerator.standard().generate(7, 120));
        EdgeTpuPipeline p = EdgeTpuPipeline.edgeTpus(4);
        EdgeTpuIpSolver.Result r = EdgeTpuIpSolver.solve(g, p, RunSettings.defaults().withTimeLimit(10).withWorkers(2), null);
        double order = EdgeTpuEvaluator.evaluate(g, p, OrderDp.split(g, p)).bottleneck();
        assertTrue(r.times().bottleneck() <= order + 1e-9);
        assertTrue(r.lowerBound() <= r.times().bottleneck() + 1e-9);
        EdgeTpuEvaluator.checkMonotone(g, p, r.stages());
    }
}
