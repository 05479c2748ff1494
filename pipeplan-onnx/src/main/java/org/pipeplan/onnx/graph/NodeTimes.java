package org.pipeplan.onnx.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.pipeplan.io.InputException;
import org.pipeplan.io.JsonFields;
import org.pipeplan.io.OutputFiles;

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
public record NodeTimes(String model, String device, int threads, int runs, Map<String, Double> times,
                        Contention contention) {

    public static final String FORMAT = "pipeplan-node-times";
    /** Longest node time accepted, in ms (a day): keeps every sum of times finite and exact enough. */
    public static final double MAX_MS = 86_400_000;

    /**
     * How much slower the model ran with {@code sessions} copies running at once, one per core, than
     * alone (measured by {@code profile}): cores that share caches and memory bandwidth slow each
     * other down, which a pipeline whose stages all run at once sees and a single run does not.
     */
    public record Contention(int sessions, double slowdown) {
        public static final Contention NONE = new Contention(1, 1);

        /** The slowdown for {@code busy} devices of the type running at once (none for one). */
        public double slowdownFor(int busy) {
            return busy >= 2 && sessions >= 2 ? slowdown : 1;
        }
    }

    public NodeTimes {
        times = Collections.unmodifiableMap(new LinkedHashMap<>(times));
        java.util.Objects.requireNonNull(contention);
    }

    public NodeTimes(String model, String device, int threads, int runs, Map<String, Double> times) {
        this(model, device, threads, runs, times, Contention.NONE);
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
        if (contention.sessions() > 1) {
            ObjectNode c = root.putObject("contention");
            c.put("sessions", contention.sessions());
            c.put("slowdown", contention.slowdown());
        }
        ObjectNode nodes = root.putObject("nodes");
        times.forEach(nodes::put);
        try {
            OutputFiles.writeString(file, mapper.writeValueAsString(root) + System.lineSeparator());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    public static NodeTimes read(Path file) {
        JsonNode root = JsonFields.parse(file);
        if (!root.isObject() || !FORMAT.equals(root.path("format").asText())) {
            throw new InputException(file, "not a node-times file ('format' must be \"" + FORMAT + "\")");
        }
        if (root.has("version") && !(root.get("version").isIntegralNumber() && root.get("version").asInt() == 1)) {
            throw new InputException(file, "version " + root.get("version") + " is not supported (this pipeplan reads version 1)");
        }
        if (root.has("unit") && !"ms".equals(root.get("unit").asText())) {
            throw new InputException(file, "unit " + root.get("unit") + " is not supported: node times are in \"ms\"");
        }
        int threads = positiveInt(file, root, "threads");
        int runs = positiveInt(file, root, "runs");
        if (!root.path("nodes").isObject()) {
            throw new InputException(file, "missing 'nodes' object");
        }
        Map<String, Double> times = new LinkedHashMap<>();
        for (var it = root.get("nodes").fields(); it.hasNext(); ) {
            var e = it.next();
            double v = e.getValue().asDouble();
            if (!e.getValue().isNumber() || !(v >= 0) || v > MAX_MS) {
                throw new InputException(file, "node '" + e.getKey() + "': time must be a number from 0 to " + MAX_MS
                        + " ms, got " + e.getValue());
            }
            times.put(e.getKey(), v);
        }
        Contention contention = Contention.NONE;
        if (root.has("contention")) {
            JsonNode c = root.get("contention");
            int sessions = c.path("sessions").isIntegralNumber() ? c.path("sessions").asInt() : 0;
            double slowdown = c.path("slowdown").isNumber() ? c.path("slowdown").asDouble() : Double.NaN;
            if (sessions < 1 || !(slowdown >= 1 && slowdown <= 100)) {
                throw new InputException(file, "contention: 'sessions' must be an integer >= 1 and 'slowdown' a number from 1 "
                        + "to 100, got " + c);
            }
            contention = new Contention(sessions, slowdown);
        }
        String device = root.path("device").asText("cpu-core");
        if (device.isEmpty()) {
            throw new InputException(file, "'device' must name a device type");
        }
        return new NodeTimes(root.path("model").asText(""), device, threads, runs, times, contention);
    }

    private static int positiveInt(Path file, JsonNode root, String field) {
        if (!root.has(field)) {
            return 1;
        }
        JsonNode v = root.get(field);
        if (!v.isIntegralNumber() || v.asLong() < 1 || v.asLong() > 1_000_000) {
            throw new InputException(file, "'" + field + "' must be an integer from 1 to 1000000, got " + v);
        }
        return v.asInt();
    }
}
