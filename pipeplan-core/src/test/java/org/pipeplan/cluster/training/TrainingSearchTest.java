package org.pipeplan.cluster.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pipeplan.cluster.ClusterProblem;
import org.pipeplan.cluster.Collectives;
import org.pipeplan.cluster.GpuCluster;
import org.pipeplan.device.DeviceSpec;
import org.pipeplan.device.DeviceType;
import org.pipeplan.device.Topology;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.io.DeviceFileReader;
import org.pipeplan.planner.Deadline;
import org.pipeplan.planner.PlanStatus;
import org.pipeplan.transformer.TransformerGraph;
import org.pipeplan.transformer.TransformerSpec;

/**
 * The exact training search and the cost model's memory and communication formulas, on small
 * transformers worked by hand: the DP's split is the best of every split, the plans re-evaluate to
 * their value, fixed decisions are kept, and memory and collectives are the textbook figures.
 */
class TrainingSearchTest {

    private static final DeviceType A100 = DeviceFileReader.bundledCatalog().get("a100-80gb");

    static TrainingProblem problem(String spec, int gpus, int globalBatch) {
        TransformerSpec model = TransformerSpec.parse(spec);
        DeviceSpec devices = new DeviceSpec(List.of(new DeviceSpec.Group(A100, gpus)), Topology.HOST);
        PlacementProblem p = new PlacementProblem(model.name(), TransformerGraph.build(model, true, devices),
                devices.deviceSet());
        GpuCluster cluster = GpuCluster.of(A100, gpus, 8, A100.memoryBytes(), 25e9);
        return new TrainingProblem(new TrainingWorkload(new ClusterProblem(p, cluster, globalBatch)), globalBatch,
                model.seq(), TrainingFix.none(), model.text());
    }

    private static final String GPT = "gpt:layers=6,hidden=512,heads=8,seq=256,vocab=4096";

    /** Every split of n layers into k non-empty chunks. */
    private static List<int[]> splits(int n, int k) {
        List<int[]> all = new ArrayList<>();
        int[] b = new int[k + 1];
        b[k] = n;
        fill(all, b, 1, n, k);
        return all;
    }

    private static void fill(List<int[]> all, int[] b, int c, int n, int k) {
        if (c == k) {
            all.add(b.clone());
            return;
        }
        for (int x = b[c - 1] + 1; x <= n - (k - c); x++) {
            b[c] = x;
            fill(all, b, c + 1, n, k);
        }
    }

    @Test
    void theSplitDpFindsTheBestOfEverySplit() {
        bestOfEverySplit(problem(GPT, 16, 64)); // tied embeddings
        bestOfEverySplit(problem("llama:layers=6,hidden=512,heads=8,kv-heads=2,ffn=1408,seq=256,vocab=4096", 16, 64));
    }

    private static void bestOfEverySplit(TrainingProblem problem) {
        int n = problem.workload().size();
        for (int p : new int[] {2, 3, 4}) {
            for (int d : new int[] {1, 2}) {
                for (int z : d == 1 ? new int[] {0} : new int[] {0, 1}) {
                    TrainingSetup s = new TrainingSetup(2, p, d, 1, 2, PipelineSchedule.ONE_F_ONE_B, z, Recomputation.SELECTIVE,
                            true);
                    TrainingCost cost = problem.cost(s);
                    double best = Double.POSITIVE_INFINITY;
                    for (int[] split : splits(n, p)) {
                        TrainingEvaluation e = cost.evaluate(split);
                        if (e.feasible()) {
                            best = Math.min(best, e.iterationMs());
                        }
                    }
                    LayerSplitDp.Split found = LayerSplitDp.solve(cost, Double.POSITIVE_INFINITY, Deadline.none(),
                            new boolean[1]);
                    assertNotNull(found, s.toString());
                    assertEquals(best, found.iterationMs(), 1e-9 * best, s.toString());
                    assertEquals(found.iterationMs(), cost.evaluate(found.boundaries()).iterationMs(), 1e-9 * best);
                    // nothing below the optimum: with it as the incumbent the DP finds nothing
                    assertNull(LayerSplitDp.solve(cost, best, Deadline.none(), new boolean[1]));
                }
            }
        }
    }

