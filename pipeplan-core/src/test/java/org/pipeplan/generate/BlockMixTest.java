package org.pipeplan.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pipeplan.device.DeviceKind;
import org.pipeplan.device.DeviceSet;
import org.pipeplan.edgetpu.EdgeTpuCostModel;
import org.pipeplan.edgetpu.EdgeTpuGraph;
import org.pipeplan.graph.Edge;
import org.pipeplan.graph.Operator;
import org.pipeplan.graph.OperatorGraph;
import org.pipeplan.graph.PlacementProblem;

class BlockMixTest {

    private static final SyntheticDagGenerator GENERATOR = SyntheticDagGenerator.standard();

    @Test
    void theRichMixMakesEveryBlockAndMarksWhatFallsBack() {
        SyntheticDag a = GENERATOR.generate(3, 3000, BlockMix.RICH);
        SyntheticDag b = GENERATOR.generate(3, 3000, BlockMix.RICH);
        assertArrayEquals(a.compute(), b.compute());
        assertArrayEquals(a.onTpu(), b.onTpu());
        assertTrue(a.size() >= 3000);
        for (String kind : new String[] {"layernorm", "gelu", "transpose", "matmul"}) {
            assertTrue(a.nodeNames().stream().anyMatch(n -> n.startsWith(kind)), kind);
        }
        int[][] succ = a.successors();
        int[] inDegree = new int[a.size()];
        int longest = 0;
        for (int v = 0; v < a.size(); v++) {
            for (int w : succ[v]) {
                inDegree[w]++;
                longest = Math.max(longest, w - v);
            }
        }
        assertTrue(java.util.Arrays.stream(inDegree).max().orElse(0) >= 5, "dense blocks concatenate many layers");
        assertTrue(longest > 200, "decoders read one encoder memory across the graph");
        boolean[] tpu = a.onTpu();
        double[] params = a.paramBytes();
        double[] host = a.hostCompute();
        int hostOnly = 0;
        for (int v = 0; v < a.size(); v++) {
            String name = a.nodeNames().get(v);
            if (name.startsWith("layernorm") || name.startsWith("gelu") || name.startsWith("transpose") || name.startsWith("matmul")) {
                assertTrue(!tpu[v], name + " runs on the host");
            }
            if (name.startsWith("matmul")) {
                assertEquals(0, params[v], name + " multiplies two activations");
            }
            hostOnly += tpu[v] ? 0 : 1;
            assertTrue(host[v] >= 0 && Double.isFinite(host[v]));
        }
        assertEquals(hostOnly, a.hostOnlyCount());
        // a light operator in 300 falls back besides the blocks' own
        long exotic = java.util.stream.IntStream.range(0, a.size())
                .filter(v -> !tpu[v] && a.nodeNames().get(v).startsWith("light")).count();
        assertTrue(exotic > 0);
    }

    @Test
    void theStandardMixRunsEverythingOnTheEdgeTpuAndKeepsItsGraphs() {
        SyntheticDag s = GENERATOR.generate(11, 500);
        assertEquals(0, s.hostOnlyCount());
        assertEquals("synthetic-11-500", s.name());
        SyntheticDag same = GENERATOR.generate(11, 500, BlockMix.STANDARD);
        assertArrayEquals(s.compute(), same.compute());
        assertEquals(GENERATOR.generate(11, 500, BlockMix.TRANSFORMER).name(), "synthetic-11-500-transformer");
    }

    @Test
    void coralGraphsOfGeneratedDagsHoldInt8Bytes() {
        SyntheticDag d = GENERATOR.generate(5, 3000, BlockMix.DENSE_SKIPS);
        EdgeTpuGraph classic = EdgeTpuGraph.of(d);
        EdgeTpuGraph coral = EdgeTpuGraph.of(d, EdgeTpuCostModel.CORAL);
        assertEquals(classic.totalParamBytes() / 4, coral.totalParamBytes(), 1e-6 * classic.totalParamBytes());
        assertEquals(d.hostOnlyCount(), coral.hostOnlyCount());
        assertTrue(coral.hostOnlyCount() > 0);
    }

    @Test
    void mixesAreNamedAndChecked() {
        assertEquals(BlockMix.RICH, BlockMix.named("Rich"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BlockMix.named("vgg"));
        assertTrue(e.getMessage().contains("standard, rich, cnn, dense, transformer"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new BlockMix("x", java.util.Map.of(BlockMix.Block.CHAIN, 0.0), 0));
        assertThrows(IllegalArgumentException.class, () -> new BlockMix("x", java.util.Map.of(BlockMix.Block.CHAIN, 1.0), 2));
    }

    @Test
    void wideningPutsCopiesSideBySideBetweenASharedStartAndEnd() {
        List<Operator> ops = new ArrayList<>();
        for (int v = 0; v < 3; v++) {
            ops.add(Operator.builder(v).name("op" + v).opType("Conv").work(1e6 * (v + 1), 1e3)
                    .computeTime(DeviceKind.ACCELERATOR, 1.0 + v).memoryBytes(100).outputBytes(10).build());
        }
        List<Edge> edges = List.of(new Edge(0, 1, 0.1, 10), new Edge(1, 2, 0.1, 10));
        PlacementProblem p = new PlacementProblem("chain", OperatorGraph.of(ops, edges), DeviceSet.acceleratorsAndCpus(2, 1e9, 1));
        PlacementProblem w = GraphWidening.widen(p, 3);
        OperatorGraph g = w.graph();
        assertEquals(9, g.size());
        assertEquals(3 * 2 + 2 * 2, g.edgeCount()); // each copy's chain, and per extra copy a start and an end edge
        assertEquals("chain-w3", w.name());
        int sinks = 0;
        int sources = 0;
        for (int v = 0; v < g.size(); v++) {
            sinks += g.outDegree(v) == 0 ? 1 : 0;
            sources += g.inDegree(v) == 0 ? 1 : 0;
            assertEquals(ops.get(v % 3).flops(), g.operator(v).flops(), "copies keep their work");
        }
        assertEquals(1, sinks);
        assertEquals(1, sources);
        assertEquals(3 * 2, GraphTiling.tile(p, 2).graph().operators().stream().mapToDouble(Operator::flops).sum() / 2e6, 1e-9);
        assertThrows(IllegalArgumentException.class, () -> GraphWidening.widen(p, 0));
    }
}
