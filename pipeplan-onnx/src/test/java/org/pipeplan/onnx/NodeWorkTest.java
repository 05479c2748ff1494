package org.pipeplan.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.pipeplan.onnx.testing.SharedModels;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pipeplan.onnx.cost.NodeWork;
import org.pipeplan.onnx.cost.NodeWorkCalculator;
import org.pipeplan.onnx.model.OnnxModel;
import org.pipeplan.onnx.model.OnnxModelReader;

/**
 * FLOPs, parameter bytes and output bytes of every node of the shared models agree with the
 * reference statistics next to them, with the shapes read from the file and with the shapes
 * inferred after value_info is removed.
 */
class NodeWorkTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"resnet18", "resnet50", "mobilenet_v2", "squeezenet1_0", "googlenet", "inception_v3",
        "vit_b_16", "bert_base"})
    void workMatchesTheReferenceStatistics(String name) throws IOException {
        Path file = SharedModels.model(name + ".graph.onnx");
        JsonNode stats = new ObjectMapper().readTree(SharedModels.model(name + ".stats.json").toFile());
        check(OnnxModelReader.read(file), stats, "value_info");

        ModelProto proto = OnnxModelReader.read(file).proto();
        ModelProto stripped = proto.toBuilder().setGraph(proto.getGraph().toBuilder().clearValueInfo()).build();
        Path bare = dir.resolve(name + ".bare.onnx");
        Files.write(bare, stripped.toByteArray());
        check(OnnxModelReader.read(bare), stats, "inferred shapes");
    }

    private static void check(OnnxModel model, JsonNode stats, String how) {
        NodeWorkCalculator calculator = new NodeWorkCalculator(model);
        JsonNode nodes = stats.get("nodes");
        assertEquals(nodes.size(), model.nodes().size());
        double total = 0;
        for (int i = 0; i < nodes.size(); i++) {
            NodeProto node = model.nodes().get(i);
            JsonNode expected = nodes.get(i);
            String where = how + ": node " + i + " " + node.getName() + " (" + node.getOpType() + ")";
            NodeWork work = calculator.of(node);
            assertEquals(expected.get("flops").asDouble(), work.flops(), 1e-9 * Math.max(1, work.flops()), where + " flops");
            assertEquals(expected.get("param_bytes").asDouble(), work.parameterBytes(), 0.5, where + " param bytes");
            assertEquals(expected.get("output_bytes").asDouble(), work.outputBytes(), 0.5, where + " output bytes");
            assertFalse(work.estimated(), where + " has no FLOP rule");
            total += work.flops();
        }
        assertEquals(stats.get("total_flops").asDouble(), total, 1e-9 * total);
    }
}
