package org.pipeplan.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.placement.Placement;
import org.pipeplan.testing.TestGraphs;

class GraphViewTest {

    private static Placement byHalves(PlacementProblem p) {
        int[] device = new int[p.graph().size()];
        int[] order = p.graph().topologicalOrder();
        for (int i = 0; i < order.length; i++) {
            device[order[i]] = i < order.length / 2 ? 0 : 1;
        }
        return new Placement(device, p.devices().size());
    }

    @Test
    void smallGraphsAreDrawnOneNodePerOperator() {
        PlacementProblem p = TestGraphs.random(new Random(1), 15, false, 2, 0, 1e9);
        GraphView.Coarse c = GraphView.coarsen(p, byHalves(p));
        // only chains are fused; every operator belongs to exactly one drawn node
        assertEquals(15, Arrays.stream(c.members()).sum());
        assertTrue(c.groups() <= 15);
    }

    @Test
    void largeGraphsAreCoarsenedWithinTheLimits() {
        PlacementProblem p = TestGraphs.random(new Random(2), 2000, true, 2, 0, 1e9);
        GraphView.Coarse c = GraphView.coarsen(p, byHalves(p));
        assertEquals(2000, c.shownOperators()); // the backward pass is not drawn
        assertEquals(2000, Arrays.stream(c.members()).sum());
        assertTrue(c.groups() <= GraphView.MAX_NODES, "groups " + c.groups());
        assertTrue(Arrays.stream(c.layer()).max().orElse(0) < GraphView.MAX_LAYERS);
        // a group never mixes devices
        for (int v = 0; v < p.graph().size(); v++) {
            if (c.groupOf()[v] >= 0) {
                assertEquals(byHalves(p).deviceOf(v), c.device()[c.groupOf()[v]]);
            }
        }
        GraphView.Drawing drawing = GraphView.draw(p, byHalves(p), List.of(0, 1));
        assertTrue(drawing.svg().length() < 200_000, "svg of " + drawing.svg().length() + " characters");
        assertTrue(drawing.caption().contains("2000 forward operators drawn as"));
        assertTrue(drawing.svg().contains("stage 1: acc1"));
    }

    @Test
    void edgesGoForwardBetweenLayers() {
        PlacementProblem p = TestGraphs.random(new Random(3), 300, false, 2, 0, 1e9);
        GraphView.Coarse c = GraphView.coarsen(p, byHalves(p));
        for (int[] e : c.edges()) {
            assertTrue(c.layer()[e[0]] <= c.layer()[e[1]], "edge " + Arrays.toString(e));
        }
    }
}
