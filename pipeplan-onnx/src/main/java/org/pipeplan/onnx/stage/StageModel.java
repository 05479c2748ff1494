package org.pipeplan.onnx.stage;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.util.List;

/**
 * One pipeline stage as a self-contained ONNX model.
 *
 * @param index   position in the pipeline, from 0
 * @param device  the device the plan gives it
 * @param proto   the stage model: its nodes, the initializers they read, boundary inputs and outputs
 * @param inputs  tensors it takes: model inputs and tensors of earlier stages
 * @param outputs tensors it hands on: those later stages read, and model outputs
 * @param nodes   names of the original model's nodes it runs (Constant nodes it copies included)
 */
public record StageModel(int index, String device, ModelProto proto, List<String> inputs, List<String> outputs,
                         List<String> nodes) {

    public StageModel {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        nodes = List.copyOf(nodes);
    }

    /** File name of the stage in a split folder. */
    public String fileName() {
        return "stage-" + index + ".onnx";
    }
}
