package org.pipeplan.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.pipeplan.device.DeviceKind;
import org.pipeplan.graph.Operator;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.testing.TestData;

class PlacementJsonReaderTest {

    @TempDir
    Path dir;

    private static final String HEADER = "\"maxSizePerFPGA\": 100.0, \"maxFPGAs\": 2, \"maxCPUs\": 1,";

    private static String node(int id, String extra) {
        return "{\"id\": " + id + ", \"supportedOnFpga\": 1, \"cpuLatency\": 2.0, \"fpgaLatency\": 1.0,"
                + " \"isBackwardNode\": 0, \"size\": 10" + extra + "}";
    }

    private static String graph(String nodes, String edges) {
        return "{" + HEADER + " \"nodes\": [" + nodes + "], \"edges\": [" + edges + "]}";
    }

    private static String edge(int from, int to, double cost) {
        return "{\"sourceId\": " + from + ", \"destId\": " + to + ", \"cost\": " + cost + "}";
    }

    private static final String THREE_NODES = node(1, "") + "," + node(2, "") + "," + node(3, "");

    @Test
    void readsNodesEdgesDevicesAndTransferCosts() {
        Path file = TestData.write(dir, "g.json", graph(node(1, ", \"colorClass\": 7, \"name\": \"conv1\"") + ","
                + node(2, ", \"colorClass\": 7") + "," + node(3, ""), edge(1, 2, 0.5) + "," + edge(1, 3, 0.5)));
        PlacementProblem p = PlacementJsonReader.read(file);
        assertEquals("g", p.name());
        assertEquals(3, p.graph().size());
        assertEquals(2, p.graph().edgeCount());
        Operator first = p.graph().operator(0);
        assertEquals("conv1", first.name());
        assertEquals(2.0, first.computeTime(DeviceKind.CPU));
        assertEquals(1.0, first.computeTime(DeviceKind.ACCELERATOR));
        assertEquals(0.5, first.transferTime(DeviceKind.ACCELERATOR));
        assertEquals(0.0, p.graph().operator(1).transferTime(DeviceKind.ACCELERATOR), "a node without out-edges costs nothing to move");
        assertEquals(p.graph().colocationGroup(0), p.graph().colocationGroup(1));
        assertFalse(p.graph().colocationGroup(0) == p.graph().colocationGroup(2), "no colorClass: a class of its own");
        assertEquals(3, p.devices().size());
        assertEquals(2, p.devices().count(DeviceKind.ACCELERATOR));
        assertEquals(100.0, p.devices().get(0).memoryLimit());
    }

    @Test
    void acceptsBooleansAsTrueFalseOrZeroOne() {
        Path file = TestData.write(dir, "b.json", graph(
                "{\"id\": 1, \"supportedOnFpga\": false, \"cpuLatency\": 1, \"fpgaLatency\": 1, \"isBackwardNode\": false},"
                + "{\"id\": 2, \"supportedOnFpga\": true, \"cpuLatency\": 1, \"fpgaLatency\": 1, \"isBackwardNode\": 1}",
                edge(1, 2, 0)));
        PlacementProblem p = PlacementJsonReader.read(file);
        assertFalse(p.graph().operator(0).runsOn(DeviceKind.ACCELERATOR));
        assertTrue(p.graph().operator(1).isBackward());
    }

