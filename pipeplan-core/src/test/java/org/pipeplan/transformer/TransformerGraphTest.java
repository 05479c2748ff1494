package org.pipeplan.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.pipeplan.cluster.ClusterProblem;
import org.pipeplan.cluster.GpuCluster;
import org.pipeplan.cluster.training.TrainingWorkload;
import org.pipeplan.device.DeviceKind;
import org.pipeplan.device.DeviceSet;
import org.pipeplan.device.DeviceSpec;
import org.pipeplan.device.DeviceType;
import org.pipeplan.device.Topology;
import org.pipeplan.graph.Edge;
import org.pipeplan.graph.Operator;
import org.pipeplan.graph.OperatorGraph;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.graph.TensorParallelism;
import org.pipeplan.io.DeviceFileReader;

class TransformerGraphTest {

    private static final double GIB = 1L << 30;
    private static final TransformerSpec GPT3 = TransformerSpec.parse("gpt:layers=96,hidden=12288,heads=96,seq=2048,vocab=51200");
    private static final TransformerSpec LLAMA2_7B =
            TransformerSpec.parse("llama:layers=32,hidden=4096,heads=32,ffn=11008,seq=4096,vocab=32000");
    /** Grouped-query attention (LLaMA-3 8B's shape, fewer layers). */
    private static final TransformerSpec LLAMA_GQA =
            TransformerSpec.parse("llama:layers=4,hidden=4096,heads=32,kv-heads=8,ffn=14336,seq=8192,vocab=128256");
    private static final TransformerSpec SMALL_GPT = TransformerSpec.parse("gpt:layers=3,hidden=256,heads=8,seq=128,vocab=1000");
    private static final Set<String> MATRIX_PRODUCTS = Set.of("MatMul", "TiedLmHead", "AttentionScores", "AttentionContext");

    private static TrainingWorkload workload(OperatorGraph g) {
        DeviceType a100 = DeviceFileReader.bundledCatalog().get("a100-80gb");
        PlacementProblem p = new PlacementProblem("model", g, DeviceSet.acceleratorsAndCpus(8, 80 * GIB, 0));
        return new TrainingWorkload(new ClusterProblem(p, GpuCluster.of(a100, 8, 8, 80 * GIB,
                GpuCluster.DEFAULT_INTER_NODE_BANDWIDTH), 8));
    }

    private static double forwardParameters(OperatorGraph g) {
        return g.operators().stream().filter(o -> !o.isBackward()).mapToDouble(Operator::parameterCount).sum();
    }

    private static double flops(OperatorGraph g, boolean backward, boolean matrixOnly) {
        return g.operators().stream().filter(o -> o.isBackward() == backward)
                .filter(o -> !matrixOnly || MATRIX_PRODUCTS.contains(o.opType().orElseThrow().replace("Grad", "")))
                .mapToDouble(Operator::flops).sum();
    }

    @Test
    void gpt3HasItsParametersWithTheTiedCopyCountedOnce() {
        OperatorGraph g = TransformerGraph.build(GPT3, true);
        long expected = GPT3.parameterCount();
        assertEquals(174.6e9, expected, 0.05e9);
        double tiedCopy = (double) GPT3.vocab() * GPT3.hidden();
        assertEquals(expected + tiedCopy, forwardParameters(g), 0);
        TrainingWorkload w = workload(g);
        assertTrue(w.tiedEmbeddings());
        assertEquals(tiedCopy, w.tiedParameters(), 0);
        assertEquals(expected, w.parameters(), 0);
        for (Operator op : g.operators()) {
            assertEquals(op.isBackward() ? 0 : 2 * op.parameterCount(), op.memoryBytes(), 0, op.name());
        }
    }

