package org.pipeplan.placement.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.pipeplan.bound.LatencyLowerBound;
import org.pipeplan.device.DeviceSet;
import org.pipeplan.graph.OperatorGraph;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.placement.Placement;
import org.pipeplan.testing.TestGraphs;

class LatencyEvaluatorTest {

    private static final int ACC0 = 0;
    private static final int ACC1 = 1;
    private static final int CPU = 2;

    /** A chain 0 -> 1 -> 2 -> 3; transfer costs 1, 2, 3. */
    private static PlacementProblem chain() {
        OperatorGraph g = new TestGraphs().node(0, 10, 1).node(1, 20, 2).node(2, 30, 3).node(3, 40, 4)
                .edge(0, 1).edge(1, 2).edge(2, 3).build(1, 2, 3, 0);
        return new PlacementProblem("chain", g, DeviceSet.acceleratorsAndCpus(2, 100, 1));
    }

    private static double latency(PlacementProblem p, int... deviceOf) {
        return LatencyEvaluator.evaluate(p, new Placement(deviceOf, p.devices().size())).latency();
    }

    @Test
    void cpuNodesAddTheirComputeAlongPaths() {
        assertEquals(100, latency(chain(), CPU, CPU, CPU, CPU), 1e-12);
    }

    @Test
    void aPieceReceivesComputesAndSendsBeforeItsNodesAreDone() {
        PlacementProblem p = chain();
        // 0 on CPU (10); {1, 2} on acc0: receive c(0)=1, compute 2+3, send c(2)=3 -> 10+1+5+3 = 19; 3 on CPU: +40
        assertEquals(59, latency(p, CPU, ACC0, ACC0, CPU), 1e-12);
        // everything on one accelerator: 1+2+3+4, nothing in or out
        assertEquals(10, latency(p, ACC0, ACC0, ACC0, ACC0), 1e-12);
        // two accelerators: {0,1} sends c(1)=2 -> 1+2+2 = 5; {2,3} receives 2, computes 7 -> 14
        assertEquals(14, latency(p, ACC0, ACC0, ACC1, ACC1), 1e-12);
    }

    @Test
    void aNonConvexSetIsCutIntoPiecesThatRunWithoutWaitingForEachOther() {
        PlacementProblem p = chain();
        // acc0 holds {0, 2}: piece {0} (d=1) and piece {2} (d=2), with 1 on acc1 between them
        // {0}: 1 + send 1 = 2; {1}: 2 + recv 1 + 2 + send 2 = 7; {2}: 7 + recv 2 + 3 + send 3 = 15; {3}: 15 + 40
        LatencyEvaluation e = LatencyEvaluator.evaluate(p, new Placement(new int[] {ACC0, ACC1, ACC0, CPU}, 3));
        assertEquals(55, e.latency(), 1e-12);
        assertEquals(3, e.pieces());
        assertTrue(e.feasible());
    }

    @Test
    void explicitPiecesOfADeviceRunOneAfterAnother() {
        // two independent nodes a, b on one accelerator: in parallel as pieces of the reference
        // model, one after the other with explicit pieces
        OperatorGraph g = new TestGraphs().node(0, 10, 5).node(1, 10, 7).build();
        PlacementProblem p = new PlacementProblem("pair", g, DeviceSet.acceleratorsAndCpus(1, 100, 1));
        Placement together = new Placement(new int[] {0, 0}, 2);
        assertEquals(12, LatencyEvaluator.evaluate(p, together).latency(), 1e-12, "one convex piece");
        assertEquals(12, LatencyEvaluator.evaluate(p, together.withPieces(new int[] {0, 1})).latency(), 1e-12);
        assertEquals(12, LatencyEvaluator.evaluate(p, together.withPieces(new int[] {1, 0})).latency(), 1e-12);
    }

    @Test
    void memoryOverflowIsReported() {
        PlacementProblem p = chain().withDevices(DeviceSet.acceleratorsAndCpus(2, 0.5, 1));
        OperatorGraph g = new TestGraphs().node(0, 1, 1, 1, false, null, true).build();
        PlacementProblem q = new PlacementProblem("one", g, DeviceSet.acceleratorsAndCpus(1, 0.5, 1));
        LatencyEvaluation e = LatencyEvaluator.evaluate(q, new Placement(new int[] {0}, 2));
        assertFalse(e.feasible());
        assertTrue(LatencyEvaluator.evaluate(p, new Placement(new int[] {CPU, CPU, CPU, CPU}, 3)).feasible());
    }

    @Test
    void theLatencyBoundIsTheFastestLongestPath() {
        assertEquals(10, LatencyLowerBound.of(chain()), 1e-12);
    }
}
