package org.pipeplan.placement.evaluate;

import java.util.List;

/**
 * The independent evaluation of a placement in the max-load model.
 *
 * @param devices    load of every device, in device-set order
 * @param maxLoad    the largest device load: the time per sample of the pipeline
 * @param maxForwardPlusMaxBackward largest forward load plus largest backward load (compute, and
 *                   transfers booked by the type of their source node)
 * @param violations hard constraints the placement breaks (memory, unsupported operators,
 *                   colocation); empty when feasible
 * @param contiguity the layout of the forward part
 */
public record Evaluation(List<DeviceLoad> devices, double maxLoad, double maxForwardPlusMaxBackward,
                         List<String> violations, Contiguity contiguity) {

    public Evaluation {
        devices = List.copyOf(devices);
        violations = List.copyOf(violations);
    }

    public boolean feasible() {
        return violations.isEmpty();
    }

    /** Samples per unit of time in steady state. */
    public double throughput() {
        return maxLoad > 0 ? 1.0 / maxLoad : Double.POSITIVE_INFINITY;
    }

    /** The device with the largest load (the first one on ties). */
    public DeviceLoad bottleneck() {
        DeviceLoad best = devices.get(0);
        for (DeviceLoad d : devices) {
            if (d.load() > best.load()) {
                best = d;
            }
        }
        return best;
    }
}
