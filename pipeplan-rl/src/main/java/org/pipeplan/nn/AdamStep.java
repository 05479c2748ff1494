package org.pipeplan.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.optimizer.Optimizer;
import java.util.LinkedHashMap;
import java.util.Map;

/** One optimiser step over named parameters after a backward pass. */
public final class AdamStep {

    private AdamStep() {
    }

    /**
     * Updates every parameter from its gradient, unless some gradient is not finite (then the
     * weights stay as they are and false is returned). The gradient handles and every temporary
     * live in a scratch manager closed at the end, so long runs do not accumulate native memory.
     */
    public static boolean apply(NDManager manager, Map<String, NDArray> parameters, Optimizer optimizer) {
        try (NDManager scratch = manager.newSubManager()) {
            Map<String, NDArray> gradients = new LinkedHashMap<>();
            for (Map.Entry<String, NDArray> p : parameters.entrySet()) {
                NDArray g = p.getValue().getGradient();
                g.attach(scratch);
                if (!Float.isFinite(g.abs().sum().getFloat())) {
                    return false;
                }
                gradients.put(p.getKey(), g);
            }
            for (Map.Entry<String, NDArray> p : parameters.entrySet()) {
                optimizer.update(p.getKey(), p.getValue(), gradients.get(p.getKey()));
            }
            return true;
        }
    }
}