    @Test
    void theExactPlanIsTheBestShapeAndReEvaluatesToItsValue() {
        TrainingProblem problem = problem(GPT, 8, 32);
        TrainingPlan plan = TrainingPlans.exact(problem, TrainingSpace.FULL, Deadline.none(), "parallel");
        assertEquals(PlanStatus.OPTIMAL, plan.status());
        assertEquals(plan.iterationMs(), plan.bound(), 0);
        assertEquals(plan.iterationMs(), problem.cost(plan.setup()).evaluate(plan.boundaries()).iterationMs(), 1e-9);
        // no shape of the space, each with its best split, is faster
        TrainingSearch search = new TrainingSearch(problem.workload(), 32, 256);
        for (TrainingSetup s : search.shapes(TrainingSpace.FULL, TrainingFix.none())) {
            TrainingSearch.PricedShape priced = search.price(s, Double.POSITIVE_INFINITY, Deadline.none());
            if (priced != null) {
                assertTrue(priced.evaluation().iterationMs() >= plan.iterationMs() - 1e-9, s.toString());
            }
        }
        // the baselines are never better than the full space
        TrainingPlan pipeline = TrainingPlans.exact(problem, TrainingSpace.PIPELINE, Deadline.none(), "pipeline-gpus");
        TrainingPlan data = TrainingPlans.exact(problem, TrainingSpace.DATA, Deadline.none(), "data");
        assertTrue(pipeline.iterationMs() >= plan.iterationMs() && data.iterationMs() >= plan.iterationMs());
        assertEquals(1, pipeline.setup().tensor());
        assertEquals(1, pipeline.setup().data());
        assertEquals(1, data.setup().pipeline());
    }

    @Test
    void fixedDecisionsAreKept() {
        TrainingProblem problem = problem(GPT, 8, 32).withFix(TrainingFix.parse("tp=2,pp=2,micro-batch=2,recompute=full,zero=1"));
        TrainingPlan plan = TrainingPlans.exact(problem, TrainingSpace.FULL, Deadline.none(), "parallel");
        TrainingSetup s = plan.setup();
        assertEquals(2, s.tensor());
        assertEquals(2, s.pipeline());
        assertEquals(2, s.microBatch());
        assertEquals(Recomputation.FULL, s.recomputation());
        assertEquals(1, s.zeroStage());
        TrainingPlan interleaved = TrainingPlans.exact(problem(GPT, 8, 32).withFix(TrainingFix.parse("pp=2,v=3")),
                TrainingSpace.FULL, Deadline.none(), "parallel");
        assertEquals(PipelineSchedule.INTERLEAVED, interleaved.setup().schedule());
        assertEquals(6, interleaved.boundaries().length - 1);
        // a fix nothing can satisfy: no plan, and the reason
        TrainingPlan none = TrainingPlans.exact(problem(GPT, 8, 32).withFix(TrainingFix.parse("tp=3")), TrainingSpace.FULL,
                Deadline.none(), "parallel");
        assertEquals(PlanStatus.INFEASIBLE, none.status());
        assertTrue(none.note().contains("no shape"), none.note());
    }

