package org.pipeplan.onnx.graph;

import java.util.Locale;

/**
 * How a training workload is derived from an inference graph: every forward operator gets a
 * backward operator on the same device, doing twice its FLOPs when it has parameters (gradients
 * for inputs and for weights) and as many otherwise, holding the parameter gradients, the
 * optimizer state and the activations stashed for it.
 *
 * @param optimizer what the optimizer keeps per parameter byte
 */
public record Training(Optimizer optimizer) {

    /** Optimizer state per parameter byte. */
    public enum Optimizer {
        SGD(0), MOMENTUM(1), ADAM(2);

        private final int statesPerParameter;

        Optimizer(int statesPerParameter) {
            this.statesPerParameter = statesPerParameter;
        }

        public int statesPerParameter() {
            return statesPerParameter;
        }

        public static Optimizer parse(String text) {
            try {
                return valueOf(text.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown optimizer '" + text + "' (sgd, momentum, adam)");
            }
        }
    }
}
