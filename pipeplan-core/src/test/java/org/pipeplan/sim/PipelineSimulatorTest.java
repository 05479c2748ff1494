package org.pipeplan.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.pipeplan.device.DeviceKind;
import org.pipeplan.device.DeviceSet;
import org.pipeplan.graph.Edge;
import org.pipeplan.graph.Operator;
import org.pipeplan.graph.OperatorGraph;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.placement.Placement;
import org.pipeplan.placement.evaluate.MaxLoadEvaluator;
import org.pipeplan.testing.TestGraphs;

class PipelineSimulatorTest {

    /** A chain of forward nodes, one per accelerator, with given compute and transfer times. */
    private static PlacementProblem chain(double[] compute, double[] transfer, double bytes) {
        List<Operator> ops = new ArrayList<>();
        List<Edge> edges = new ArrayList<>();
        for (int i = 0; i < compute.length; i++) {
            ops.add(Operator.builder(i).computeTime(DeviceKind.ACCELERATOR, compute[i]).computeTime(DeviceKind.CPU, compute[i])
                    .transferTime(DeviceKind.ACCELERATOR, transfer[i]).outputBytes(bytes).build());
            if (i > 0) {
                edges.add(new Edge(i - 1, i, transfer[i - 1], bytes));
            }
        }
        return new PlacementProblem("chain", OperatorGraph.of(ops, edges),
                DeviceSet.acceleratorsAndCpus(compute.length, 1e12, 0));
    }

    /**
     * p stages of training: forward f_i on device i feeds f_(i+1) and its own backward b_i (the
     * stashed activation); backward runs b_(p-1) ... b_0. No transfer costs.
     */
    private static PlacementProblem trainingChain(int stages, double forward, double backward, double bytes) {
        List<Operator> ops = new ArrayList<>();
        List<Edge> edges = new ArrayList<>();
        for (int i = 0; i < stages; i++) {
            ops.add(Operator.builder(i).colocationLabel((long) i).computeTime(DeviceKind.ACCELERATOR, forward)
                    .outputBytes(bytes).build());
        }
        for (int i = 0; i < stages; i++) {
            ops.add(Operator.builder(stages + i).backward(true).colocationLabel((long) i)
                    .computeTime(DeviceKind.ACCELERATOR, backward).outputBytes(bytes).build());
        }
        for (int i = 0; i < stages; i++) {
            if (i + 1 < stages) {
                edges.add(new Edge(i, i + 1, 0, bytes));
                edges.add(new Edge(stages + i + 1, stages + i, 0, bytes));
            }
            edges.add(new Edge(i, stages + i, 0, bytes));
        }
        return new PlacementProblem("training-chain", OperatorGraph.of(ops, edges),
                DeviceSet.acceleratorsAndCpus(stages, 1e12, 0));
    }

    private static Placement oneNodePerDevice(PlacementProblem p) {
        int[] device = new int[p.graph().size()];
        int devices = p.devices().size();
        for (int v = 0; v < device.length; v++) {
            device[v] = v % devices;
        }
        return new Placement(device, devices);
    }

    private static double analytic(PlacementProblem p, Placement placement) {
        return 1 / MaxLoadEvaluator.evaluate(p, placement).maxLoad();
    }

    @Test
    void streamingThroughputOfAChainIsTheMaxLoadModels() {
        PlacementProblem p = chain(new double[] {2, 3, 1.5, 2.5}, new double[] {0.5, 0.25, 1, 0}, 10);
        Placement placement = oneNodePerDevice(p);
        SimulationResult r = PipelineSimulator.simulate(p, placement, SimulationOptions.defaults(Schedule.STREAMING)
                .withMicroBatches(200));
        // device 1 is the bottleneck: 3 + 0.5 received + 0.25 sent
        assertEquals(1 / 3.75, analytic(p, placement), 1e-12);
        assertEquals(analytic(p, placement), r.throughput(), 1e-9);
        assertEquals(1.0, r.agreement(), 1e-9);
        // alone, a sample pays every compute and every transfer on both ends
        assertEquals(2 + 0.5 + 0.5 + 3 + 0.25 + 0.25 + 1.5 + 1 + 1 + 2.5, r.latencyAlone(), 1e-9);
        assertEquals(1.0, r.devices().get(1).utilisation(), 1e-9);
        assertEquals(3, r.devices().get(1).computeBusy(), 1e-9);
        assertEquals(0.75, r.devices().get(1).transferBusy(), 1e-9);
    }

