package org.pipeplan.edgetpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.pipeplan.device.Device;
import org.pipeplan.device.DeviceSet;
import org.pipeplan.device.DeviceType;
import org.pipeplan.edgetpu.evaluate.EdgeTpuEvaluator;
import org.pipeplan.edgetpu.evaluate.StageTimes;
import org.pipeplan.graph.Edge;
import org.pipeplan.graph.Operator;
import org.pipeplan.graph.OperatorGraph;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.io.DeviceFileReader;

/** The Coral cost model (issue 22): int8 bytes, CPU fallback per segment, one shared host link. */
class CoralModelTest {

    private static final DeviceType TPU = DeviceFileReader.bundledCatalog().get("edge-tpu");

    /** A chain a -> b -> c -> d where b (an Erf) runs only on the CPU. */
    private static EdgeTpuGraph chain() {
        return new EdgeTpuGraph("chain", List.of("a", "b", "c", "d"), new double[] {1, 2, 3, 4},
                new double[] {100, 200, 300, 400}, new double[] {10, 20, 30, 40},
                List.of(new int[] {0, 1}, new int[] {1, 2}, new int[] {2, 3}),
                new boolean[] {true, false, true, true}, new double[] {5, 6, 7, 8});
    }

    private static EdgeTpuPipeline pipeline(EdgeTpuCostModel model) {
        // no cache, 100 bytes per ms for streaming, 10 bytes per ms between stages
        return new EdgeTpuPipeline(2, 0, 100, 10, model);
    }

    @Test
    void theClassicModelIgnoresFallbackAndTheHostLink() {
        StageTimes t = EdgeTpuEvaluator.evaluate(chain(), pipeline(EdgeTpuCostModel.CLASSIC), new int[] {0, 0, 1, 1});
        // stage 0: compute 1 + 2, streaming 300/100, sends c's input (20 bytes): 2 ms
        assertEquals(3 + 3 + 2, t.total(0), 1e-12);
        assertEquals(0, t.busTime());
        assertEquals(0, t.host()[0]);
    }

    @Test
    void fromTheFirstOperatorTheTpuCannotRunTheSegmentRunsOnTheHost() {
        EdgeTpuCostModel coral = new EdgeTpuCostModel("coral", 1, true, false, 0.5);
        StageTimes t = EdgeTpuEvaluator.evaluate(chain(), pipeline(coral), new int[] {0, 0, 1, 1});
        // stage 0: a on the TPU (1 ms, 100 bytes streamed: 1 ms); b on the host (6 ms, its
        // parameters stay there); a's output copied to the host at the fallback point (1 ms) and
        // b's output sent on to stage 1 (2 ms); 0.5 ms to invoke the segment
        assertEquals(1, t.compute()[0], 1e-12);
        assertEquals(6, t.host()[0], 1e-12);
        assertEquals(1, t.streaming()[0], 1e-12);
        assertEquals(1 + 2, t.transfer()[0], 1e-12);
        assertEquals(1 + 6 + 1 + 3 + 0.5, t.total(0), 1e-12);
        // stage 1: c and d on the TPU, receives b's output
        assertEquals(7, t.compute()[1], 1e-12);
        assertEquals(0, t.host()[1], 1e-12);
        // starting stage 1 at b instead puts all of stage 1 on the host
        StageTimes later = EdgeTpuEvaluator.evaluate(chain(), pipeline(coral), new int[] {0, 1, 1, 1});
        assertEquals(0, later.compute()[1], 1e-12);
        assertEquals(6 + 7 + 8, later.host()[1], 1e-12);
    }

    @Test
    void theSharedHostLinkBoundsThePipeline() {
        EdgeTpuCostModel bus = new EdgeTpuCostModel("coral", 1, false, true, 0);
        StageTimes t = EdgeTpuEvaluator.evaluate(chain(), pipeline(bus), new int[] {0, 0, 1, 1});
        // to the devices: streaming 3 + 7 ms and b's output received (2 ms); to the host: 2 ms
        assertEquals(12, t.busTime(), 1e-12);
        assertEquals(Math.max(12, Math.max(t.total(0), t.total(1))), t.bottleneck(), 1e-12);
        assertTrue(t.bottleneck() >= t.busTime());
    }

    @Test
    void coralGraphsHoldInt8BytesAndKnowWhichOperatorsFallBack() {
        List<Operator> ops = List.of(
                Operator.builder(0).name("/conv/Conv").opType("Conv").computeTime(TPU.kind(), 1).memoryBytes(400)
                        .outputBytes(80).work(1e6, 1e3).build(),
                Operator.builder(1).name("/gelu/Erf").opType("Erf").computeTime(TPU.kind(), 1).outputBytes(80)
                        .work(1e3, 1e3).build(),
                Operator.builder(2).name("/fc/MatMul").opType("MatMul").computeTime(TPU.kind(), 1).memoryBytes(40)
                        .work(1e3, 1e3).build(),
                Operator.builder(3).name("/att/MatMul").opType("MatMul").computeTime(TPU.kind(), 1).work(1e3, 1e3).build());
        List<Edge> edges = List.of(new Edge(0, 1, 0, 80), new Edge(1, 2, 0, 80), new Edge(2, 3, 0, 0));
        List<Device> tpus = List.of(new Device(0, "tpu0", TPU.kind(), TPU.memoryBytes()),
                new Device(1, "tpu1", TPU.kind(), TPU.memoryBytes()));
        PlacementProblem p = new PlacementProblem("p", OperatorGraph.of(ops, edges), new DeviceSet(tpus));
        DeviceType cpu = DeviceFileReader.bundledCatalog().get("cpu-core");
        EdgeTpuProblem coral = EdgeTpuProblem.of(p, TPU, EdgeTpuCostModel.CORAL, cpu);
        EdgeTpuGraph g = coral.graph();
        assertEquals(100, g.paramBytes(0), 1e-12); // float32 bytes / 4
        assertEquals(20, g.outputBytes(0), 1e-12);
        assertTrue(g.onTpu(0));
        assertFalse(g.onTpu(1)); // Erf: no Edge TPU operator
        assertTrue(g.onTpu(2)); // a MatMul with weights is a fully-connected layer
        assertFalse(g.onTpu(3)); // a MatMul of two activations is not
        assertEquals(2, g.hostOnlyCount());
        assertTrue(g.hostCompute(1) > 0);
        EdgeTpuProblem classic = EdgeTpuProblem.of(p, TPU);
        assertEquals(400, classic.graph().paramBytes(0), 1e-12);
        assertEquals(EdgeTpuCostModel.CLASSIC, classic.pipeline().model());
    }

