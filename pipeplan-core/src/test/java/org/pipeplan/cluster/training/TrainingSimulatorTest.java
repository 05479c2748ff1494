package org.pipeplan.cluster.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.pipeplan.cluster.Collectives;

/**
 * The discrete-event simulation of a training iteration against the closed forms of
 * {@link TrainingCost} (docs/training.md, "Iteration time" and "Memory of a GPU").
 */
class TrainingSimulatorTest {

    private static final int LAYERS = 16;

    private static final TrainingWorkload PLAIN = TrainingTestModels.workload(TrainingTestModels.Chain.transformerLike(LAYERS, false), true);
    private static final TrainingWorkload TIED = TrainingTestModels.workload(TrainingTestModels.Chain.transformerLike(LAYERS, true), true);

    /** How the layers are cut into chunks. */
    enum SplitKind {
        /** The same number of layers in every chunk. */
        UNIFORM,
        /** One layer more in the first chunk, one fewer in the last. */
        FIRST_HEAVY,
        /** One layer fewer in the first chunk, one more in the last (as for an embedding and a head). */
        FIRST_LIGHT,
        /** Random chunk sizes. */
        RANDOM
    }

    record Case(TrainingWorkload workload, TrainingSetup setup, int microBatches, SplitKind kind, int[] boundaries) {

        TrainingCost cost() {
            return new TrainingCost(workload, setup, microBatches * setup.microBatch() * setup.data(), 1);
        }

        @Override
        public String toString() {
            return setup + " m=" + microBatches + (workload.tiedEmbeddings() ? " tied" : "") + " split="
                    + Arrays.toString(boundaries);
        }
    }

    static int[] split(int layers, int chunks, SplitKind kind, long seed) {
        int[] b = new int[chunks + 1];
        for (int c = 0; c <= chunks; c++) {
            b[c] = c * layers / chunks;
        }
        switch (kind) {
            case UNIFORM -> {
            }
            case FIRST_HEAVY -> {
                for (int c = 1; c < chunks; c++) {
                    b[c]++;
                }
            }
            case FIRST_LIGHT -> {
                for (int c = 1; c < chunks; c++) {
                    b[c]--;
                }
            }
            case RANDOM -> {
                List<Integer> cuts = new ArrayList<>();
                for (int i = 1; i < layers; i++) {
                    cuts.add(i);
                }
                Collections.shuffle(cuts, new Random(seed));
                List<Integer> chosen = new ArrayList<>(cuts.subList(0, chunks - 1));
                Collections.sort(chosen);
                for (int c = 1; c < chunks; c++) {
                    b[c] = chosen.get(c - 1);
                }
            }
            default -> throw new IllegalArgumentException();
        }
        for (int c = 0; c < chunks; c++) {
            if (b[c + 1] <= b[c]) {
                return null; // a chunk without layers: not a split
            }
        }
        return b;
    }