    @Test
    void streamingAgreesWithTheModelOnRandomNonContiguousPlacements() {
        Random random = new Random(7);
        for (int trial = 0; trial < 40; trial++) {
            PlacementProblem p = TestGraphs.random(random, 10 + random.nextInt(10), false, 3, 1, 1e9);
            Placement placement = randomPlacement(p, random);
            SimulationResult r = PipelineSimulator.simulate(p, placement,
                    SimulationOptions.defaults(Schedule.STREAMING).withMicroBatches(400).withInFlight(24));
            assertEquals(1.0, r.agreement(), 0.01, "trial " + trial);
        }
    }

    /** Colour classes on one device; unsupported nodes on the CPU. */
    static Placement randomPlacement(PlacementProblem p, Random random) {
        OperatorGraph g = p.graph();
        int devices = p.devices().size();
        int[] byClass = new int[g.colocationGroupCount()];
        java.util.Arrays.fill(byClass, -1);
        int[] device = new int[g.size()];
        for (int v = 0; v < g.size(); v++) {
            int c = g.colocationGroup(v);
            if (byClass[c] < 0) {
                byClass[c] = random.nextInt(devices);
            }
            device[v] = byClass[c];
        }
        for (int v = 0; v < g.size(); v++) {
            if (!g.operator(v).runsOn(DeviceKind.ACCELERATOR)) {
                byClass[g.colocationGroup(v)] = devices - 1;
            }
        }
        for (int v = 0; v < g.size(); v++) {
            device[v] = byClass[g.colocationGroup(v)];
        }
        return new Placement(device, devices);
    }

    @Test
    void overlappingTransfersBeatTheModelThatAddsThem() {
        PlacementProblem p = chain(new double[] {1, 1, 1}, new double[] {0.75, 0.75, 0}, 0);
        Placement placement = oneNodePerDevice(p);
        SimulationOptions options = SimulationOptions.defaults(Schedule.STREAMING).withMicroBatches(200);
        SimulationResult serial = PipelineSimulator.simulate(p, placement, options);
        SimulationResult overlapped = PipelineSimulator.simulate(p, placement, options.withOverlapTransfers(true));
        assertEquals(1 / 2.5, serial.throughput(), 1e-9);
        // the middle device computes for 1 while its link moves 1.5: the link is the bottleneck
        assertEquals(1 / 1.5, overlapped.throughput(), 1e-9);
        assertTrue(overlapped.agreement() > 1.6);
        assertEquals(6, overlapped.lanes().size()); // three engines and three links
    }

    @Test
    void aSharedLinkSerialisesEveryTransfer() {
        PlacementProblem p = chain(new double[] {0.1, 0.1, 0.1}, new double[] {1, 1, 0}, 0);
        Placement placement = oneNodePerDevice(p);
        SimulationOptions options = SimulationOptions.defaults(Schedule.STREAMING).withMicroBatches(200);
        assertEquals(1 / 2.1, PipelineSimulator.simulate(p, placement, options).throughput(), 1e-9);
        SimulationResult shared = PipelineSimulator.simulate(p, placement, options.withSharedLink(true));
        // four transfers of 1 per sample over one link
        assertEquals(1 / 4.0, shared.throughput(), 1e-9);
        assertTrue(shared.agreement() < 0.6);
        assertTrue(shared.lanes().contains("shared link"));
    }

    @Test
    void linkLatencyDelaysDataButDoesNotOccupyTheLink() {
        PlacementProblem p = chain(new double[] {1, 1, 1}, new double[] {1, 1, 0}, 0);
        Placement placement = oneNodePerDevice(p);
        SimulationOptions options = SimulationOptions.defaults(Schedule.STREAMING).withMicroBatches(200);
        SimulationResult plain = PipelineSimulator.simulate(p, placement, options);
        SimulationResult latent = PipelineSimulator.simulate(p, placement, options.withLinkLatency(0.75).withMicroBatches(400).withInFlight(16));
        assertEquals(1 / 3.0, plain.throughput(), 1e-9);
        // steady state is reached only on average (the device waits for late inputs in bursts)
        assertEquals(1 / 1.5, latent.throughput(), 0.01 / 1.5);
        assertEquals(plain.latencyAlone(), latent.latencyAlone(), 1e-9);
    }

    @Test
    void aReplicatedStageSharesItsSamples() {
        PlacementProblem p = chain(new double[] {1, 3}, new double[] {0, 0}, 0);
        Placement placement = oneNodePerDevice(p);
        SimulationOptions options = SimulationOptions.defaults(Schedule.STREAMING).withMicroBatches(200);
        assertEquals(1 / 3.0, PipelineSimulator.simulate(p, placement, options).throughput(), 1e-9);
        SimulationResult replicated = PipelineSimulator.simulate(p, placement, options.withReplicas(new int[] {1, 3}));
        assertEquals(1.0, replicated.throughput(), 1e-9);
        assertEquals(1.0, replicated.analyticThroughput(), 1e-12);
        assertEquals(List.of("acc0", "acc1#0", "acc1#1", "acc1#2"), replicated.lanes());
        assertEquals(3, replicated.devices().get(1).replicas());
    }

