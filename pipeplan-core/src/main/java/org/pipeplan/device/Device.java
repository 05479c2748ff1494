package org.pipeplan.device;

import java.util.Objects;

/**
 * One device of a {@link DeviceSet}.
 *
 * @param index       position in the device set
 * @param name        unique name used in plans ("acc0", "cpu0")
 * @param kind        what the device is
 * @param memoryLimit bytes available for operators placed on it; infinite for host devices
 */
public record Device(int index, String name, DeviceKind kind, double memoryLimit) {

    public Device {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        if (!(memoryLimit >= 0)) {
            throw new IllegalArgumentException("device " + name + ": memory limit must be >= 0, got " + memoryLimit);
        }
    }

    public boolean isAccelerator() {
        return !kind.hostResident();
    }

    @Override
    public String toString() {
        return name;
    }
}