    @Test
    void fixParsingNamesWhatIsWrong() {
        assertEquals("tp=8,pp=16,v=2,micro-batch=1,zero=1,recompute=selective",
                TrainingFix.parse("tp=8,pp=16,v=2,mb=1,zero=1,recompute=selective").text());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TrainingFix.parse("tq=8")).getMessage()
                .contains("unknown key 'tq'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TrainingFix.parse("zero=4")).getMessage()
                .contains("zero must be 0, 1, 2 or 3"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TrainingFix.parse("recompute=some")).getMessage()
                .contains("unknown recomputation"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TrainingFix.parse("v=2,schedule=1f1b")).getMessage()
                .contains("interleaved"));
    }

    @Test
    void modelStateMemoryIsSixteenBytesAParameterShardedByZero() {
        TransformerSpec spec = TransformerSpec.parse(GPT);
        TrainingProblem problem = problem(GPT, 8, 32);
        double n = spec.parameterCount(); // one chunk: the tied embedding is held once
        int[] whole = {0, problem.workload().size()};
        for (int z = 0; z <= 3; z++) {
            TrainingSetup s = new TrainingSetup(1, 1, 4, 1, 1, PipelineSchedule.ONE_F_ONE_B, z, Recomputation.NONE, false);
            MemoryBreakdown m = problem.cost(s).evaluate(whole).ranks().get(0).memory();
            assertEquals(2 * n / (z == 3 ? 4 : 1), m.parameters(), 1e-6 * n, "zero " + z);
            assertEquals(2 * n / (z >= 2 ? 4 : 1), m.gradients(), 1e-6 * n, "zero " + z);
            assertEquals(12 * n / (z >= 1 ? 4 : 1), m.optimizerStates(), 1e-6 * n, "zero " + z);
        }
        // pipeline stages: the model state splits over them (the tied copy on the last stage), t divides the split part
        TrainingSetup pp = new TrainingSetup(1, 2, 1, 1, 1, PipelineSchedule.ONE_F_ONE_B, 0, Recomputation.NONE, false);
        TrainingEvaluation e = problem.cost(pp).evaluate(new int[] {0, 4, 8});
        double tied = (double) spec.vocab() * spec.hidden();
        double total = e.ranks().stream().mapToDouble(r -> r.memory().parameters()).sum();
        assertEquals(2 * (n + tied), total, 1e-6 * n);
    }

    @Test
    void activationsFollowTheScheduleAndRecomputation() {
        TransformerSpec spec = TransformerSpec.parse(GPT);
        TrainingProblem problem = problem(GPT, 8, 32);
        int[] split = {0, 2, 4, 6, 8};
        double s = spec.seq();
        double h = spec.hidden();
        double a = spec.heads();
        for (Recomputation r : Recomputation.values()) {
            TrainingSetup one = new TrainingSetup(1, 4, 1, 1, 1, PipelineSchedule.ONE_F_ONE_B, 0, r, false);
            TrainingEvaluation e = problem.cost(one).evaluate(split);
            // 1F1B: stage k holds p - k micro-batches; stage 1 has two transformer layers
            double perLayer = switch (r) {
                case NONE -> s * h * (34 + 5 * a * s / h);
                case SELECTIVE -> s * h * 34;
                case FULL -> 2 * s * h; // the layer's input, 16-bit
            };
            assertEquals(3, e.ranks().get(1).inFlight());
            assertEquals(3 * 2 * perLayer, e.ranks().get(1).memory().activations(), 1e-9 * perLayer, r.toString());
            TrainingSetup gpipe = new TrainingSetup(1, 4, 1, 1, 1, PipelineSchedule.GPIPE, 0, r, false);
            assertEquals(32, problem.cost(gpipe).evaluate(split).ranks().get(1).inFlight()); // all m = 32 micro-batches
        }
    }

    @Test
    void collectivesAreTheRingFormulas() {
        TransformerSpec spec = TransformerSpec.parse(GPT);
        TrainingProblem problem = problem(GPT, 8, 32);
        GpuCluster c = problem.workload().problem().cluster();
        // Megatron-LM: per transformer layer two all-reduces of the b s h activations forward (attention and MLP
        // outputs) and two backward (their input gradients); 16-bit
        double x = 2.0 * spec.seq() * spec.hidden();
        for (int i = 1; i <= spec.layers(); i++) {
            TrainingWorkload.Layer l = problem.workload().layer(i);
            assertEquals(2 * x, l.forward().stream().mapToDouble(TrainingWorkload.Op::forwardCollectiveBytes).sum(), 1e-9);
            assertEquals(2 * x, l.backward().stream().mapToDouble(TrainingWorkload.Op::backwardCollectiveBytes).sum(), 1e-9);
        }
        GpuCluster.Link nvlink = c.intraNode();
        assertEquals(2 * 3 * (nvlink.latency() + x / 4 / nvlink.bandwidth() * 1000), Collectives.allReduce(x, 4, nvlink), 1e-12);
        // data-parallel gradient all-reduce of 2 bytes a parameter (ZeRO 0), reduce-scatter and all-gather (ZeRO 1)
        int[] whole = {0, problem.workload().size()};
        double n = spec.parameterCount();
        TrainingSetup z0 = new TrainingSetup(1, 1, 8, 1, 1, PipelineSchedule.ONE_F_ONE_B, 0, Recomputation.NONE, false);
        TrainingRank r0 = problem.cost(z0).evaluate(whole).ranks().get(0);
        assertEquals(Collectives.allReduce(2 * n, 8, nvlink), r0.gradientSync(), 1e-9);
        assertEquals(0, r0.parameterGather());
        TrainingSetup z1 = new TrainingSetup(1, 1, 8, 1, 1, PipelineSchedule.ONE_F_ONE_B, 1, Recomputation.NONE, false);
        TrainingRank r1 = problem.cost(z1).evaluate(whole).ranks().get(0);
        assertEquals(Collectives.allGather(2 * n, 8, nvlink), r1.gradientSync(), 1e-9);
        assertEquals(Collectives.allGather(2 * n, 8, nvlink), r1.parameterGather(), 1e-9);
        // ZeRO 2 reduces every micro-batch's gradients in its backward pass: nothing left at the end
        TrainingSetup z2 = new TrainingSetup(1, 1, 8, 1, 1, PipelineSchedule.ONE_F_ONE_B, 2, Recomputation.NONE, false);
        TrainingEvaluation e2 = problem.cost(z2).evaluate(whole);
        assertEquals(0, e2.ranks().get(0).gradientSync());
        assertTrue(e2.stages().get(0).backward() >= problem.cost(z1).evaluate(whole).stages().get(0).backward());
    }
}