    @Test
    void theOrderSplitIsExactForTheOrderUnderFallbackAndOverhead() {
        orderSplitMatchesEverySplit(new EdgeTpuCostModel("coral", 1, true, false, 0.3), 7);
    }

    @Test
    void theOrderSplitIsExactForTheOrderUnderTheSharedHostLink() {
        orderSplitMatchesEverySplit(new EdgeTpuCostModel("coral", 1, false, true, 0.2), 8);
    }

    @Test
    void theBoundHoldsUnderTheWholeCoralModel() {
        // fallback and the shared link together: the order search is a heuristic there, the bound is not
        java.util.Random random = new java.util.Random(9);
        for (int trial = 0; trial < 200; trial++) {
            int n = 3 + random.nextInt(6);
            double[] compute = new double[n];
            double[] host = new double[n];
            double[] params = new double[n];
            double[] output = new double[n];
            boolean[] onTpu = new boolean[n];
            List<String> names = new java.util.ArrayList<>();
            List<int[]> edges = new java.util.ArrayList<>();
            for (int v = 0; v < n; v++) {
                compute[v] = random.nextDouble() * 5;
                host[v] = random.nextDouble() * 10;
                params[v] = random.nextDouble() * 300;
                output[v] = random.nextDouble() * 40;
                onTpu[v] = random.nextDouble() < 0.7;
                names.add("n" + v);
                if (v > 0) {
                    edges.add(new int[] {random.nextInt(v), v});
                }
            }
            EdgeTpuGraph g = new EdgeTpuGraph("b" + trial, names, compute, params, output, edges, onTpu, host);
            EdgeTpuPipeline p = new EdgeTpuPipeline(3, 200, 100, 10, new EdgeTpuCostModel("coral", 1, true, true, 0.1));
            double best = Double.POSITIVE_INFINITY;
            int[] stage = new int[n];
            for (int code = 0; code < Math.pow(3, n); code++) { // every assignment; the monotone ones count
                int c = code;
                for (int v = 0; v < n; v++) {
                    stage[v] = c % 3;
                    c /= 3;
                }
                boolean monotone = true;
                for (int[] e : edges) {
                    monotone &= stage[e[0]] <= stage[e[1]];
                }
                if (monotone) {
                    best = Math.min(best, EdgeTpuEvaluator.evaluate(g, p, stage).bottleneck());
                }
            }
            assertTrue(org.pipeplan.edgetpu.evaluate.EdgeTpuBounds.lowerBound(g, p) <= best * (1 + 1e-9), "trial " + trial);
        }
    }

    private static void orderSplitMatchesEverySplit(EdgeTpuCostModel model, long seed) {
        java.util.Random random = new java.util.Random(seed);
        for (int trial = 0; trial < 300; trial++) {
            int n = 3 + random.nextInt(8);
            double[] compute = new double[n];
            double[] host = new double[n];
            double[] params = new double[n];
            double[] output = new double[n];
            boolean[] onTpu = new boolean[n];
            List<String> names = new java.util.ArrayList<>();
            List<int[]> edges = new java.util.ArrayList<>();
            for (int v = 0; v < n; v++) {
                compute[v] = random.nextDouble() * 5;
                host[v] = random.nextDouble() * 10;
                params[v] = random.nextDouble() * 300;
                output[v] = random.nextDouble() * 40;
                onTpu[v] = random.nextDouble() < 0.7;
                names.add("n" + v);
                for (int w = v + 1; w < n; w++) {
                    if (w == v + 1 || random.nextDouble() < 0.2) {
                        edges.add(new int[] {v, w});
                    }
                }
            }
            EdgeTpuGraph g = new EdgeTpuGraph("r" + trial, names, compute, params, output, edges, onTpu, host);
            EdgeTpuPipeline p = new EdgeTpuPipeline(3, 200, 100, 10, model);
            double best = Double.POSITIVE_INFINITY;
            for (int a = 0; a <= n; a++) {
                for (int b = a; b <= n; b++) {
                    int[] stage = new int[n];
                    for (int v = 0; v < n; v++) {
                        stage[v] = v < a ? 0 : v < b ? 1 : 2;
                    }
                    best = Math.min(best, EdgeTpuEvaluator.evaluate(g, p, stage).bottleneck());
                }
            }
            // the closed-form bound holds for every split
            assertTrue(org.pipeplan.edgetpu.evaluate.EdgeTpuBounds.lowerBound(g, p) <= best * (1 + 1e-9), "trial " + trial);
            int[] split = org.pipeplan.edgetpu.split.OrderDp.split(g, p);
            // the host-link search stops within its tolerance of the optimum
            double tolerance = org.pipeplan.edgetpu.split.OrderDp.LINK_TOLERANCE;
            assertEquals(best, EdgeTpuEvaluator.evaluate(g, p, split).bottleneck(), tolerance * Math.max(1, best) + 1e-9, "trial " + trial);
        }
    }
}
