package org.pipeplan.onnx.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.pipeplan.io.InputException;

/**
 * Measured compute times of a model's nodes on one device type, in milliseconds (format
 * "pipeplan-node-times", written by {@code pipeplan profile}).
 *
 * @param model   the model's name
 * @param device  the device type they were measured on ("cpu-core")
 * @param threads threads the runtime used
 * @param runs    runs averaged
 * @param times   milliseconds per node name
 */
public record NodeTimes(String model, String device, int threads, int runs, Map<String, Double> times) {

    public static final String FORMAT = "pipeplan-node-times";

    public NodeTimes {
        times = Collections.unmodifiableMap(new LinkedHashMap<>(times));
    }

    public void write(Path file) {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", 1);
        root.put("model", model);
        root.put("device", device);
        root.put("threads", threads);
        root.put("runs", runs);
        root.put("unit", "ms");
        ObjectNode nodes = root.putObject("nodes");
        times.forEach(nodes::put);
        try {
            Files.writeString(file, mapper.writeValueAsString(root) + System.lineSeparator());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    public static NodeTimes read(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (NoSuchFileException e) {
            throw new InputException(file, "no such file");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new InputException(file, "malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InputException(file, "cannot read: " + e.getMessage());
        }
        if (root == null || !root.isObject() || !FORMAT.equals(root.path("format").asText())) {
            throw new InputException(file, "not a node-times file ('format' must be \"" + FORMAT + "\")");
        }
        if (!root.path("nodes").isObject()) {
            throw new InputException(file, "missing 'nodes' object");
        }
        Map<String, Double> times = new LinkedHashMap<>();
        for (var it = root.get("nodes").fields(); it.hasNext(); ) {
            var e = it.next();
            if (!e.getValue().isNumber() || !(e.getValue().asDouble() >= 0)) {
                throw new InputException(file, "node '" + e.getKey() + "': time must be a number >= 0");
            }
            times.put(e.getKey(), e.getValue().asDouble());
        }
        return new NodeTimes(root.path("model").asText(""), root.path("device").asText("cpu-core"),
                root.path("threads").asInt(1), root.path("runs").asInt(1), times);
    }
}
