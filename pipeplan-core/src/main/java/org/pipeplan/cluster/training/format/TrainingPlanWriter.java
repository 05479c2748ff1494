package org.pipeplan.cluster.training.format;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.pipeplan.cluster.GpuCluster;
import org.pipeplan.cluster.training.MemoryBreakdown;
import org.pipeplan.cluster.training.TrainingEvaluation;
import org.pipeplan.cluster.training.TrainingPlan;
import org.pipeplan.cluster.training.TrainingProblem;
import org.pipeplan.cluster.training.TrainingRank;
import org.pipeplan.cluster.training.TrainingSetup;
import org.pipeplan.cluster.training.TrainingStage;

/**
 * Writes a training plan as JSON: format {@value #FORMAT}, version {@value #VERSION}
 * (docs/plan-format.md). The decisions and the layer split are what a reader needs; the figures
 * (iteration time, throughput, memory per rank) are the cost model's at writing time, for people
 * and tools to read; {@code evaluate} computes them again.
 */
public final class TrainingPlanWriter {

    public static final String FORMAT = "pipeplan-training-plan";
    public static final int VERSION = 1;

    private TrainingPlanWriter() {
    }

    public static ObjectNode toJson(TrainingProblem problem, TrainingPlan plan) {
        TrainingEvaluation e = plan.evaluation();
        TrainingSetup s = plan.setup();
        GpuCluster c = problem.workload().problem().cluster();
        ObjectNode root = new ObjectMapper().createObjectNode();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        root.put("model", problem.model());
        root.put("solver", plan.solver());
        root.put("status", plan.status().name());
        root.put("space", plan.space().label());
        root.put("gpuType", c.gpuType());
        root.put("gpus", c.gpus());
        root.put("gpusPerNode", c.gpusPerNode());
        root.put("globalBatch", problem.globalBatch());
        root.put("tokensPerSample", problem.tokensPerSample());
        root.put("layers", problem.workload().size());
        ObjectNode setup = root.putObject("setup");
        setup.put("tensor", s.tensor());
        setup.put("pipeline", s.pipeline());
        setup.put("data", s.data());
        setup.put("virtualStages", s.virtualStages());
        setup.put("microBatch", s.microBatch());
        setup.put("schedule", s.schedule().label());
        setup.put("zeroStage", s.zeroStage());
        setup.put("recomputation", s.recomputation().label());
        setup.put("sequenceParallel", s.sequenceParallel());
        ArrayNode boundaries = root.putArray("boundaries");
        for (int b : plan.boundaries()) {
            boundaries.add(b);
        }
        root.put("unit", "ms");
        root.put("iterationMs", e.iterationMs());
        root.put("boundMs", plan.bound());
        root.put("samplesPerSecond", e.samplesPerSecond());
        root.put("tokensPerSecond", e.tokensPerSecond());
        root.put("modelTflopsPerGpu", e.modelTflopsPerGpu());
        root.put("mfu", e.mfu());
        ArrayNode chunks = root.putArray("chunks");
        for (TrainingStage st : e.stages()) {
            ObjectNode o = chunks.addObject();
            o.put("rank", st.rank());
            o.put("firstLayer", st.firstLayer());
            o.put("endLayer", st.endLayer());
            o.put("forwardMs", st.forward());
            o.put("backwardMs", st.backward());
        }
        ArrayNode ranks = root.putArray("ranks");
        for (TrainingRank r : e.ranks()) {
            MemoryBreakdown m = r.memory();
            ObjectNode o = ranks.addObject();
            o.put("rank", r.rank());
            o.put("gradientSyncMs", r.gradientSync());
            o.put("exposedSyncMs", r.exposedSync());
            o.put("optimizerStepMs", r.optimizerStep());
            ObjectNode mem = o.putObject("memoryBytes");
            mem.put("parameters", m.parameters());
            mem.put("gradients", m.gradients());
            mem.put("optimizerStates", m.optimizerStates());
            mem.put("activations", m.activations());
            mem.put("buffers", m.buffers());
            mem.put("total", m.total());
        }
        return root;
    }

    public static void write(Path out, TrainingProblem problem, TrainingPlan plan) {
        try {
            Path parent = out.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(out.toFile(), toJson(problem, plan));
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot write " + out + ": " + ex.getMessage(), ex);
        }
    }
}