    @Test
    void gpipeHasTheTextbookBubble() {
        int stages = 4;
        int micro = 8;
        PlacementProblem p = trainingChain(stages, 1, 2, 100);
        Placement placement = oneNodePerDevice(p);
        SimulationResult r = PipelineSimulator.simulate(p, placement,
                SimulationOptions.defaults(Schedule.GPIPE).withMicroBatches(micro).withMiniBatches(3));
        double period = (micro + stages - 1) * 3.0;
        assertEquals(micro / period, r.throughput(), 1e-9);
        assertEquals((stages - 1.0) / (micro + stages - 1), r.bubbleFraction(), 1e-9);
        // the model ignores the bubble: one sample per max-load (3) in steady state
        assertEquals(1 / 3.0, r.analyticThroughput(), 1e-12);
        // the first stage keeps every micro-batch's activation until its backward
        assertEquals(micro * 100, r.devices().get(0).peakStashed(), 1e-9);
    }

    @Test
    void oneFOneBStashesFewerActivationsThanGpipeAtTheSameSpeed() {
        int stages = 4;
        int micro = 8;
        PlacementProblem p = trainingChain(stages, 1, 2, 100);
        Placement placement = oneNodePerDevice(p);
        SimulationOptions options = SimulationOptions.defaults(Schedule.ONE_F_ONE_B).withMicroBatches(micro);
        SimulationResult oneF = PipelineSimulator.simulate(p, placement, options);
        SimulationResult gpipe = PipelineSimulator.simulate(p, placement, options.withSchedule(Schedule.GPIPE));
        assertEquals(gpipe.throughput(), oneF.throughput(), 1e-9);
        for (int stage = 0; stage < stages; stage++) {
            assertEquals((stages - stage) * 100.0, oneF.devices().get(stage).peakStashed(), 1e-9, "stage " + stage);
        }
        assertTrue(oneF.devices().get(0).peakMemory() < gpipe.devices().get(0).peakMemory());
        assertEquals("", oneF.note());
    }

    @Test
    void replicatedTrainingStagesPayAnAllReduceAtTheFlush() {
        PlacementProblem p = trainingChain(2, 1, 2, 0);
        Placement placement = oneNodePerDevice(p);
        SimulationOptions options = SimulationOptions.defaults(Schedule.GPIPE).withMicroBatches(4);
        SimulationResult plain = PipelineSimulator.simulate(p, placement, options);
        // give the operators 1000 bytes of memory each through a rebuilt problem is not needed:
        // the all-reduce of operators without memory is free, so only the replica split shows
        SimulationResult replicated = PipelineSimulator.simulate(p, placement,
                options.withReplicas(new int[] {2, 2}).withAllReducePerByte(0.01));
        assertTrue(replicated.throughput() > plain.throughput());
    }

    @Test
    void runsAreDeterministic() {
        PlacementProblem p = TestGraphs.random(new Random(3), 30, true, 3, 1, 1e9);
        Placement placement = randomPlacement(p, new Random(4));
        SimulationOptions options = SimulationOptions.defaults(Schedule.ONE_F_ONE_B);
        SimulationResult a = PipelineSimulator.simulate(p, placement, options);
        SimulationResult b = PipelineSimulator.simulate(p, placement, options);
        assertEquals(a, b);
    }

    @Test
    void everyTrainingScheduleFinishesOnRandomPlacements() {
        Random random = new Random(11);
        for (int trial = 0; trial < 30; trial++) {
            PlacementProblem p = TestGraphs.random(random, 8 + random.nextInt(12), true, 3, 1, 1e9);
            Placement placement = randomPlacement(p, random);
            for (Schedule schedule : List.of(Schedule.GPIPE, Schedule.ONE_F_ONE_B)) {
                SimulationResult r = PipelineSimulator.simulate(p, placement, SimulationOptions.defaults(schedule));
                // bubbles and flushes only slow a pipeline down
                assertTrue(r.agreement() <= 1 + 1e-9, "trial " + trial + " " + schedule);
                assertTrue(r.throughput() > 0);
            }
        }
    }

    @Test
    void aNodeOnADeviceItCannotRunOnIsRefused() {
        OperatorGraph g = new TestGraphs().node(1, 1, 1, 0, false, null, false).node(2, 1, 1).edge(1, 2).build();
        PlacementProblem p = new PlacementProblem("x", g, DeviceSet.acceleratorsAndCpus(1, 1e9, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PipelineSimulator.simulate(p, new Placement(new int[] {0, 1}, 2),
                        SimulationOptions.defaults(Schedule.STREAMING)));
        assertEquals("node 1 cannot run on acc0 (accelerator)", e.getMessage());
    }
}
