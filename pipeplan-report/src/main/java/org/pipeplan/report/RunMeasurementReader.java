package org.pipeplan.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.pipeplan.io.InputException;

/** Reads the JSON that {@code pipeplan run --out} writes (format "pipeplan-run"). */
public final class RunMeasurementReader {

    private RunMeasurementReader() {
    }

    public static RunMeasurement read(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readString(file));
        } catch (IOException e) {
            throw new InputException(file.toString(), "cannot read run result: " + firstLine(e.getMessage()));
        }
        if (root == null || !root.isObject() || !"pipeplan-run".equals(root.path("format").asText())) {
            throw new InputException(file.toString(), "not a run result (format 'pipeplan-run' expected; write one with pipeplan run --out)");
        }
        JsonNode stagesJson = root.path("stages");
        if (!stagesJson.isArray() || stagesJson.isEmpty()) {
            throw new InputException(file.toString(), "'stages' must be a non-empty array");
        }
        List<RunMeasurement.Stage> stages = new ArrayList<>();
        for (int i = 0; i < stagesJson.size(); i++) {
            JsonNode s = stagesJson.get(i);
            String where = "stage #" + i;
            stages.add(new RunMeasurement.Stage(s.path("index").asInt(i), text(file, s, "device", where),
                    s.path("nodes").asInt(0), positive(file, s, "predictedMs", where), positive(file, s, "measuredMs", where)));
        }
        JsonNode measured = root.path("measured");
        JsonNode predicted = root.path("predicted");
        return new RunMeasurement(root.path("model").asText("model"), stages,
                positive(file, predicted, "throughput", "predicted"), positive(file, measured, "throughput", "measured"),
                predicted.path("latencyMs").asDouble(Double.NaN), measured.path("latencyMeanMs").asDouble(Double.NaN),
                root.path("speedup").asDouble(Double.NaN));
    }

    private static String text(Path file, JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw new InputException(file.toString(), where + ": '" + field + "' must be a string");
        }
        return v.asText();
    }

    private static double positive(Path file, JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null || !v.isNumber() || !(v.asDouble() > 0) || Double.isInfinite(v.asDouble())) {
            throw new InputException(file.toString(), where + ": '" + field + "' must be a positive number");
        }
        return v.asDouble();
    }

    private static String firstLine(String message) {
        return message == null ? "failed" : message.lines().findFirst().orElse("failed");
    }
}
