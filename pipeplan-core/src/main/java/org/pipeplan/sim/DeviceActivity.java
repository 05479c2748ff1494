package org.pipeplan.sim;

import org.pipeplan.device.Device;

/**
 * What one device did in the simulation, summed over its replicas, in the measured steady-state
 * window.
 *
 * @param device          the device
 * @param replicas        how many copies of it share its work
 * @param computeBusy     time spent computing per sample (all replicas together)
 * @param transferBusy    time its link spent on transfers (and all-reduce) per sample
 * @param utilisation     share of the window the busiest of its resources worked, per replica
 * @param modelMemory     bytes the cost model puts on it (operators' own memory)
 * @param peakInFlight    largest bytes of tensors held at once on one replica: outputs waiting for
 *                        local consumers or transfers, received inputs, and in training the
 *                        activations stashed from forward to backward
 * @param peakStashed     of those, the largest bytes of forward outputs kept for the backward pass
 */
public record DeviceActivity(Device device, int replicas, double computeBusy, double transferBusy,
                             double utilisation, double modelMemory, double peakInFlight, double peakStashed) {

    /** Model memory plus the in-flight peak: what one replica must hold at worst. */
    public double peakMemory() {
        return modelMemory + peakInFlight;
    }

    public boolean memoryExceeded() {
        return peakMemory() > device.memoryLimit();
    }
}
