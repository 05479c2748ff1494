package org.pipeplan.onnx.stage;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.pipeplan.io.OutputFiles;

/**
 * Writes the stages of a split into a folder: stage-0.onnx, stage-1.onnx, ... and stages.json
 * (format "pipeplan-stages"), which says in which order to run them and which tensors each takes
 * and hands on, so any runtime can chain them (docs/onnx.md).
 */
public final class StageFiles {

    public static final String FORMAT = "pipeplan-stages";
    public static final String MANIFEST = "stages.json";

    private StageFiles() {
    }

    public static void write(Path dir, String model, List<String> modelInputs, List<String> modelOutputs,
                             List<StageModel> stages) {
        try {
            Files.createDirectories(dir);
            ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            ObjectNode root = mapper.createObjectNode();
            root.put("format", FORMAT);
            root.put("version", 1);
            root.put("model", model);
            strings(root.putArray("inputs"), modelInputs);
            strings(root.putArray("outputs"), modelOutputs);
            ArrayNode list = root.putArray("stages");
            for (StageModel s : stages) {
                OutputFiles.write(dir.resolve(s.fileName()), s.proto()::writeTo);
                ObjectNode o = list.addObject();
                o.put("index", s.index());
                o.put("device", s.device());
                o.put("file", s.fileName());
                o.put("nodes", s.nodes().size());
                strings(o.putArray("inputs"), s.inputs());
                strings(o.putArray("outputs"), s.outputs());
            }
            OutputFiles.writeString(dir.resolve(MANIFEST), mapper.writeValueAsString(root) + System.lineSeparator());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the stages to " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }
}
