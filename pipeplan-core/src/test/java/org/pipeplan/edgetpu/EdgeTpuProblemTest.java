package org.pipeplan.edgetpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.pipeplan.device.Device;
import org.pipeplan.device.DeviceSet;
import org.pipeplan.device.DeviceType;
import org.pipeplan.graph.Edge;
import org.pipeplan.graph.Operator;
import org.pipeplan.graph.OperatorGraph;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.io.DeviceFileReader;

class EdgeTpuProblemTest {

    private static final DeviceType TPU = DeviceFileReader.bundledCatalog().get("edge-tpu");

    /** Operators listed out of topological order: 2 -> 0 -> 1. */
    private static PlacementProblem problem(int devices) {
        List<Operator> ops = List.of(
                Operator.builder(10).name("b").computeTime(TPU.kind(), 2).memoryBytes(200).outputBytes(20).build(),
                Operator.builder(11).name("c").computeTime(TPU.kind(), 3).memoryBytes(300).build(),
                Operator.builder(12).name("a").computeTime(TPU.kind(), 1).memoryBytes(100).outputBytes(5).build());
        List<Edge> edges = List.of(new Edge(2, 0, 0, 50), new Edge(0, 1, 0, 0));
        List<Device> list = new java.util.ArrayList<>();
        for (int i = 0; i < devices; i++) {
            list.add(new Device(i, "tpu" + i, TPU.kind(), TPU.memoryBytes()));
        }
        return new PlacementProblem("p", OperatorGraph.of(ops, edges), new DeviceSet(list));
    }

    @Test
    void operatorsAreRenumberedTopologicallyWithTheirCostsAndTheTypesLinks() {
        EdgeTpuProblem e = EdgeTpuProblem.of(problem(2), TPU);
        EdgeTpuGraph g = e.graph();
        assertEquals("a", g.nodeName(0));
        assertEquals("b", g.nodeName(1));
        assertEquals("c", g.nodeName(2));
        assertEquals(1, g.compute(0));
        assertEquals(100, g.paramBytes(0));
        assertEquals(50, g.outputBytes(0)); // the larger of the output bytes and the edge's
        assertArrayEquals(new int[] {1}, g.successors(0));
        assertEquals(2, e.pipeline().stages());
        assertEquals(TPU.memoryBytes(), e.pipeline().cacheBytes());
        assertEquals(TPU.linkBandwidth() / 1000, e.pipeline().linkBytesPerMs());
        // stages of the renumbered nodes go back to the problem's operators
        assertArrayEquals(new int[] {0, 1, 0}, e.toDevices(new int[] {0, 0, 1}));
    }

    @Test
    void otherDevicesAreRefused() {
        PlacementProblem mixed = problem(1).withDevices(DeviceSet.acceleratorsAndCpus(1, 1e9, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EdgeTpuProblem.of(mixed, TPU));
        assertEquals("an Edge TPU pipeline needs devices of one accelerator type; acc0 is accelerator, not edge-tpu",
                e.getMessage());
    }
}