    /**
     * The grid: p in 1, 2, 4; v = 2 for the interleaved schedule; m in p, 2p, 3p, 4p (and p + 1 but
     * interleaved); d in 1, 2, 4; t in 1, 2 (with sequence parallelism but under selective
     * recomputation); ZeRO 0, 1, 3; every recomputation; micro-batches of 2 samples with d = 2 but
     * under ZeRO-1, of 1 otherwise; tied embeddings or not; the given split kinds.
     */
    static List<Case> grid(List<PipelineSchedule> schedules, List<SplitKind> kinds) {
        List<Case> cases = new ArrayList<>();
        long seed = 1;
        for (TrainingWorkload w : List.of(PLAIN, TIED)) {
            for (PipelineSchedule schedule : schedules) {
                int v = schedule == PipelineSchedule.INTERLEAVED ? 2 : 1;
                for (int p : new int[] {1, 2, 4}) {
                    if (schedule == PipelineSchedule.INTERLEAVED && p == 1) {
                        continue;
                    }
                    List<Integer> ms = new ArrayList<>(List.of(p, 2 * p, 3 * p, 4 * p));
                    if (schedule != PipelineSchedule.INTERLEAVED && p > 1) {
                        ms.add(p + 1);
                    }
                    for (int m : ms) {
                        for (int d : new int[] {1, 2, 4}) {
                            for (int t : new int[] {1, 2}) {
                                for (int z : new int[] {0, 1, 3}) {
                                    for (Recomputation rec : Recomputation.values()) {
                                        // some with sequence parallelism, some with micro-batches of 2 samples
                                        boolean sp = t > 1 && rec != Recomputation.SELECTIVE;
                                        int b = d == 2 && z != 1 ? 2 : 1;
                                        TrainingSetup s = new TrainingSetup(t, p, d, v, b, schedule, z, rec, sp);
                                        for (SplitKind kind : kinds) {
                                            int[] bounds = split(LAYERS, s.chunks(), kind, seed++);
                                            if (bounds != null && (kind == SplitKind.UNIFORM || s.chunks() > 1)) {
                                                cases.add(new Case(w, s, m, kind, bounds));
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return cases;
    }

    private static double relative(double a, double b) {
        return Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
    }

    // ------------------------------------------------------------------ (1) uniform stages

    @Test
    void uniformStagesTakeTheTextbookTime() {
        // no transfers (nothing crosses a cut), no data parallelism, no optimizer step (no GPU type):
        // the iteration is the pipeline alone
        TrainingWorkload w = TrainingTestModels.workload(TrainingTestModels.Chain.uniform(LAYERS, 0), false);
        for (PipelineSchedule schedule : PipelineSchedule.values()) {
            for (int p : new int[] {1, 2, 4, 8}) {
                for (int v : schedule == PipelineSchedule.INTERLEAVED ? new int[] {2, 4} : new int[] {1}) {
                    if (schedule == PipelineSchedule.INTERLEAVED && p == 1 || p * v > LAYERS) {
                        continue;
                    }
                    for (int m = p; m <= 4 * p; m++) {
                        if (schedule == PipelineSchedule.INTERLEAVED && m % p != 0) {
                            continue;
                        }
                        for (Recomputation rec : List.of(Recomputation.NONE, Recomputation.FULL)) {
                            TrainingSetup s = new TrainingSetup(1, p, 1, v, 1, schedule, 0, rec, false);
                            TrainingCost cost = new TrainingCost(w, s, m, 1);
                            int[] b = split(LAYERS, s.chunks(), SplitKind.UNIFORM, 0);
                            // per GPU and micro-batch: 1 ms forward and 2 ms backward a layer (plus 1 ms
                            // of forward again with full recomputation)
                            double f = (double) LAYERS / p;
                            double bwd = (rec == Recomputation.FULL ? 3.0 : 2.0) * LAYERS / p;
                            double expected = schedule == PipelineSchedule.INTERLEAVED
                                    ? (m + (p - 1.0) / v) * (f + bwd) : (m + p - 1.0) * (f + bwd);
                            TrainingSimulation sim = TrainingSimulator.simulate(cost, b);
                            TrainingEvaluation e = cost.evaluate(b);
                            String what = s + " m=" + m;
                            assertEquals(expected, sim.iterationMs(), 1e-9 * expected, what);
                            assertEquals(e.iterationMs(), sim.iterationMs(), 1e-9 * expected, what);
                            assertEquals(e.pipelineMs(), sim.pipelineMs(), 1e-9 * expected, what);
                        }
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ (2) the grid

    @Test
    void simulationAgreesWithTheModelOverTheGrid() {
        List<Case> cases = new ArrayList<>();
        cases.addAll(grid(List.of(PipelineSchedule.values()), List.of(SplitKind.UNIFORM, SplitKind.FIRST_LIGHT)));
        cases.addAll(grid(List.of(PipelineSchedule.GPIPE), List.of(SplitKind.FIRST_HEAVY, SplitKind.RANDOM)));
        List<String> off = new ArrayList<>();
        double worst = 0;
        for (Case c : cases) {
            TrainingCost cost = c.cost();
            TrainingEvaluation e = cost.evaluate(c.boundaries());
            TrainingSimulation sim = TrainingSimulator.simulate(cost, c.boundaries());
            double deviation = relative(sim.iterationMs(), e.iterationMs());
            worst = Math.max(worst, deviation);
            if (deviation > 0.05) {
                off.add(String.format(Locale.ROOT, "%s: model %.3f ms, simulated %.3f ms", c, e.iterationMs(), sim.iterationMs()));
            }
        }
        assertTrue(cases.size() > 5000, cases.size() + " cases");
        assertTrue(off.isEmpty(), off.size() + " of " + cases.size() + " cases off by more than 5%:\n"
                + String.join("\n", off.subList(0, Math.min(20, off.size()))));
    }

    /**
     * Splits whose bottleneck is not the last rank, under 1F1B and the interleaved schedule: the
     * closed forms are off there (see {@link #oneFOneBClosedFormIsAnUpperBoundOfUnbalancedStages} and
     * {@link #interleavedClosedFormMissesUnbalancedChunks}); enable once TrainingCost.pipelineTime
     * prices unbalanced stages and chunks as the schedules run them.
     */
    @Test
    @Disabled("TrainingCost.pipelineTime: 1F1B over-prices stages heavier than the last by up to 22% (m = p; 6% at "
            + "m = 4p), the interleaved form misprices unbalanced chunks by -13% to +35%; to be enabled with corrected "
            + "formulas")
    void unbalancedSplitsAgreeWithTheModel() {
        List<String> off = new ArrayList<>();
        List<Case> cases = grid(List.of(PipelineSchedule.ONE_F_ONE_B, PipelineSchedule.INTERLEAVED),
                List.of(SplitKind.FIRST_HEAVY, SplitKind.RANDOM));
        for (Case c : cases) {
            TrainingCost cost = c.cost();
            TrainingEvaluation e = cost.evaluate(c.boundaries());
            TrainingSimulation sim = TrainingSimulator.simulate(cost, c.boundaries());
            if (relative(sim.iterationMs(), e.iterationMs()) > 0.05) {
                off.add(String.format(Locale.ROOT, "%s: model %.3f ms, simulated %.3f ms", c, e.iterationMs(), sim.iterationMs()));
            }
        }
        assertTrue(off.isEmpty(), off.size() + " of " + cases.size() + " cases off by more than 5%:\n"
                + String.join("\n", off.subList(0, Math.min(20, off.size()))));
    }

    /**
     * 1F1B over stages of different times: the model's {@code (m - 1) max_s (f_s + b_s) + sum_s (f_s + b_s)}
     * is never below the simulated pipeline, and the time of the schedule's critical paths through one
     * bottleneck rank, {@code max_s [sum_{s'<s} (f + b) + m (f_s + b_s) + max(0, sum_{s'>s} (f + b) - w_s f_s)]}
     * with {@code w_s = min(p - s - 1, m)} warm-up forwards, never above it (the model counts the
     * bottleneck's warm-up forwards on top of the round trip of the stages after it, which they overlap).
     * Where the last stage is the bottleneck, both are the simulated time.
     */
    @Test
    void oneFOneBClosedFormIsAnUpperBoundOfUnbalancedStages() {
        for (Case c : grid(List.of(PipelineSchedule.ONE_F_ONE_B), List.of(SplitKind.values()))) {
            TrainingCost cost = c.cost();
            TrainingEvaluation e = cost.evaluate(c.boundaries());
            TrainingSimulation sim = TrainingSimulator.simulate(cost, c.boundaries());
            double paths = oneFOneBCriticalPaths(e.stages(), c.microBatches());
            double simulated = sim.pipelineMs();
            assertTrue(e.pipelineMs() >= simulated * (1 - 1e-12), c + ": model " + e.pipelineMs() + " < " + simulated);
            assertTrue(paths <= simulated * (1 + 1e-12), c + ": paths " + paths + " > " + simulated);
            int p = c.setup().pipeline();
            double last = e.stages().get(p - 1).forward() + e.stages().get(p - 1).backward();
            if (e.stages().stream().allMatch(s -> s.forward() + s.backward() <= last)) {
                assertEquals(simulated, e.pipelineMs(), 1e-9 * simulated, c.toString());
                assertEquals(simulated, paths, 1e-9 * simulated, c.toString());
            }
        }
    }

    /** The time of the 1F1B critical paths through one bottleneck rank each (a lower bound of the schedule). */
    static double oneFOneBCriticalPaths(List<TrainingStage> stages, int m) {
        int p = stages.size();
        double best = 0;
        for (int s = 0; s < p; s++) {
            double before = 0;
            double after = 0;
            for (int q = 0; q < p; q++) {
                double time = stages.get(q).forward() + stages.get(q).backward();
                if (q < s) {
                    before += time;
                } else if (q > s) {
                    after += time;
                }
            }
            TrainingStage stage = stages.get(s);
            int warmup = Math.min(p - s - 1, m);
            best = Math.max(best, before + m * (stage.forward() + stage.backward())
                    + Math.max(0, after - warmup * stage.forward()));
        }
        return best;
    }

    /**
     * The interleaved schedule over chunks of different times: the ranks run their chunks in lockstep
     * groups of p micro-batches, so a slow chunk holds up its neighbours even where the rank's chunks
     * sum to the same time; the model, which sums them first, misses it.
     */
    @Test
    void interleavedClosedFormMissesUnbalancedChunks() {
        // 2 ranks of 2 chunks: 6 + 2 layers on rank 0 (chunks 0 and 2), 2 + 6 on rank 1 (chunks 1 and 3)
        // balance the ranks exactly, as 4 + 4 and 4 + 4 do
        TrainingWorkload w = TrainingTestModels.workload(TrainingTestModels.Chain.uniform(LAYERS, 0), false);
        TrainingSetup s = new TrainingSetup(1, 2, 1, 2, 1, PipelineSchedule.INTERLEAVED, 0, Recomputation.NONE, false);
        int[] unbalanced = {0, 6, 8, 10, 16};
        int[] balanced = {0, 4, 8, 12, 16};
        double excess = Double.NaN;
        for (int m : new int[] {4, 8, 16}) {
            TrainingCost cost = new TrainingCost(w, s, m, 1);
            double model = cost.evaluate(unbalanced).pipelineMs();
            double even = TrainingSimulator.simulate(cost, balanced).pipelineMs();
            double uneven = TrainingSimulator.simulate(cost, unbalanced).pipelineMs();
            assertEquals(cost.evaluate(balanced).pipelineMs(), model, 1e-9 * model, "the model prices both splits alike");
            assertEquals(model, even, 1e-9 * model, "and the balanced one right");
            if (m == 4) {
                assertTrue(uneven > 1.15 * even, "simulated " + uneven + " vs " + even);
                excess = uneven - even;
            }
            // the ranks keep their rate (m (F_r + B_r) is the same); the fill and drain take longer
            assertEquals(excess, uneven - even, 1e-9 * uneven, "m = " + m);
        }
    }

    // ------------------------------------------------------------------ (3) memory

    @Test
    void peakInFlightIsTheModels() {
        for (Case c : grid(List.of(PipelineSchedule.values()), List.of(SplitKind.UNIFORM, SplitKind.RANDOM))) {
            if (c.setup().data() > 1 || c.setup().zeroStage() > 0 || c.workload().tiedEmbeddings()) {
                continue; // the schedule alone decides it
            }
            TrainingCost cost = c.cost();
            TrainingSimulation sim = TrainingSimulator.simulate(cost, c.boundaries());
            TrainingEvaluation e = cost.evaluate(c.boundaries());
            for (int r = 0; r < c.setup().pipeline(); r++) {
                assertEquals(cost.inFlight(r), sim.rank(r).peakInFlight(), 0, c + " rank " + r);
                assertEquals(e.ranks().get(r).inFlight(), sim.rank(r).peakInFlight(), 0, c + " rank " + r);
            }
        }
    }

    @Test
    void peakActivationsAreTheModelsAndBoundedByItInterleaved() {
        for (Case c : grid(List.of(PipelineSchedule.values()), List.of(SplitKind.UNIFORM, SplitKind.RANDOM))) {
            if (c.setup().data() > 1 || c.setup().zeroStage() > 0 || c.workload().tiedEmbeddings()) {
                continue;
            }
            TrainingCost cost = c.cost();
            TrainingSimulation sim = TrainingSimulator.simulate(cost, c.boundaries());
            TrainingEvaluation e = cost.evaluate(c.boundaries());
            for (int r = 0; r < c.setup().pipeline(); r++) {
                double model = e.ranks().get(r).memory().activations();
                double simulated = sim.rank(r).peakActivationBytes();
                if (c.setup().schedule() == PipelineSchedule.INTERLEAVED) {
                    // the model charges every chunk micro-batch in flight at the largest chunk's stash
                    assertTrue(simulated <= model * (1 + 1e-12), c + " rank " + r + ": " + simulated + " > " + model);
                } else {
                    assertEquals(model, simulated, 1e-9 * model, c + " rank " + r);
                }
            }
        }
    }

    // ------------------------------------------------------------------ the trace

    @Test
    void traceRunsTheScheduleWithItsDependencies() {
        for (Case c : grid(List.of(PipelineSchedule.values()), List.of(SplitKind.RANDOM))) {
            if (c.setup().tensor() > 1 || c.setup().zeroStage() == 1 || c.setup().recomputation() == Recomputation.SELECTIVE) {
                continue;
            }
            TrainingCost cost = c.cost();
            TrainingSimulation sim = TrainingSimulator.simulate(cost, c.boundaries(), true);
            TrainingEvaluation e = cost.evaluate(c.boundaries());
            int p = c.setup().pipeline();
            int chunks = c.setup().chunks();
            int m = c.microBatches();
            double[][] fStart = new double[chunks][m];
            double[][] fEnd = new double[chunks][m];
            double[][] bStart = new double[chunks][m];
            double[][] bEnd = new double[chunks][m];
            double[] free = new double[p];
            double[] busy = new double[p];
            List<List<PipelineOrder.Step>> ran = new ArrayList<>();
            for (int r = 0; r < p; r++) {
                ran.add(new ArrayList<>());
            }
            for (TrainingSimulation.Event ev : sim.trace()) {
                if (ev.kind() != TrainingSimulation.Kind.FORWARD && ev.kind() != TrainingSimulation.Kind.BACKWARD) {
                    continue;
                }
                boolean forward = ev.kind() == TrainingSimulation.Kind.FORWARD;
                int r = ev.rank();
                assertEquals(ev.chunk() % p, r, c.toString());
                assertTrue(ev.startMs() >= free[r] - 1e-9, c + ": rank " + r + " runs two passes at once");
                free[r] = ev.endMs();
                busy[r] += ev.endMs() - ev.startMs();
                TrainingStage stage = e.stages().get(ev.chunk());
                // every pass takes the model's time of its chunk
                assertEquals(forward ? stage.forward() : stage.backward(), ev.endMs() - ev.startMs(), 1e-9, c.toString());
                (forward ? fStart : bStart)[ev.chunk()][ev.microBatch()] = ev.startMs();
                (forward ? fEnd : bEnd)[ev.chunk()][ev.microBatch()] = ev.endMs();
                ran.get(r).add(new PipelineOrder.Step(forward, ev.chunk(), ev.microBatch()));
            }
            for (int r = 0; r < p; r++) {
                assertEquals(PipelineOrder.of(c.setup().schedule(), p, c.setup().virtualStages(), m, r), ran.get(r), c.toString());
                assertEquals(busy[r], sim.rank(r).busyMs(), 1e-9 * busy[r], c.toString());
                double work = 0;
                for (TrainingStage s : e.stages()) {
                    if (s.rank() == r) {
                        work += m * (s.forward() + s.backward());
                    }
                }
                assertEquals(work, sim.rank(r).busyMs(), 1e-9 * work, c.toString());
                assertTrue(sim.rank(r).optimizerStepEndMs() >= Math.max(sim.rank(r).gradientSyncEndMs(),
                        sim.rank(r).backwardEndMs()), c.toString());
                assertTrue(sim.iterationMs() >= sim.rank(r).optimizerStepEndMs(), c.toString());
            }
            for (int ch = 0; ch < chunks; ch++) {
                for (int i = 0; i < m; i++) {
                    if (ch > 0) {
                        assertTrue(fStart[ch][i] >= fEnd[ch - 1][i] - 1e-9, c + ": forward before its input");
                    }
                    assertTrue(bStart[ch][i] >= fEnd[ch][i] - 1e-9, c + ": backward before its forward");
                    if (ch + 1 < chunks) {
                        assertTrue(bStart[ch][i] >= bEnd[ch + 1][i] - 1e-9, c + ": backward before its gradient");
                    }
                }
            }
        }
    }

    @Test
    void gradientSyncFollowsTheLayersOfTheLastBackwardPass() {
        TrainingSetup s = new TrainingSetup(1, 2, 4, 1, 1, PipelineSchedule.ONE_F_ONE_B, 0, Recomputation.NONE, false);
        TrainingCost cost = new TrainingCost(PLAIN, s, 4 * 4, 1);
        int[] b = {0, 8, 16};
        TrainingSimulation sim = TrainingSimulator.simulate(cost, b, true);
        TrainingEvaluation e = cost.evaluate(b);
        for (int r = 0; r < 2; r++) {
            double lastBackwardStart = Double.NaN;
            for (TrainingSimulation.Event ev : sim.trace()) {
                if (ev.kind() == TrainingSimulation.Kind.BACKWARD && ev.rank() == r && ev.microBatch() == 3) {
                    lastBackwardStart = ev.startMs();
                }
            }
            double previousEnd = 0;
            int previousLayer = Integer.MAX_VALUE;
            double total = 0;
            for (TrainingSimulation.Event ev : sim.trace()) {
                if (ev.kind() != TrainingSimulation.Kind.GRADIENT_SYNC || ev.rank() != r) {
                    continue;
                }
                assertTrue(ev.startMs() > lastBackwardStart, "a layer's reduction before its last backward pass");
                assertTrue(ev.startMs() >= previousEnd - 1e-9);
                assertTrue(ev.layer() < previousLayer, "layers in backward order");
                previousEnd = ev.endMs();
                previousLayer = ev.layer();
                total += ev.endMs() - ev.startMs();
            }
            // the layers' shares and the ring's latency after the last add up to the rank's all-reduce
            assertEquals(e.ranks().get(r).gradientSync(), total + cost.syncLatency(r), 1e-9 * total);
            assertEquals(previousEnd + cost.syncLatency(r), sim.rank(r).gradientSyncEndMs(), 1e-9);
            // the reduction hides behind the backward pass but for (about) the last layer's share
            assertTrue(sim.rank(r).gradientSyncEndMs() - sim.rank(r).backwardEndMs() < total / 4);
        }
    }

    @Test
    void tiedEmbeddingsAllReduceOnceBothEndsAreDone() {
        TrainingSetup s = new TrainingSetup(1, 4, 2, 1, 1, PipelineSchedule.ONE_F_ONE_B, 0, Recomputation.NONE, false);
        TrainingCost cost = new TrainingCost(TIED, s, 8 * 2, 1);
        int[] b = {0, 4, 8, 12, 16};
        TrainingSimulation sim = TrainingSimulator.simulate(cost, b, true);
        double tied = Collectives.allReduce(2 * TIED.tiedParameters(), 2, cost.pipelineLink(0, 3));
        List<TrainingSimulation.Event> events = sim.trace().stream().filter(ev -> ev.kind() == TrainingSimulation.Kind.TIED_SYNC)
                .toList();
        assertEquals(2, events.size());
        for (TrainingSimulation.Event ev : events) {
            assertEquals(tied, ev.endMs() - ev.startMs(), 1e-12);
            assertEquals(sim.rank(0).gradientSyncEndMs(), ev.endMs(), 1e-12);
            assertEquals(sim.rank(3).gradientSyncEndMs(), ev.endMs(), 1e-12);
            // after the first rank's last backward pass and data-parallel reduction
            assertTrue(ev.startMs() >= sim.rank(0).backwardEndMs());
        }
        TrainingEvaluation e = cost.evaluate(b);
        assertEquals(e.iterationMs(), sim.iterationMs(), 0.005 * e.iterationMs());
        assertTrue(sim.iterationMs() <= e.iterationMs() * (1 + 1e-12));
    }

    // ------------------------------------------------------------------ the orders

    @Test
    void ordersAreTheRuntimes() {
        // 1F1B, 4 ranks, 6 micro-batches: rank 1 warms up with 2 forwards
        assertEquals("F0 F1 F2 B0 F3 B1 F4 B2 F5 B3 B4 B5", text(PipelineOrder.of(PipelineSchedule.ONE_F_ONE_B, 4, 1, 6, 1)));
        assertEquals("F0 B0 F1 B1 F2 B2", text(PipelineOrder.of(PipelineSchedule.ONE_F_ONE_B, 4, 1, 3, 3)));
        assertEquals("F0 F1 F2 B0 B1 B2", text(PipelineOrder.of(PipelineSchedule.GPIPE, 4, 1, 3, 2)));
        // interleaved, 2 ranks of 2 chunks, 4 micro-batches: rank 0 (chunks 0 and 2) warms up with
        // 2 (p - 1) + (v - 1) p = 4 chunk steps: micro-batches 0, 1 on chunk 0, then 0, 1 on chunk 2
        assertEquals("F0.0 F0.1 F2.0 F2.1 F0.2 B2.0 F0.3 B2.1 F2.2 B0.0 F2.3 B0.1 B2.2 B2.3 B0.2 B0.3",
                chunkText(PipelineOrder.of(PipelineSchedule.INTERLEAVED, 2, 2, 4, 0)));
        // rank 1 (chunks 1 and 3): 2 warm-up steps
        assertEquals("F1.0 F1.1 F3.0 B3.0 F3.1 B3.1 F1.2 B1.0 F1.3 B1.1 F3.2 B3.2 F3.3 B3.3 B1.2 B1.3",
                chunkText(PipelineOrder.of(PipelineSchedule.INTERLEAVED, 2, 2, 4, 1)));
        assertThrows(IllegalArgumentException.class, () -> PipelineOrder.of(PipelineSchedule.INTERLEAVED, 2, 2, 3, 0));
    }

    private static String text(List<PipelineOrder.Step> steps) {
        return String.join(" ", steps.stream().map(s -> (s.forward() ? "F" : "B") + s.microBatch()).toList());
    }

    private static String chunkText(List<PipelineOrder.Step> steps) {
        return String.join(" ", steps.stream().map(s -> (s.forward() ? "F" : "B") + s.chunk() + "." + s.microBatch()).toList());
    }
}
