package org.pipeplan.onnx.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.pipeplan.io.OutputFiles;

/**
 * Writes a plan in the model's modules: {@code modules.json} (format {@value #FORMAT}, version 1,
 * docs/onnx.md) and {@code torch_pipelining.py}, the split points for torch.distributed.pipelining.
 */
public final class ModuleSplitWriter {

    public static final String FORMAT = "pipeplan-module-split";

    private ModuleSplitWriter() {
    }

    public static String json(String model, ModuleSplit split) {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", 1);
        root.put("model", model);
        root.put("stages", split.stages());
        root.put("planStages", split.planStages());
        root.put("exact", split.exact());
        root.put("misplacedNodes", split.misplacedNodes());
        ObjectNode torch = root.putObject("torchSplitSpec");
        split.torchSplitSpec().forEach(torch::put);
        ArrayNode parts = root.putArray("deepspeedParts");
        split.deepspeedParts().forEach(parts::add);
        ArrayNode layers = root.putArray("layers");
        for (int k = 0; k < split.layers().size(); k++) {
            ObjectNode l = layers.addObject();
            l.put("module", split.layers().get(k));
            l.put("stage", split.layerStage().get(k));
            l.put("nodes", split.layerNodes().get(k));
        }
        ArrayNode notes = root.putArray("notes");
        split.notes().forEach(notes::add);
        try {
            return mapper.writeValueAsString(root) + System.lineSeparator();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void write(Path dir, String model, ModuleSplit split) {
        OutputFiles.writeString(dir.resolve("modules.json"), json(model, split));
        OutputFiles.writeString(dir.resolve("torch_pipelining.py"), "# " + model + ": plan split points for "
                + "torch.distributed.pipelining (written by pipeplan split)\n" + split.torchSnippet());
    }

}
