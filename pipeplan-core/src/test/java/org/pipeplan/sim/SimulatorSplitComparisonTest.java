package org.pipeplan.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.pipeplan.device.DeviceSet;
import org.pipeplan.generate.SyntheticProblems;
import org.pipeplan.graph.OperatorGraph;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.io.PlacementJsonReader;
import org.pipeplan.placement.Placement;
import org.pipeplan.placement.PlacementOptions;
import org.pipeplan.placement.PlacementSolvers;
import org.pipeplan.placement.format.PlanFileReader;
import org.pipeplan.testing.TestData;
import org.pipeplan.testing.TestGraphs;

/**
 * TEMPORARY: runs the split simulator and the legacy copy on many cases and asserts that every
 * field of every result is exactly equal. Delete together with {@link LegacySimulatorForComparison}.
 */
class SimulatorSplitComparisonTest {

    private int cases;
    private int thrown;
    private int cut;
    private int noted;
    private final Map<String, Integer> perSource = new LinkedHashMap<>();
    private final Map<String, Integer> exceptions = new LinkedHashMap<>();

    @Test
    void theSplitSimulatorMatchesTheLegacyOneExactly() throws Exception {
        boolean quick = Boolean.getBoolean("comparison.quick");
        // repository fixtures
        for (String name : List.of("LayerGraphs/bert24_inference", "LayerGraphs/bert24_training",
                "LayerGraphs/resnet50_inference", "LayerGraphs/resnet50_training", "LayerGraphs/gnmt_inference")) {
            PlacementProblem p = PlacementJsonReader.read(TestData.fixture(name + ".json"));
            withSolverPlans("fixture " + name, p, quick);
        }
        Path expertDir = TestData.fixture("human-experts/bert24_inference_expert.json").getParent();
        PlacementProblem bert = PlacementJsonReader.read(TestData.fixture("LayerGraphs/bert24_inference.json"));
        compareAll("fixture expert bert24", bert, PlanFileReader.read(expertDir.resolve("bert24_inference_expert.json"), bert), quick);

        // the shared instances
        Path shared = TestData.projectRoot().resolve("../shared/datasets/placement-json").normalize();
        assertTrue(Files.isDirectory(shared), "shared datasets at " + shared);
        List<Path> files;
        try (var walk = Files.walk(shared)) {
            files = walk.filter(f -> f.toString().endsWith(".json") && !f.toString().contains("human-experts")).sorted().toList();
        }
        for (Path f : files) {
            PlacementProblem p = PlacementJsonReader.read(f);
            String name = "shared " + shared.relativize(f);
            withSolverPlans(name, p, quick || p.graph().size() > 700);
        }
        for (String[] expert : new String[][] {{"bert24_inference", "bert24_inference"}, {"bert24_training", "bert24_training"},
            {"gnmt_training", "gnmt_training"}, {"gnmt_inference", "gnmt_inference"}, {"resnet50_inference", "resnet50_inference"},
            {"inceptionv3_inference", "inceptionv3_inference"}}) {
            PlacementProblem p = PlacementJsonReader.read(shared.resolve("LayerGraphs/" + expert[1] + ".json"));
            Placement plan = PlanFileReader.read(shared.resolve("human-experts/" + expert[0] + "_expert.json"), p);
            compareAll("shared expert " + expert[0], p, plan, quick);
        }

        // generated graphs
        for (long seed = 1; seed <= 4; seed++) {
            PlacementProblem p = SyntheticProblems.generate(seed, 40 + 30 * (int) seed, 2 + (int) seed % 3);
            withSolverPlans("synthetic " + seed, p, quick);
        }
        Random random = new Random(5);
        for (int trial = 0; trial < 24; trial++) {
            boolean training = trial % 2 == 0;
            PlacementProblem p = TestGraphs.random(random, 6 + random.nextInt(14), training, 2 + random.nextInt(3),
                    1 + random.nextInt(2), trial % 3 == 0 ? 8 : 1e9);
            if (trial % 4 == 1) {
                p = TestGraphs.heterogeneous(random, p, 1 + random.nextInt(2), 1e9);
            }
            compareAll("random " + trial, p, PipelineSimulatorTest.randomPlacement(p, random), quick);
            if (trial % 3 == 0) {
                withSolverPlans("random " + trial, p, quick);
            }
        }

        // 1F1B on random non-contiguous plans with replicas: the few that stall and relax their limits
        Random stalls = new Random(5);
        java.util.Set<Integer> stalling = java.util.Set.of(3037, 11660, 12219);
        for (int trial = 0; trial < 15000; trial++) {
            PlacementProblem p = TestGraphs.random(stalls, 8 + stalls.nextInt(25), true, 3 + stalls.nextInt(4), 1, 1e9);
            Placement plan = stalls.nextBoolean() ? perNode(p, stalls) : PipelineSimulatorTest.randomPlacement(p, stalls);
            int m = 2 + stalls.nextInt(31);
            SimulationOptions o = SimulationOptions.defaults(Schedule.ONE_F_ONE_B).withMicroBatches(m).withMiniBatches(2)
                    .withReplicas(stalls.nextInt(3) > 0 ? null : replicas(p, stalls)).withSharedLink(stalls.nextInt(4) == 0)
                    .withOverlapTransfers(stalls.nextBoolean());
            if (stalling.contains(trial)) {
                compare("stall " + trial, p, plan, o);
                compare("stall " + trial, p, plan, o.withMiniBatches(3).withLinkLatency(0.1));
                compare("stall " + trial, p, plan, o.withSchedule(Schedule.GPIPE));
                compare("stall " + trial, p, plan, o.withSchedule(Schedule.STREAMING));
            } else if (trial % 200 == 0) {
                compare("stall-search " + trial, p, plan, o);
            }
        }
        assertTrue(noted >= 3, "the 1F1B relaxation was exercised: " + noted);

        // refused inputs: the same exceptions and messages
        OperatorGraph g = new TestGraphs().node(1, 1, 1, 0, false, null, false).node(2, 1, 1).edge(1, 2).build();
        PlacementProblem tiny = new PlacementProblem("x", g, DeviceSet.acceleratorsAndCpus(1, 1e9, 1));
        compare("refused: cannot run", tiny, new Placement(new int[] {0, 1}, 2), SimulationOptions.defaults(Schedule.STREAMING));
        compare("refused: node count", tiny, new Placement(new int[] {0, 1, 1}, 2), SimulationOptions.defaults(Schedule.GPIPE));
        compare("refused: replicas", tiny, new Placement(new int[] {1, 1}, 2),
                SimulationOptions.defaults(Schedule.ONE_F_ONE_B).withReplicas(new int[] {1, 1, 1}));

        String summary = cases + " cases compared, all identical; " + thrown + " threw (same exception), "
                + cut + " with a cut trace, " + noted + " with a note; per source: " + perSource + "; exceptions: " + exceptions;
        System.out.println(summary);
        Path out = TestData.projectRoot().resolve("pipeplan-core/target/split-comparison.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, summary + "\n");
    }

    private static int[] replicas(PlacementProblem p, Random r) {
        int[] x = new int[p.devices().size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = 1 + r.nextInt(3);
        }
        return x;
    }

    /** Every node on a random device that can run it (colocation ignored). */
    private static Placement perNode(PlacementProblem p, Random r) {
        int n = p.graph().size();
        int k = p.devices().size();
        int[] d = new int[n];
        for (int v = 0; v < n; v++) {
            do {
                d[v] = r.nextInt(k);
            } while (!p.graph().operator(v).runsOn(p.devices().get(d[v]).kind()));
        }
        return new Placement(d, k);
    }

    private void withSolverPlans(String name, PlacementProblem p, boolean quick) {
        PlacementOptions solverOptions = PlacementOptions.defaults().withTimeLimit(10).withWorkers(1).withRestarts(2);
        for (String solver : List.of("dp", "local-search")) {
            Placement plan;
            try {
                plan = PlacementSolvers.byName(solver).solve(p, solverOptions).placement();
            } catch (RuntimeException e) {
                continue; // no plan to simulate
            }
            if (plan != null) {
                compareAll(name + " / " + solver, p, plan, quick);
            }
        }
    }

    private void compareAll(String name, PlacementProblem p, Placement plan, boolean quick) {
        for (SimulationOptions o : variants(p, quick)) {
            compare(name, p, plan, o);
        }
    }

    /** Every schedule with every option the simulator reads, alone and in some combinations. */
    private static List<SimulationOptions> variants(PlacementProblem p, boolean quick) {
        int devices = p.devices().size();
        int[] replicas = new int[devices];
        int[] replicasB = new int[devices];
        for (int d = 0; d < devices; d++) {
            replicas[d] = d % 3 == 0 ? 2 : 1;
            replicasB[d] = 1 + d % 3;
        }
        double meanTransfer = 0;
        for (int v = 0; v < p.graph().size(); v++) {
            double t = p.graph().operator(v).transferTime(p.devices().get(0).kind());
            meanTransfer += Double.isNaN(t) ? 0 : t / p.graph().size();
        }
        double latency = meanTransfer / 3;
        double maxMemory = 0;
        for (int v = 0; v < p.graph().size(); v++) {
            maxMemory = Math.max(maxMemory, p.graph().operator(v).memoryBytes());
        }
        double perByte = maxMemory > 0 ? meanTransfer / maxMemory : 1e-9;
        List<SimulationOptions> list = new ArrayList<>();
        for (Schedule s : Schedule.values()) {
            SimulationOptions base = SimulationOptions.defaults(s);
            list.add(base);
            list.add(base.withOverlapTransfers(true).withSharedLink(true).withLinkLatency(latency));
            list.add(base.withReplicas(replicas).withAllReducePerByte(perByte));
            if (s.training()) {
                list.add(base.withMicroBatches(1).withMiniBatches(1));
                list.add(base.withMicroBatches(16).withMiniBatches(2).withOverlapTransfers(true).withReplicas(replicasB)
                        .withAllReducePerByte(perByte));
            } else {
                list.add(base.withMicroBatches(1));
                list.add(base.withMicroBatches(64).withInFlight(3).withOverlapTransfers(true).withReplicas(replicasB));
            }
            if (quick) {
                continue;
            }
            list.add(base.withOverlapTransfers(true));
            list.add(base.withSharedLink(true));
            list.add(base.withLinkLatency(latency).withInFlight(5));
            list.add(base.withSharedLink(true).withReplicas(replicasB).withAllReducePerByte(perByte * 3));
            if (s.training()) {
                list.add(base.withMicroBatches(3).withMiniBatches(4).withLinkLatency(latency));
                list.add(base.withMicroBatches(5).withMiniBatches(1).withSharedLink(true).withOverlapTransfers(true));
            } else {
                list.add(base.withMicroBatches(3));
                list.add(base.withMicroBatches(500).withInFlight(1).withSharedLink(true));
                list.add(base.withMicroBatches(7).withOverlapTransfers(true).withLinkLatency(latency));
            }
        }
        return list;
    }

    private void compare(String name, PlacementProblem p, Placement plan, SimulationOptions o) {
        String label = name + " " + o.schedule().label() + " m=" + o.microBatches() + " M=" + o.miniBatches() + " f="
                + o.inFlight() + " ov=" + o.overlapTransfers() + " sh=" + o.sharedLink() + " lat=" + o.linkLatency()
                + " r=" + java.util.Arrays.toString(o.replicas()) + " ar=" + o.allReducePerByte();
        Object expected = outcome(() -> LegacySimulatorForComparison.simulate(p, plan, o));
        Object actual = outcome(() -> PipelineSimulator.simulate(p, plan, o));
        cases++;
        perSource.merge(name.split(" ")[0], 1, Integer::sum);
        if (expected instanceof RuntimeException e) {
            assertTrue(actual instanceof RuntimeException, label + ": legacy threw " + e + ", split returned");
            assertEquals(e.getClass(), actual.getClass(), label);
            assertEquals(e.getMessage(), ((RuntimeException) actual).getMessage(), label);
            thrown++;
            String m = String.valueOf(e.getMessage());
            exceptions.merge(e.getClass().getSimpleName() + ": " + m.replaceAll("[0-9]+", "N").replaceAll("node N cannot run on .*", "node N cannot run on ..."), 1, Integer::sum);
            return;
        }
        if (actual instanceof RuntimeException e) {
            throw new AssertionError(label + ": split threw, legacy did not", e);
        }
        SimulationResult a = (SimulationResult) expected;
        SimulationResult b = (SimulationResult) actual;
        assertEquals(a.options(), b.options(), label);
        assertExact(a.throughput(), b.throughput(), label + " throughput");
        assertExact(a.analyticThroughput(), b.analyticThroughput(), label + " analytic");
        assertExact(a.latencyAlone(), b.latencyAlone(), label + " latencyAlone");
        assertExact(a.latencyMean(), b.latencyMean(), label + " latencyMean");
        assertExact(a.latencyP95(), b.latencyP95(), label + " latencyP95");
        assertExact(a.bubbleFraction(), b.bubbleFraction(), label + " bubble");
        assertExact(a.windowStart(), b.windowStart(), label + " windowStart");
        assertExact(a.windowEnd(), b.windowEnd(), label + " windowEnd");
        assertExact(a.makespan(), b.makespan(), label + " makespan");
        assertEquals(a.devices().size(), b.devices().size(), label + " devices");
        for (int d = 0; d < a.devices().size(); d++) {
            DeviceActivity x = a.devices().get(d);
            DeviceActivity y = b.devices().get(d);
            String at = label + " device " + d;
            assertEquals(x.device(), y.device(), at);
            assertEquals(x.replicas(), y.replicas(), at);
            assertExact(x.computeBusy(), y.computeBusy(), at + " computeBusy");
            assertExact(x.transferBusy(), y.transferBusy(), at + " transferBusy");
            assertExact(x.utilisation(), y.utilisation(), at + " utilisation");
            assertExact(x.modelMemory(), y.modelMemory(), at + " modelMemory");
            assertExact(x.peakInFlight(), y.peakInFlight(), at + " peakInFlight");
            assertExact(x.peakStashed(), y.peakStashed(), at + " peakStashed");
        }
        assertEquals(a.lanes(), b.lanes(), label + " lanes");
        assertEquals(a.trace().size(), b.trace().size(), label + " trace size");
        for (int i = 0; i < a.trace().size(); i++) {
            TraceSegment x = a.trace().get(i);
            TraceSegment y = b.trace().get(i);
            String at = label + " segment " + i;
            assertEquals(x.lane(), y.lane(), at);
            assertEquals(x.kind(), y.kind(), at);
            assertEquals(x.sample(), y.sample(), at);
            assertExact(x.start(), y.start(), at + " start");
            assertExact(x.end(), y.end(), at + " end");
        }
        assertEquals(a.traceComplete(), b.traceComplete(), label + " traceComplete");
        assertEquals(a.note(), b.note(), label + " note");
        assertEquals(a, b, label + " record");
        cut += a.traceComplete() ? 0 : 1;
        noted += a.note().isEmpty() ? 0 : 1;
    }

    /** Same bits (JUnit compares doubles without a delta by their bits). */
    private static void assertExact(double expected, double actual, String message) {
        if (Double.doubleToRawLongBits(expected) != Double.doubleToRawLongBits(actual)) {
            throw new AssertionError(message + ": expected " + expected + " but was " + actual);
        }
    }

    private static Object outcome(Supplier<SimulationResult> run) {
        try {
            return run.get();
        } catch (RuntimeException e) {
            return e;
        }
    }
}
