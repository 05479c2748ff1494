package org.pipeplan.cluster.training.export;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.pipeplan.cluster.training.Recomputation;
import org.pipeplan.cluster.training.TrainingPlan;
import org.pipeplan.cluster.training.TrainingSetup;

/**
 * A training plan as a DeepSpeed configuration (the JSON given to deepspeed.initialize): batch
 * sizes, gradient accumulation (the micro-batches of a pipeline), the ZeRO stage, bf16, activation
 * checkpointing, and the pipeline's stages and split.
 *
 * <p>DeepSpeed reads the stage count and split from the PipelineModule, not from the file: the
 * section {@code "pipeline"} gives them ({@code "stages"}, and {@code "parts"}, the layer
 * boundaries over the model's layer list, for PipelineModule(num_stages=..., partition_method=...)
 * or its {@code parts}); {@code "tensor_parallel"} gives the tensor degree for DeepSpeed's AutoTP
 * or for Megatron-DeepSpeed's {@code --tensor-model-parallel-size}. Interleaved schedules have no
 * DeepSpeed counterpart; the file then says so.
 */
public final class DeepSpeedConfig {

    private DeepSpeedConfig() {
    }

    public static ObjectNode toJson(TrainingPlan plan) {
        TrainingSetup s = plan.setup();
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("train_batch_size", plan.evaluation().globalBatch());
        root.put("train_micro_batch_size_per_gpu", s.microBatch());
        root.put("gradient_accumulation_steps", plan.evaluation().microBatches());
        root.putObject("bf16").put("enabled", true);
        ObjectNode zero = root.putObject("zero_optimization");
        zero.put("stage", s.zeroStage());
        zero.put("overlap_comm", true);
        zero.put("contiguous_gradients", true);
        if (s.recomputation() != Recomputation.NONE) {
            ObjectNode ckpt = root.putObject("activation_checkpointing");
            ckpt.put("partition_activations", s.tensor() > 1);
            ckpt.put("contiguous_memory_optimization", false);
            ckpt.put("cpu_checkpointing", false);
        }
        ObjectNode tp = root.putObject("tensor_parallel");
        tp.put("autotp_size", s.tensor());
        ObjectNode pipe = root.putObject("pipeline");
        pipe.put("stages", s.pipeline());
        pipe.put("activation_checkpoint_interval", s.recomputation() == Recomputation.FULL ? 1 : 0);
        ArrayNode parts = pipe.putArray("parts");
        for (int b : plan.boundaries()) {
            parts.add(b);
        }
        if (s.virtualStages() > 1) {
            pipe.put("note", "the plan interleaves " + s.virtualStages() + " chunks per GPU (Megatron-LM's schedule), which "
                    + "DeepSpeed's pipeline engine does not run; parts lists the " + s.chunks() + " chunks");
        }
        ObjectNode info = root.putObject("pipeplan");
        info.put("plan", s.toString());
        info.put("data_parallel_size", s.data());
        info.put("iteration_ms", plan.iterationMs());
        return root;
    }

    public static String of(TrainingPlan plan) {
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(toJson(plan)) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
