package org.pipeplan.cluster.training.export;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.pipeplan.cluster.training.PipelineSchedule;
import org.pipeplan.cluster.training.Recomputation;
import org.pipeplan.cluster.training.TrainingPlan;
import org.pipeplan.cluster.training.TrainingSetup;
import org.pipeplan.transformer.TransformerFamily;
import org.pipeplan.transformer.TransformerSpec;

/**
 * A training plan as Megatron-LM's command-line arguments (pretrain_gpt.py): the parallel sizes,
 * the layers of every (virtual) stage, the batch sizes, recomputation, sequence parallelism and
 * the distributed optimizer (ZeRO 1), with the model's own arguments when it was built from a spec.
 *
 * <p>Megatron-LM lays its decoder layers out evenly; an uneven first or last stage is given with
 * {@code --decoder-first-pipeline-num-layers} and {@code --decoder-last-pipeline-num-layers}. A
 * split that is uneven elsewhere cannot be given to it; the arguments then say so in a comment and
 * list the layers per stage.
 */
public final class MegatronArguments {

    private MegatronArguments() {
    }

    /**
     * The arguments, one per line ending in a backslash, for a shell command line.
     *
     * @param spec the transformer the plan is for, or null for another model (its layers are then
     *             the workload's, and the model arguments are left out)
     */
    public static String of(TrainingPlan plan, TransformerSpec spec) {
        TrainingSetup s = plan.setup();
        List<String> comments = new ArrayList<>();
        List<String> args = new ArrayList<>();
        comments.add("# Megatron-LM arguments from pipeplan (" + s + "), " + String.format(Locale.ROOT,
                "%.1f ms per iteration predicted", plan.iterationMs()));
        if (spec != null) {
            args.add("--num-layers " + spec.layers());
            args.add("--hidden-size " + spec.hidden());
            args.add("--num-attention-heads " + spec.heads());
            if (spec.kvHeads() != spec.heads()) {
                args.add("--group-query-attention");
                args.add("--num-query-groups " + spec.kvHeads());
            }
            args.add("--ffn-hidden-size " + spec.ffn());
            args.add("--seq-length " + spec.seq());
            args.add("--max-position-embeddings " + spec.seq());
            if (!spec.tied()) {
                args.add("--untie-embeddings-and-output-weights");
            }
            if (spec.family() == TransformerFamily.LLAMA) {
                args.add("--normalization RMSNorm");
                args.add("--swiglu");
                args.add("--position-embedding-type rope");
                args.add("--disable-bias-linear");
            }
        }
        args.add("--tensor-model-parallel-size " + s.tensor());
        args.add("--pipeline-model-parallel-size " + s.pipeline());
        int[] decoder = decoderLayersPerChunk(plan, spec);
        if (s.schedule() == PipelineSchedule.INTERLEAVED) {
            args.add("--num-layers-per-virtual-pipeline-stage " + decoder[0]);
        } else if (s.pipeline() > 1 && !uniform(decoder, 0, decoder.length)) {
            int middle = decoder.length > 2 ? decoder[1] : -1;
            boolean middleEven = decoder.length <= 2 || uniform(decoder, 1, decoder.length - 1);
            if (middleEven) {
                if (decoder.length == 2 || decoder[0] != middle) {
                    args.add("--decoder-first-pipeline-num-layers " + decoder[0]);
                }
                if (decoder.length == 2 || decoder[decoder.length - 1] != middle) {
                    args.add("--decoder-last-pipeline-num-layers " + decoder[decoder.length - 1]);
                }
            } else {
                comments.add("# the plan's split is uneven inside the pipeline, which Megatron-LM's arguments cannot state: "
                        + "decoder layers per stage " + Arrays.toString(decoder));
            }
        }
        args.add("--micro-batch-size " + s.microBatch());
        args.add("--global-batch-size " + plan.evaluation().globalBatch());
        if (s.recomputation() == Recomputation.SELECTIVE) {
            args.add("--recompute-granularity selective");
        } else if (s.recomputation() == Recomputation.FULL) {
            args.add("--recompute-granularity full");
            args.add("--recompute-method uniform");
            args.add("--recompute-num-layers 1");
        }
        if (s.sequenceParallel()) {
            args.add("--sequence-parallel");
        }
        if (s.zeroStage() >= 1) {
            args.add("--use-distributed-optimizer");
        }
        if (s.zeroStage() >= 2) {
            comments.add("# ZeRO stage " + s.zeroStage() + " is DeepSpeed's; Megatron-LM's distributed optimizer shards the "
                    + "optimizer states only (ZeRO 1): use --export deepspeed for this plan");
        }
        args.add("--bf16");
        StringBuilder b = new StringBuilder();
        comments.forEach(c -> b.append(c).append('\n'));
        for (int i = 0; i < args.size(); i++) {
            b.append(args.get(i)).append(i + 1 < args.size() ? " \\\n" : "\n");
        }
        return b.toString();
    }

    /**
     * Decoder layers of every chunk: a transformer's chunks without the embedding (first layer of
     * the workload) and the head (last); another model's chunks with all their layers.
     */
    static int[] decoderLayersPerChunk(TrainingPlan plan, TransformerSpec spec) {
        int[] layers = plan.layersPerChunk();
        if (spec != null) {
            layers[0] -= 1;
            layers[layers.length - 1] -= 1;
        }
        return layers;
    }

    private static boolean uniform(int[] a, int from, int to) {
        for (int i = from + 1; i < to; i++) {
            if (a[i] != a[from]) {
                return false;
            }
        }
        return true;
    }
}
