package org.pipeplan.cluster.training.format;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.pipeplan.cluster.training.PipelineSchedule;
import org.pipeplan.cluster.training.Recomputation;
import org.pipeplan.cluster.training.TrainingProblem;
import org.pipeplan.cluster.training.TrainingSetup;
import org.pipeplan.io.JsonFields;

/**
 * Reads a training plan written by {@link TrainingPlanWriter} (format
 * {@value TrainingPlanWriter#FORMAT}, versions 1 to {@value TrainingPlanWriter#VERSION}) for the
 * problem it was made for: its decisions and its layer split. The figures in the file are not
 * trusted; the cost model prices the plan again. A plan for another cluster size or another layer
 * count, malformed decisions and newer versions are errors naming the file and the field.
 */
public final class TrainingPlanReader {

    /** What a training plan file holds that the cost model needs, and the value it claims. */
    public record Contents(TrainingSetup setup, int[] boundaries, String solver, double claimedIterationMs) {
    }

    private TrainingPlanReader() {
    }

    public static Contents read(Path file, TrainingProblem problem) {
        JsonFields f = new JsonFields(file.toString());
        JsonNode root = f.object(JsonFields.parse(file), "the top level");
        JsonNode format = root.get("format");
        if (format == null || !format.isTextual() || !format.asText().equals(TrainingPlanWriter.FORMAT)) {
            throw f.error("'format' must be \"" + TrainingPlanWriter.FORMAT + "\"");
        }
        long version = f.integer(root, "version", "top level");
        if (version < 1 || version > TrainingPlanWriter.VERSION) {
            throw f.error("training plan format version " + version + " is not supported (this pipeplan reads versions 1.."
                    + TrainingPlanWriter.VERSION + ")");
        }
        int gpus = problem.workload().problem().cluster().gpus();
        long planGpus = f.integer(root, "gpus", "top level");
        if (planGpus != gpus) {
            throw f.error("the plan is for " + planGpus + " GPUs, the cluster has " + gpus);
        }
        int layers = problem.workload().size();
        long planLayers = f.integer(root, "layers", "top level");
        if (planLayers != layers) {
            throw f.error("the plan splits " + planLayers + " layers, the model has " + layers);
        }
        JsonNode s = f.object(root.get("setup"), "setup");
        TrainingSetup setup;
        try {
            setup = new TrainingSetup(small(f, s, "tensor", gpus), small(f, s, "pipeline", gpus), small(f, s, "data", gpus),
                    small(f, s, "virtualStages", layers), small(f, s, "microBatch", Integer.MAX_VALUE),
                    PipelineSchedule.parse(text(f, s, "schedule")), small(f, s, "zeroStage", 3),
                    Recomputation.parse(text(f, s, "recomputation")), f.flag(s, "sequenceParallel", "setup", false));
        } catch (IllegalArgumentException e) {
            throw f.error("setup: " + e.getMessage());
        }
        JsonNode list = f.array(root, "boundaries", "top level");
        if (list.size() != setup.chunks() + 1) {
            throw f.error("boundaries: " + setup.chunks() + " chunks need " + (setup.chunks() + 1) + " boundaries, got "
                    + list.size());
        }
        int[] boundaries = new int[list.size()];
        for (int i = 0; i < boundaries.length; i++) {
            long b = f.integerValue(list.get(i), "boundaries", "top level");
            if (b < 0 || b > layers || (i > 0 && b <= boundaries[i - 1])) {
                throw f.error("boundaries[" + i + "] = " + b + ": boundaries must rise from 0 to " + layers);
            }
            boundaries[i] = (int) b;
        }
        if (boundaries[0] != 0 || boundaries[boundaries.length - 1] != layers) {
            throw f.error("boundaries must start at 0 and end at " + layers);
        }
        String solver = root.hasNonNull("solver") ? root.get("solver").asText() : "given";
        JsonNode claimed = root.get("iterationMs");
        return new Contents(setup, boundaries, solver, claimed != null && claimed.isNumber() ? claimed.asDouble() : Double.NaN);
    }

    private static int small(JsonFields f, JsonNode parent, String field, int max) {
        long v = f.integer(parent, field, "setup");
        if (v < 0 || v > max) {
            throw f.error("setup." + field + " must lie in 0.." + max + ", got " + v);
        }
        return (int) v;
    }

    private static String text(JsonFields f, JsonNode parent, String field) {
        JsonNode v = parent.get(field);
        if (v == null || !v.isTextual()) {
            throw f.error("setup." + field + " must be a string");
        }
        return v.asText();
    }
}
