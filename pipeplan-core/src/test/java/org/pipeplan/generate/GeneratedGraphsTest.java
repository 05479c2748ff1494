package org.pipeplan.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.pipeplan.device.DeviceKind;
import org.pipeplan.graph.Edge;
import org.pipeplan.graph.Operator;
import org.pipeplan.graph.OperatorGraph;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.io.PlacementJsonReader;
import org.pipeplan.io.PlacementJsonWriter;
import org.pipeplan.placement.PlacementOptions;
import org.pipeplan.placement.Plan;
import org.pipeplan.placement.ideal.ExactDpSolver;
import org.pipeplan.testing.TestData;

class GeneratedGraphsTest {

    private static PlacementProblem roundTrip(PlacementProblem p) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PlacementJsonWriter.write(p, out);
        return PlacementJsonReader.read(p.name(), new ByteArrayInputStream(out.toByteArray()));
    }

    private static void assertSameGraph(OperatorGraph a, OperatorGraph b) {
        assertEquals(a.size(), b.size());
        assertEquals(a.edgeCount(), b.edgeCount());
        for (int v = 0; v < a.size(); v++) {
            Operator x = a.operator(v);
            Operator y = b.operator(v);
            assertEquals(x.id(), y.id());
            assertEquals(x.isBackward(), y.isBackward());
            assertEquals(x.colocationLabel(), y.colocationLabel());
            assertEquals(x.memoryBytes(), y.memoryBytes());
            assertEquals(x.runsOn(DeviceKind.ACCELERATOR), y.runsOn(DeviceKind.ACCELERATOR));
            for (DeviceKind k : new DeviceKind[] {DeviceKind.CPU, DeviceKind.ACCELERATOR}) {
                assertEquals(x.computeTime(k), y.computeTime(k), "node " + x.id() + " on " + k);
            }
        }
        for (int e = 0; e < a.edgeCount(); e++) {
            Edge x = a.edge(e);
            Edge y = b.edge(e);
            assertEquals(x.source(), y.source());
            assertEquals(x.target(), y.target());
            assertEquals(x.cost(), y.cost());
        }
    }

    @Test
    void placementJsonRoundTripsThroughTheWriter() throws IOException {
        PlacementProblem p = PlacementJsonReader.read(TestData.fixture("LayerGraphs/bert24_training.json"));
        PlacementProblem back = roundTrip(p);
        assertSameGraph(p.graph(), back.graph());
        assertEquals(p.devices().size(), back.devices().size());
        PlacementOptions o = PlacementOptions.defaults().withWorkers(1);
        assertEquals(new ExactDpSolver().solve(p, o).value(), new ExactDpSolver().solve(back, o).value());
    }

    @Test
    void tilingChainsTheCopiesForwardAndTheirGradientsBackward() throws IOException {
        PlacementProblem p = PlacementJsonReader.read(TestData.fixture("LayerGraphs/bert24_training.json"));
        PlacementProblem t = GraphTiling.tile(p, 3);
        OperatorGraph g = t.graph();
        assertEquals(3 * p.graph().size(), g.size());
        // one forward and one backward joint per pair of neighbouring copies, to each first operator
        assertTrue(g.edgeCount() > 3 * p.graph().edgeCount());
        int n = p.graph().size();
        boolean forwardJoint = false;
        boolean backwardJoint = false;
        for (Edge e : g.edges()) {
            int from = e.source() / n;
            int to = e.target() / n;
            if (from != to) {
                boolean backward = g.operator(e.source()).isBackward();
                assertEquals(backward, g.operator(e.target()).isBackward(), "joints stay within a pass");
                assertEquals(backward ? from - 1 : from + 1, to, "forward runs the copies in order, backward in reverse");
                forwardJoint |= !backward;
                backwardJoint |= backward;
            }
        }
        assertTrue(forwardJoint && backwardJoint);
        assertEquals(p.devices().get(0).memoryLimit() * 3, t.devices().get(0).memoryLimit());
        assertSameGraph(g, roundTrip(t).graph());
        // three copies on the same devices take at least as long per sample as one
        PlacementOptions o = PlacementOptions.defaults().withWorkers(1);
        Plan one = new ExactDpSolver().solve(p, o);
        Plan three = new ExactDpSolver().solve(t, o);
        assertTrue(three.value() >= one.value());
        assertThrows(IllegalArgumentException.class, () -> GraphTiling.tile(p, 0));
    }

    @Test
    void syntheticProblemsAreRepeatableAndRoundTrip() throws IOException {
        PlacementProblem a = SyntheticProblems.generate(9, 3000, 4);
        PlacementProblem b = SyntheticProblems.generate(9, 3000, 4);
        assertTrue(a.graph().size() >= 3000);
        assertSameGraph(a.graph(), b.graph());
        assertSameGraph(a.graph(), roundTrip(a).graph());
        assertEquals(5, a.devices().size());
        for (Operator op : a.graph().operators()) {
            assertTrue(op.computeTime(DeviceKind.CPU) > 0 && op.computeTime(DeviceKind.ACCELERATOR) > 0, op.name());
        }
    }
}
