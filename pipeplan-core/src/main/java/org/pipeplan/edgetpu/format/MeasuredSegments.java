package org.pipeplan.edgetpu.format;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.pipeplan.io.JsonFields;

/**
 * Per-segment latencies measured on real Edge TPUs for one split (format
 * "pipeplan-edgetpu-measured"): {@code {"format": "pipeplan-edgetpu-measured", "version": 1,
 * "unit": "ms", "segments": [3.1, 2.9, ...]}}, in pipeline order, as libcoral's
 * {@code model_pipelining_performance_analysis} prints them (docs/edgetpu.md says how to measure).
 */
public record MeasuredSegments(double[] ms) {

    public static final String FORMAT = "pipeplan-edgetpu-measured";

    public MeasuredSegments {
        ms = ms.clone();
    }

    public static MeasuredSegments read(Path file) {
        JsonFields f = new JsonFields(file.toString());
        JsonNode root = f.object(JsonFields.parse(file), "the top level");
        if (!FORMAT.equals(root.path("format").asText())) {
            throw f.error("'format' must be \"" + FORMAT + "\"");
        }
        long version = f.integer(root, "version", "top level");
        if (version != 1) {
            throw f.error("version " + version + " is not supported (this pipeplan reads version 1)");
        }
        if (root.has("unit") && !"ms".equals(root.get("unit").asText())) {
            throw f.error("'unit' must be \"ms\", got " + JsonFields.describe(root.get("unit")));
        }
        JsonNode list = f.array(root, "segments", "top level");
        if (list.isEmpty()) {
            throw f.error("'segments' lists no time");
        }
        double[] ms = new double[list.size()];
        for (int i = 0; i < ms.length; i++) {
            ms[i] = f.numberValue(list.get(i), "segments", "segments[" + i + "]");
            if (!(ms[i] > 0) || ms[i] > 1e9) {
                throw f.error("segments[" + i + "]: a time must be above 0 and at most 1e9 ms, got " + ms[i]);
            }
        }
        return new MeasuredSegments(ms);
    }
}