    @Test
    void llama2HasItsParameters() {
        OperatorGraph g = TransformerGraph.build(LLAMA2_7B, true);
        assertEquals(6_738_415_616L, LLAMA2_7B.parameterCount());
        assertEquals(6_738_415_616.0, forwardParameters(g), 0);
        TrainingWorkload w = workload(g);
        assertFalse(w.tiedEmbeddings());
        assertEquals(6_738_415_616.0, w.parameters(), 0);
        assertEquals(4_096 * 32_000.0, g.operators().stream().filter(o -> o.name().equals("head.output")).findFirst()
                .orElseThrow().parameterCount(), 0);
    }

    @Test
    void gptForwardFlopsAreNarayanansClosedForm() {
        for (TransformerSpec spec : List.of(GPT3, SMALL_GPT)) {
            OperatorGraph g = TransformerGraph.build(spec, true);
            double s = spec.seq(), h = spec.hidden(), l = spec.layers(), v = spec.vocab();
            double closedForm = 24 * s * h * h * l * (1 + s / (6 * h)) + 2 * s * h * v;
            assertEquals(closedForm, flops(g, false, true), 1e-12 * closedForm);
            assertEquals(2 * closedForm, flops(g, true, true), 1e-12 * closedForm);
            // the elementwise operators add little: 0.05 % to GPT-3, 1.3 % to a model of h = 256
            double all = flops(g, false, false);
            double margin = spec == GPT3 ? 1.001 : 1.02;
            assertTrue(all > closedForm && all < margin * closedForm, all / closedForm + "");
            TrainingWorkload w = workload(g);
            double total = flops(g, false, false) + flops(g, true, false);
            assertEquals(total, w.flopsPerSample(), 1e-12 * total);
        }
    }

    @Test
    void llamaForwardFlopsAreItsMatrixProducts() {
        TransformerSpec spec = LLAMA_GQA;
        OperatorGraph g = TransformerGraph.build(spec, false);
        double s = spec.seq(), h = spec.hidden(), f = spec.ffn(), kv = spec.kvWidth(), v = spec.vocab();
        double layer = 2 * s * h * (h + 2 * kv) + 4 * s * s * h + 2 * s * h * h + 6 * s * h * f;
        double expected = spec.layers() * layer + 2 * s * h * v;
        assertEquals(expected, flops(g, false, true), 1e-12 * expected);
    }

    @Test
    void gptLayersKeepKorthikantisActivations() {
        for (TransformerSpec spec : List.of(GPT3, SMALL_GPT)) {
            TrainingWorkload w = workload(TransformerGraph.build(spec, true));
            int layers = spec.layers();
            assertEquals(layers + 2, w.size());
            double s = spec.seq(), h = spec.hidden(), a = spec.heads();
            for (int i = 1; i <= layers; i++) {
                double plain = s * h * (34 + 5 * a * s / h);
                assertEquals(plain, w.stashPerSample(i, 1), 1e-12 * plain);
                for (int t : new int[] {2, 8}) {
                    double split = s * h * (10 + 24.0 / t + 5 * a * s / (h * t));
                    assertEquals(split, w.stashPerSample(i, t), 1e-12 * split);
                }
                assertEquals(5 * a * s * s, w.attentionCoreStashPerSample(i), 0);
            }
            // the embedding keeps its dropout mask and the token ids; the head its norm's input and
            // output, the loss's 32-bit softmax and the labels
            assertEquals(s * h + 8 * s, w.stashPerSample(0, 1), 0);
            assertEquals(4 * s * h + 4 * s * spec.vocab() + 8 * s, w.stashPerSample(layers + 1, 1), 0);
            for (int i = 1; i <= layers + 1; i++) {
                assertEquals(2 * s * h, w.forwardCut(i), 0, "cut " + i);
                assertEquals(2 * s * h, w.backwardCut(i), 0, "cut " + i);
            }
        }
    }

