package org.pipeplan.onnx.runtime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pipeplan.onnx.stage.StageModel;

/**
 * Runs stage models one after another on ONNX Runtime, handing each the tensors earlier stages
 * produced: the reference of what a pipeline computes, used to check a split against the whole model.
 */
public final class StageChain implements AutoCloseable {

    private final List<StageModel> stages;
    private final List<OrtSession> sessions = new ArrayList<>();

    public StageChain(List<StageModel> stages, int threads, OrtSessions.Optimization optimization) throws OrtException {
        this.stages = List.copyOf(stages);
        sessions.addAll(OrtSessions.forStages(stages, threads, optimization));
    }

    /** The values of every stage output, flattened to doubles, by tensor name. */
    public Map<String, double[]> run(Map<String, OnnxTensor> inputs) throws OrtException {
        Map<String, OnnxTensor> available = new HashMap<>(inputs);
        Map<String, double[]> values = new LinkedHashMap<>();
        List<OrtSession.Result> open = new ArrayList<>();
        try {
            for (int i = 0; i < stages.size(); i++) {
                Map<String, OnnxTensor> feed = new HashMap<>();
                for (String in : stages.get(i).inputs()) {
                    feed.put(in, available.get(in));
                }
                OrtSession.Result r = sessions.get(i).run(feed);
                open.add(r);
                for (Map.Entry<String, OnnxValue> e : r) {
                    available.put(e.getKey(), (OnnxTensor) e.getValue());
                    values.put(e.getKey(), Tensors.flatten((OnnxTensor) e.getValue()));
                }
            }
        } finally {
            open.forEach(OrtSession.Result::close);
        }
        return values;
    }

    @Override
    public void close() throws OrtException {
        OrtSessions.closeAll(sessions);
    }
}
