package org.pipeplan.placement.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.pipeplan.device.DeviceSet;
import org.pipeplan.graph.OperatorGraph;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.placement.Placement;
import org.pipeplan.testing.TestGraphs;

class MaxLoadEvaluatorTest {

    private static final int ACC0 = 0;
    private static final int ACC1 = 1;
    private static final int CPU0 = 2;

    /** a -> b, a -> c, a -> d, b -> d, c -> d with transfer costs a=1, b=2, c=3. */
    private static PlacementProblem diamond(double memory) {
        OperatorGraph g = new TestGraphs()
                .node(0, 100, 10, 5, false, null, true)
                .node(1, 200, 20, 5, false, null, true)
                .node(2, 300, 30, 5, false, null, false)
                .node(3, 400, 40, 5, false, null, true)
                .edge(0, 1).edge(0, 2).edge(0, 3).edge(1, 3).edge(2, 3)
                .build(1, 2, 3, 0);
        return new PlacementProblem("diamond", g, DeviceSet.acceleratorsAndCpus(2, memory, 1));
    }

    private static Evaluation eval(PlacementProblem p, int... deviceOf) {
        return MaxLoadEvaluator.evaluate(p, new Placement(deviceOf, p.devices().size()));
    }

    @Test
    void chargesEachSourceOncePerAcceleratorAndNothingToCpus() {
        PlacementProblem p = diamond(100);
        // a alone on acc0 feeds b, c, d on cpu0: acc0 pays c(a) once; the CPU pays nothing
        Evaluation e = eval(p, ACC0, CPU0, CPU0, CPU0);
        assertEquals(10 + 1, e.devices().get(ACC0).load(), 1e-12);
        assertEquals(200 + 300 + 400, e.devices().get(CPU0).load(), 1e-12);
        assertEquals(0, e.devices().get(CPU0).communication());
        assertEquals(900, e.maxLoad(), 1e-12);
    }

    @Test
    void receiverPaysOncePerSourceEvenWithSeveralEdges() {
        PlacementProblem p = diamond(100);
        // a on acc0 feeds b, c and d, all on acc1 (c is not allowed there: reported, still evaluated)
        Evaluation e = eval(p, ACC0, ACC1, ACC1, ACC1);
        assertEquals(10 + 1, e.devices().get(ACC0).load(), 1e-12);
        assertEquals(20 + 30 + 40 + 1, e.devices().get(ACC1).load(), 1e-12);
        assertEquals(List.of("node 2 cannot run on acc1 (accelerator)"), e.violations());
        assertFalse(e.feasible());
    }

    @Test
    void senderAndEveryReceivingAcceleratorPay() {
        PlacementProblem p = diamond(100);
        // a, b on acc0; c on cpu0; d on acc1
        Evaluation e = eval(p, ACC0, ACC0, CPU0, ACC1);
        // acc0: compute 30; a leaves (to c and d): 1; b leaves (to d): 2
        assertEquals(33, e.devices().get(ACC0).load(), 1e-12);
        // acc1: compute 40; receives a (1), b (2), c (3)
        assertEquals(46, e.devices().get(ACC1).load(), 1e-12);
        assertEquals(300, e.devices().get(CPU0).load(), 1e-12);
        assertTrue(e.feasible());
        assertTrue(e.contiguity().contiguous());
        assertEquals(List.of(ACC0, CPU0, ACC1), e.contiguity().pipelineOrder());
        assertEquals(CPU0, e.bottleneck().device().index());
    }

    @Test
    void memoryOverTheLimitIsAViolation() {
        PlacementProblem p = diamond(9);
        Evaluation e = eval(p, ACC0, ACC0, CPU0, ACC1);
        assertEquals(List.of("device acc0 holds 10.0 bytes, over its limit of 9.0"), e.violations());
        assertTrue(e.devices().get(ACC0).memoryExceeded());
        assertFalse(e.devices().get(ACC1).memoryExceeded());
    }

    @Test
    void detectsNonConvexSets() {
        PlacementProblem p = diamond(100);
        // a and d on acc0, b on acc1: the path a -> b -> d leaves acc0 and comes back
        Evaluation e = eval(p, ACC0, ACC1, CPU0, ACC0);
        assertFalse(e.contiguity().contiguous());
        assertEquals(List.of("acc0"), e.contiguity().nonConvexDevices());
    }

    @Test
    void convexSetsCanStillFailToFormAPipeline() {
        // two independent chains p -> q and r -> s; {p, s} and {q, r} are convex but feed each other
        OperatorGraph g = new TestGraphs().node(0, 1, 1).node(1, 1, 1).node(2, 1, 1).node(3, 1, 1)
                .edge(0, 1).edge(2, 3).build(1, 0, 1, 0);
        PlacementProblem p = new PlacementProblem("chains", g, DeviceSet.acceleratorsAndCpus(2, 10, 0));
        Evaluation e = eval(p, 0, 1, 1, 0);
        assertFalse(e.contiguity().contiguous());
        assertTrue(e.contiguity().nonConvexDevices().isEmpty());
        assertTrue(e.contiguity().pipelineOrder().isEmpty());
    }

    @Test
    void colocatedNodesOnDifferentDevicesAreAViolation() {
        OperatorGraph g = new TestGraphs().node(0, 1, 1, 0, false, 7L, true).node(1, 1, 1, 0, true, 7L, true)
                .edge(0, 1).build(0.5);
        PlacementProblem p = new PlacementProblem("pair", g, DeviceSet.acceleratorsAndCpus(2, 10, 0));
        assertEquals(List.of("colocated nodes 0 and 1 are on different devices"), eval(p, 0, 1).violations());
        assertTrue(eval(p, 1, 1).feasible());
    }
}