    static Stream<Arguments> badInputs() {
        return Stream.of(
                Arguments.of("{\"maxFPGAs\": 2,", "malformed JSON at line 1"),
                Arguments.of("", "empty file"),
                Arguments.of("[1, 2]", "the top level must be a JSON object"),
                Arguments.of("{\"maxSizePerFPGA\": 1, \"maxCPUs\": 1, \"nodes\": [], \"edges\": []}", "missing field 'maxFPGAs'"),
                Arguments.of("{" + HEADER + " \"edges\": []}", "missing field 'nodes'"),
                Arguments.of("{" + HEADER + " \"nodes\": [" + THREE_NODES + "]}", "missing field 'edges'"),
                Arguments.of(graph("{\"supportedOnFpga\": 1, \"cpuLatency\": 1, \"fpgaLatency\": 1, \"isBackwardNode\": 0}", ""),
                        "node #0: missing field 'id'"),
                Arguments.of(graph("{\"id\": 4, \"supportedOnFpga\": 1, \"fpgaLatency\": 1, \"isBackwardNode\": 0}", ""),
                        "node 4: missing field 'cpuLatency'"),
                Arguments.of(graph("{\"id\": 4, \"supportedOnFpga\": 1, \"cpuLatency\": 1, \"fpgaLatency\": 1}", ""),
                        "node 4: missing field 'isBackwardNode'"),
                Arguments.of(graph(THREE_NODES, "{\"sourceId\": 1, \"destId\": 2}"), "edge #0 (1 -> 2): missing field 'cost'"),
                Arguments.of(graph(THREE_NODES, edge(1, 9, 1)), "edge #0 (1 -> 9): unknown destId 9"),
                Arguments.of(graph(THREE_NODES, edge(8, 1, 1)), "edge #0 (8 -> 1): unknown sourceId 8"),
                Arguments.of(graph(THREE_NODES, edge(1, 2, 1) + "," + edge(2, 3, 1) + "," + edge(3, 1, 1)),
                        "the graph has a cycle: 1 -> 2 -> 3 -> 1"),
                Arguments.of(graph(THREE_NODES, edge(2, 2, 1)), "the graph has a cycle: 2 -> 2"),
                Arguments.of(graph(THREE_NODES, edge(1, 2, -0.5)), "edge #0 (1 -> 2): 'cost' is negative (-0.5)"),
                Arguments.of(graph(THREE_NODES, "{\"sourceId\": 1, \"destId\": 2, \"cost\": NaN}"), "edge #0 (1 -> 2): 'cost' is NaN"),
                Arguments.of(graph(THREE_NODES, "{\"sourceId\": 1, \"destId\": 2, \"cost\": Infinity}"), "'cost' is infinite"),
                Arguments.of(graph(node(1, "").replace("\"cpuLatency\": 2.0", "\"cpuLatency\": -1"), ""),
                        "node 1: 'cpuLatency' is negative (-1.0)"),
                Arguments.of(graph(node(1, "").replace("\"fpgaLatency\": 1.0", "\"fpgaLatency\": NaN"), ""),
                        "node 1: 'fpgaLatency' is NaN"),
                Arguments.of(graph(node(1, "").replace("\"size\": 10", "\"size\": -3"), ""), "node 1: 'size' is negative"),
                Arguments.of(graph(THREE_NODES, edge(1, 2, 0.5) + "," + edge(1, 3, 0.7)),
                        "node 1: out-edges have different costs (0.5 on edge #0, 0.7 on edge #1)"),
                Arguments.of(graph(node(1, "") + "," + node(2, "").replace("\"isBackwardNode\": 0", "\"isBackwardNode\": 1"),
                        edge(2, 1, 0)), "edge 2 -> 1 goes from backward node 2 to forward node 1"),
                Arguments.of(graph(node(1, "") + "," + node(1, ""), ""), "node 1: duplicate node id"),
                Arguments.of(graph(node(1, ", \"containedSubnodes\": [2]"), ""), "node 1: 'containedSubnodes' is not allowed"),
                Arguments.of(graph(node(1, "").replace("\"id\": 1", "\"id\": 1.5"), ""), "'id' must be an integer, got 1.5"),
                Arguments.of(graph(node(1, "").replace("\"supportedOnFpga\": 1", "\"supportedOnFpga\": \"yes\""), ""),
                        "node 1: 'supportedOnFpga' must be true/false or 0/1, got \"yes\""),
                Arguments.of(graph(node(1, "").replace("\"cpuLatency\": 2.0", "\"cpuLatency\": \"2\""), ""),
                        "node 1: 'cpuLatency' must be a number, got \"2\""),
                Arguments.of("{\"maxSizePerFPGA\": 1, \"maxFPGAs\": 0, \"maxCPUs\": 0, \"nodes\": [" + node(1, "") + "], \"edges\": []}",
                        "no devices"),
                Arguments.of("{\"maxSizePerFPGA\": 1, \"maxFPGAs\": -2, \"maxCPUs\": 0, \"nodes\": [], \"edges\": []}",
                        "'maxFPGAs' must be between 0 and 1000000, got -2"),
                Arguments.of(graph("", ""), "'nodes' is empty"),
                Arguments.of("{" + HEADER + HEADER.substring(0, 22) + " \"nodes\": [], \"edges\": []}", "Duplicate field"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("badInputs")
    void rejectsBadInputWithOneLineNamingFileAndProblem(String text, String expected) {
        Path file = TestData.write(dir, "bad.json", text);
        InputException e = assertThrows(InputException.class, () -> PlacementJsonReader.read(file));
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), "expected <" + expected + "> in <" + e.getMessage() + ">");
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }

    @Test
    void missingFileIsAnInputError() {
        InputException e = assertThrows(InputException.class, () -> PlacementJsonReader.read(dir.resolve("nope.json")));
        assertTrue(e.getMessage().endsWith("nope.json: no such file"), e.getMessage());
    }

    @Test
    void readsEveryFixture() {
        PlacementProblem p = PlacementJsonReader.read(TestData.fixture("LayerGraphs/bert24_training.json"));
        assertEquals(64, p.graph().size());
        assertEquals(110, p.graph().edgeCount());
        assertTrue(p.graph().hasBackward());
        assertTrue(PlacementJsonReader.isInstance(TestData.fixture("LayerGraphs/bert24_training.json")));
        assertFalse(PlacementJsonReader.isInstance(TestData.fixture("human-experts/bert24_inference_expert.json")));
    }
}