    @Test
    void llamaLayersKeepTheirActivations() {
        for (TransformerSpec spec : List.of(LLAMA2_7B, LLAMA_GQA)) {
            TrainingWorkload w = workload(TransformerGraph.build(spec, true));
            assertEquals(spec.layers() + 2, w.size());
            double s = spec.seq(), h = spec.hidden(), a = spec.heads(), g = spec.kvHeads(), f = spec.ffn();
            for (int i = 1; i <= spec.layers(); i++) {
                for (int t : new int[] {1, 4}) {
                    double expected = s * h * (8 + (4 + 4 * g / a + 6 * f / h + 2 * a * s / h) / t);
                    assertEquals(expected, w.stashPerSample(i, t), 1e-12 * expected);
                }
                assertEquals(2 * a * s * s, w.attentionCoreStashPerSample(i), 0);
            }
        }
    }

    @Test
    void backwardMirrorsForwardAndEveryPairHasOneEdge() {
        for (TransformerSpec spec : List.of(SMALL_GPT, LLAMA_GQA)) {
            OperatorGraph g = TransformerGraph.build(spec, true);
            int n = g.size() / 2;
            assertEquals(2 * n, g.size());
            Set<Long> pairs = new HashSet<>();
            Set<Long> forward = new HashSet<>();
            Set<Long> backward = new HashSet<>();
            for (Edge e : g.edges()) {
                assertTrue(pairs.add(((long) e.source() << 32) | e.target()), "two edges " + e);
                Operator from = g.operator(e.source());
                Operator to = g.operator(e.target());
                if (!from.isBackward() && !to.isBackward()) {
                    forward.add(((long) e.source() << 32) | e.target());
                    assertTrue(e.bytes() > 0);
                } else if (from.isBackward()) {
                    backward.add(((long) (e.target() - n) << 32) | (e.source() - n));
                } else {
                    assertEquals(from.layerId(), to.layerId(), "a stash stays within its layer: " + from + " -> " + to);
                }
            }
            assertEquals(forward, backward);
            for (int i = 0; i < n; i++) {
                Operator f = g.operator(i);
                Operator b = g.operator(n + i);
                assertFalse(f.isBackward());
                assertTrue(b.isBackward());
                assertEquals(f.layerId(), b.layerId());
                assertEquals(f.colocationLabel(), b.colocationLabel());
                assertEquals(f.tensorParallelism(), b.tensorParallelism());
                assertEquals(f.opType().orElseThrow() + "Grad", b.opType().orElseThrow());
                assertTrue(f.flops() >= 0 && f.bytesMoved() > 0 && b.flops() > 0 && b.bytesMoved() > 0, f.name());
                assertTrue(f.computeTime(DeviceKind.ACCELERATOR) > 0 && b.computeTime(DeviceKind.ACCELERATOR) > 0);
                assertTrue(f.tensorParallelism() != TensorParallelism.UNSPECIFIED);
                double ratio = b.flops() / f.flops();
                if (MATRIX_PRODUCTS.contains(f.opType().get())) {
                    assertEquals(2, ratio, 1e-12, f.name());
                }
                long layer = f.layerId().orElseThrow();
                assertTrue(layer >= 0 && layer <= spec.layers() + 1);
            }
        }
    }

