package org.pipeplan.device;

import java.util.Objects;

/**
 * A kind of device an operator can run on. Operators carry one compute time per kind.
 *
 * @param name         short name used in files and tables ("cpu", "accelerator")
 * @param hostResident true when the device computes directly on host memory: it pays no transfer
 *                     cost for tensors it reads or writes and has no memory limit of its own
 */
public record DeviceKind(String name, boolean hostResident) {

    /** A host CPU core: data already lives in its DRAM. */
    public static final DeviceKind CPU = new DeviceKind("cpu", true);

    /** An accelerator (GPU, FPGA, TPU...) with its own memory; tensors cross a link to reach it. */
    public static final DeviceKind ACCELERATOR = new DeviceKind("accelerator", false);

    public DeviceKind {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("device kind name must not be blank");
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
