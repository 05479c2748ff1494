package org.pipeplan.placement.evaluate;

import org.pipeplan.device.Device;

/**
 * The load of one device under a placement.
 *
 * @param device        the device
 * @param nodes         number of operators on it
 * @param compute       sum of their compute times on this device's kind
 * @param communication transfer time paid by this device (0 for host devices)
 * @param memory        bytes of the operators on it
 */
public record DeviceLoad(Device device, int nodes, double compute, double communication, double memory) {

    /** Time per sample of this device: compute and transfers do not overlap in this model. */
    public double load() {
        return compute + communication;
    }

    public boolean memoryExceeded() {
        return memory > device.memoryLimit();
    }
}