    @Test
    void layersHaveTheOperatorsOfTheirFamily() {
        OperatorGraph gpt = TransformerGraph.build(SMALL_GPT, false);
        assertFalse(gpt.hasBackward());
        assertEquals(List.of("Embedding", "PositionEmbedding", "Dropout"), types(gpt, 0));
        assertEquals(List.of("LayerNorm", "MatMul", "AttentionScores", "AttentionSoftmax", "AttentionDropout",
                "AttentionContext", "MatMul", "Dropout", "Add", "LayerNorm", "MatMul", "Gelu", "MatMul", "Dropout", "Add"),
                types(gpt, 2));
        assertEquals(List.of("LayerNorm", "TiedLmHead", "SoftmaxCrossEntropy"), types(gpt, 4));
        assertEquals(List.of(TensorParallelism.REPLICATED, TensorParallelism.COLUMN, TensorParallelism.SPLIT,
                TensorParallelism.SPLIT, TensorParallelism.SPLIT, TensorParallelism.SPLIT, TensorParallelism.ROW,
                TensorParallelism.REPLICATED, TensorParallelism.REPLICATED, TensorParallelism.REPLICATED,
                TensorParallelism.COLUMN, TensorParallelism.SPLIT, TensorParallelism.ROW, TensorParallelism.REPLICATED,
                TensorParallelism.REPLICATED), gpt.operators().stream().filter(o -> o.layerId().getAsLong() == 1)
                .map(Operator::tensorParallelism).toList());
        OperatorGraph llama = TransformerGraph.build(LLAMA_GQA, false);
        assertEquals(List.of("Embedding"), types(llama, 0));
        assertEquals(List.of("RMSNorm", "MatMul", "RotaryEmbedding", "AttentionScores", "AttentionSoftmax",
                "AttentionContext", "MatMul", "Add", "RMSNorm", "MatMul", "SiluMul", "MatMul", "Add"), types(llama, 1));
        assertEquals(List.of("RMSNorm", "MatMul", "SoftmaxCrossEntropy"), types(llama, 5));
        // a tied GPT may be untied, a LLaMA tied
        OperatorGraph untied = TransformerGraph.build(TransformerSpec.parse(SMALL_GPT.text().replace("tied=true", "tied=false")),
                false);
        assertEquals(List.of("LayerNorm", "MatMul", "SoftmaxCrossEntropy"), types(untied, 4));
    }

    private static List<String> types(OperatorGraph g, long layer) {
        return g.operators().stream().filter(o -> o.layerId().getAsLong() == layer).map(o -> o.opType().orElseThrow())
                .toList();
    }

    @Test
    void inferenceGraphIsTheForwardPass() {
        OperatorGraph training = TransformerGraph.build(LLAMA_GQA, true);
        OperatorGraph inference = TransformerGraph.build(LLAMA_GQA, false);
        assertEquals(training.size() / 2, inference.size());
        assertTrue(inference.operators().stream().noneMatch(Operator::isBackward));
        for (int i = 0; i < inference.size(); i++) {
            assertEquals(training.operator(i).name(), inference.operator(i).name());
            assertEquals(training.operator(i).flops(), inference.operator(i).flops());
        }
        PlacementProblem p = new PlacementProblem("llama", inference, DeviceSet.acceleratorsAndCpus(4, 80 * GIB, 0));
        ClusterProblem c = new ClusterProblem(p, new GpuCluster("gpu", 4, 4, 80 * GIB, 300e9, 25e9, 0.005, 0.01), 1);
        assertFalse(c.training());
        assertTrue(c.totalCompute() > 0);
    }

    @Test
    void devicesGetRooflineTimes() {
        DeviceType a100 = DeviceFileReader.bundledCatalog().get("a100-80gb");
        DeviceType cpu = DeviceFileReader.bundledCatalog().get("cpu-core");
        DeviceSpec devices = new DeviceSpec(List.of(new DeviceSpec.Group(a100, 8), new DeviceSpec.Group(cpu, 1)),
                Topology.ALL_TO_ALL);
        OperatorGraph g = TransformerGraph.build(SMALL_GPT, true, devices);
        for (Operator op : g.operators()) {
            assertEquals(Set.of(a100.kind(), cpu.kind()), op.allowedKinds());
            assertTrue(op.computeTime(a100.kind()) > 0 && op.computeTime(cpu.kind()) > op.computeTime(a100.kind()));
        }
    }

    @Test
    void aTrillionParameterGptBuildsQuickly() {
        TransformerSpec spec = TransformerSpec.parse("gpt:layers=128,hidden=25600,heads=160,seq=2048,vocab=51200");
        assertEquals(1.008e12, spec.parameterCount(), 0.01e12);
        TransformerGraph.build(SMALL_GPT, true); // warm up
        long start = System.nanoTime();
        OperatorGraph g = TransformerGraph.build(spec, true);
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(seconds < 1, seconds + " s");
        assertEquals(spec.parameterCount() + (double) spec.vocab() * spec.hidden(), forwardParameters(g), 0);
        assertEquals(2 * (3 + 15 * 128 + 3), g.size());
    }
}
